"""`make bench-abuse`: one client floods the bot while another patient asks questions.

The bot is started as `make run` starts it (tests/e2e/harness.py, a throwaway data folder). Both
clients come "through the reverse proxy" (X-Real-IP, as deploy/proxy/ sets it), each from its own
address. The flood: about 100 requests a second from one address, a third of them near the body
cap (15 KB), a third over it (40 KB), a third ordinary questions, each on a new conversation.
Measured: the patient's latency without and with the flood (target p95 < 150 ms), what the flood
got back, and how fast the conversation store grew during it (target < 1 MB a minute, measured
with the write-ahead logs folded in; also the bytes the flood's and the patient's events take).
Loopback only; bounded in time (ABUSE_SECONDS, default 60); stops by itself.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import closing
from pathlib import Path

from bot import PROJECT_ROOT
from tests.e2e.harness import Stack

SECONDS = float(os.environ.get("ABUSE_SECONDS", 60))
FLOOD_RATE = float(os.environ.get("ABUSE_RATE", 100))   # requests a second from the flooding address
FLOODERS = 8                                              # threads sharing that rate
QUESTIONS = ["what is lanreotide", "how often is octreotide given", "what is carcinoid heart disease",
             "how is it treated", "what does the outlook depend on", "what is everolimus for",
             "how would they check my heart", "is surgery possible for a NET in the liver"]


def post(url: str, body: bytes, address: str, timeout: float = 30) -> int:
    req = urllib.request.Request(url + "/webhooks/rest/webhook", data=body, headers={
        "Content-Type": "application/json", "X-Real-IP": address})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return 0


def store_bytes(data_dir: Path) -> int:
    """The stores' size with their write-ahead logs folded in (a WAL file keeps its largest size
    until it is truncated, which says nothing about how much was stored)."""
    for db in data_dir.glob("*.db"):
        with closing(sqlite3.connect(db, timeout=30)) as c:
            c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(f.stat().st_size for f in data_dir.iterdir() if f.is_file())


def stored_by(data_dir: Path, prefix: str) -> tuple[int, int]:
    """(conversations, bytes of their stored events) for senders starting with `prefix`."""
    with closing(sqlite3.connect(data_dir / "tracker.db", timeout=30)) as c:
        n, size = c.execute("SELECT COUNT(DISTINCT sender_id), COALESCE(SUM(LENGTH(data)), 0) FROM events "
                            "WHERE sender_id LIKE ?", (prefix + "%",)).fetchone()
    return n, size


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(1000 * values[min(len(values) - 1, int(p / 100 * len(values)))], 1)


def patient(url: str, seconds: float, every: float = 0.5) -> list[float]:
    """A patient (a new one every 8 questions, each from its own address) asking every `every` s."""
    lat, n, end = [], 0, time.monotonic() + seconds
    while time.monotonic() < end:
        if n % len(QUESTIONS) == 0:
            sender, address = "patient-" + uuid.uuid4().hex[:8], f"198.51.100.{n // len(QUESTIONS) % 250 + 1}"
        t0 = time.monotonic()
        status = post(url, json.dumps({"sender": sender, "message": QUESTIONS[n % len(QUESTIONS)]}).encode(), address)
        if status == 200:
            lat.append(time.monotonic() - t0)
        n += 1
        time.sleep(max(0.0, every - (time.monotonic() - t0)))
    return lat


def flood(url: str, seconds: float, stats: dict) -> None:
    big = "x " * 7_500          # 15 KB: under the body cap, over the message cap
    huge = "x" * 40_000         # over the body cap: 413 before parsing
    interval = FLOODERS / FLOOD_RATE
    end = time.monotonic() + seconds

    def run(k: int) -> None:
        i, next_at = 0, time.monotonic() + k * interval / FLOODERS
        while time.monotonic() < end:
            time.sleep(max(0.0, next_at - time.monotonic()))
            next_at += interval
            msg = (big, huge, "what is lanreotide")[i % 3]
            status = post(url, json.dumps({"sender": f"flood-{k}-{i}", "message": msg}).encode(), "203.0.113.66")
            with lock:
                stats[status] = stats.get(status, 0) + 1
            i += 1

    lock = threading.Lock()
    threads = [threading.Thread(target=run, args=(k,)) for k in range(FLOODERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main() -> int:
    stack = Stack()
    stack.start()
    data = Path(stack.data_dir)
    try:
        for q in QUESTIONS:  # warm up every path once
            post(stack.url, json.dumps({"sender": "warm", "message": q}).encode(), "192.0.2.1")
        quiet = patient(stack.url, min(20.0, SECONDS / 3))
        before, stats = store_bytes(data), {}
        t0 = time.monotonic()
        flooder = threading.Thread(target=flood, args=(stack.url, SECONDS, stats))
        flooder.start()
        busy = patient(stack.url, SECONDS)
        flooder.join()
        minutes = (time.monotonic() - t0) / 60
        grown = store_bytes(data) - before
        flood_conversations, flood_bytes = stored_by(data, "flood-")
        patient_conversations, patient_bytes = stored_by(data, "patient-")
    finally:
        stack.stop()
    sent = sum(stats.values())
    out = {
        "seconds": SECONDS, "flood_requests": sent, "flood_rate_per_s": round(sent / (minutes * 60), 1),
        "flood_statuses": {str(k): v for k, v in sorted(stats.items())},
        "patient_p50_ms_quiet": pct(quiet, 50), "patient_p95_ms_quiet": pct(quiet, 95),
        "patient_p50_ms_flood": pct(busy, 50), "patient_p95_ms_flood": pct(busy, 95),
        "patient_answers_flood": len(busy),
        "store_growth_mb_per_min": round(grown / 1e6 / minutes, 3),
        "flood_stored_conversations": flood_conversations,
        "flood_stored_mb_per_min": round(flood_bytes / 1e6 / minutes, 3),
        "patient_stored_mb_per_min": round(patient_bytes / 1e6 / minutes, 3),
    }
    print(json.dumps(out, indent=1))
    print(f"\npatient p95 during the flood: {out['patient_p95_ms_flood']} ms (target < 150); "
          f"store growth {out['store_growth_mb_per_min']} MB/min (target < 1)")
    (PROJECT_ROOT / "results").mkdir(exist_ok=True)
    (PROJECT_ROOT / "results" / "abuse.json").write_text(json.dumps(out, indent=1))
    ok = (out["patient_p95_ms_flood"] or 1e9) < 150 and out["store_growth_mb_per_min"] < 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
