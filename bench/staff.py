"""`make bench-staff`: the staff page with 100,000 turns, and the answer path with and without
the analytics broker, side by side in one run.

1. A throwaway analytics store with 100,000 turns over 30 days (plus 5,000 votes and 500 kept
   questions) behind bot/web/server.py: GET /staff, each CSV and each chart, timed over HTTP.
   Budget: the staff page answers in under 300 ms (p95).
2. The work the broker adds to each message: the tracker store's save() timed without a broker,
   with publish() only, and with the broker writing (200 saves each, 20 conversations).
3. The bot started as `make run` does, with NETBOT_ANALYTICS=off and on (twice each, alternating),
   each loaded by the shared evaluation script (loopback only) as in `make bench`.
Set BENCH_SECONDS (default 20) for the 10-user load; BENCH_ANSWER_PATH=0 skips part 2.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bot.analytics import store
from bot.analytics.dispositions import DISPOSITIONS
from bot.analytics.known import known

TOKEN = "bench-staff-token-0123456789abcdef"
TURNS = int(os.environ.get("BENCH_TURNS", 100_000))
BUDGET_MS = 300


def fill(path: Path, turns: int = TURNS) -> None:
    rnd = random.Random(21)
    k = known()
    answers = list(k.answer_topics)
    uncovered = sorted(k.uncovered)
    now = time.time()
    rows = []
    for i in range(turns):
        at = now - rnd.random() * 30 * 86400
        answer = rnd.choice(answers) if rnd.random() < 0.55 else None
        rows.append(store.stamp({
            "conv": f"{i // 4:08x}", "intent": "ask_what_is",
            "disposition": rnd.choice(DISPOSITIONS[:4]) if rnd.random() < 0.04 else "none",
            "rule": None, "action": "action_answer", "answer_id": answer, "topic": k.answer_topics.get(answer),
            "aspect": None, "subject": None, "uncovered": rnd.choice(uncovered) if rnd.random() < 0.08 else None,
            "not_covered": 0, "fallback": int(rnd.random() < 0.05), "second_miss": int(rnd.random() < 0.01),
            "typed": 1, "latency_ms": rnd.gauss(25, 8)}, at))
    s = store.AnalyticsStore(path)
    s.add_turns(rows)
    for i in range(turns // 20):
        s.add_vote(store.stamp({"id": f"00000000-0000-4000-8000-{i:012d}", "conv": f"{i:08x}",
                                "answer_id": rnd.choice(answers), "topic": "t", "helpful": int(rnd.random() < 0.7)},
                               now - rnd.random() * 30 * 86400))
    for i in range(turns // 200):
        s.add_question(store.stamp({"id": f"q{i}", "conv": f"{i:08x}", "trigger": "not_covered",
                                    "text": "can I eat [word] with my injections?"}, now - rnd.random() * 86400 * 30))
    s.db.conn.close()


def timed_get(host: str, port: int, path: str) -> tuple[float, int]:
    c = http.client.HTTPConnection(host, port, timeout=30)
    t0 = time.perf_counter()
    c.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
    r = c.getresponse()
    r.read()
    ms = (time.perf_counter() - t0) * 1000
    c.close()
    return ms, r.status


def staff_page() -> dict:
    from bot.web.server import make_server
    from bot.web.staff import StaffApp

    with tempfile.TemporaryDirectory(prefix="bench-staff-") as tmp:
        path = Path(tmp) / "analytics.db"
        t0 = time.perf_counter()
        fill(path)
        print(f"filled {TURNS} turns in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
        server = make_server("127.0.0.1", 0, quiet=True)
        server.staff = StaffApp(TOKEN, db_path=path)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host, port = server.server_address[:2]
        try:
            time.sleep(2)  # charts' warm-up (matplotlib import) finishes, as after a real start
            out = {}
            writer = store.AnalyticsStore(path)
            k = known()

            def new_turn():
                # a patient's message arrives between two views: the figures must be computed afresh
                writer.add_turns([store.stamp({"conv": "bench", "intent": "ask_what_is", "disposition": "none",
                                               "answer_id": next(iter(k.answer_topics)), "not_covered": 0,
                                               "fallback": 0, "second_miss": 0, "typed": 1, "latency_ms": 20.0})])
            for path_, fresh in [("/staff", True), ("/staff", False), ("/staff/csv/helpfulness.csv", True),
                                 ("/staff/chart/weekly.svg", True), ("/staff/chart/escalations.svg", False),
                                 ("/staff/report", False)]:
                first, status = timed_get(host, port, path_)
                assert status == 200, (path_, status)
                times = []
                for _ in range(20):
                    if fresh:
                        new_turn()
                    times.append(timed_get(host, port, path_)[0])
                times.sort()
                label = f"{path_} ({'new data each time' if fresh else 'same data'})"
                out[label] = {"first_ms": round(first, 1), "p50_ms": round(statistics.median(times), 1),
                              "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}
                print(f"  {label:50} first {first:7.1f} ms   p50 {out[label]['p50_ms']:7.1f} ms   "
                      f"p95 {out[label]['p95_ms']:7.1f} ms")
            out["load_average"] = os.getloadavg()[0]
            print(f"  (load average during the run: {out['load_average']:.1f} on {os.cpu_count()} cores)")
            return out
        finally:
            server.shutdown()
            server.server_close()


def save_cost() -> dict:
    """Median and p95 ms of CachedSQLTrackerStore.save() per new turn, by broker setting."""
    import asyncio
    import queue

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot import PROJECT_ROOT
    from bot.rasa_ext.analytics_broker import AnalyticsBroker
    from bot.rasa_ext.stores.sqlite_tracker import CachedSQLTrackerStore

    async def run(mode: str) -> list[float]:
        with tempfile.TemporaryDirectory() as d:
            domain = Domain.from_path(PROJECT_ROOT / "build" / "domain")
            broker = None
            if mode == "publish only":
                broker = AnalyticsBroker.__new__(AnalyticsBroker)
                broker.queue = queue.SimpleQueue()
            elif mode == "broker writing":
                broker = AnalyticsBroker(db=Path(d) / "analytics.db", keep_days=30)
            ts = CachedSQLTrackerStore(domain, dialect="sqlite", db=f"{d}/tracker.db", event_broker=broker)
            times = []
            for conv in range(20):
                tr = DialogueStateTracker(f"s{conv}", domain.slots)
                for e in (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")):
                    tr.update(e)
                for i in range(10):
                    for e in (UserUttered(f"question {i}", {"name": "ask_what_is", "confidence": 1.0}, [],
                                          parse_data={"intent": {"name": "ask_what_is"}, "entities": []}),
                              ActionExecuted("action_answer"), BotUttered("answer", {"custom": None}),
                              BotUttered("footer", {"custom": {"answer_id": "lanreotide-what-is"}}),
                              SlotSet("subject", "lanreotide"), ActionExecuted("action_listen")):
                        tr.update(e)
                    t0 = time.perf_counter()
                    await ts.save(tr)
                    times.append((time.perf_counter() - t0) * 1000)
            if mode == "broker writing":
                broker.flush()
                await broker.close()
            return sorted(times)

    out = {}
    for mode in ("no broker", "publish only", "broker writing") * 2:
        times = asyncio.run(run(mode))
        prev = out.get(mode, [])
        out[mode] = prev + times
    result = {}
    for mode, times in out.items():
        times.sort()
        result[mode] = {"p50_ms": round(statistics.median(times), 3), "p95_ms": round(times[int(len(times) * 0.95)], 3)}
        print(f"  {mode:16} save() p50 {result[mode]['p50_ms']:.3f} ms   p95 {result[mode]['p95_ms']:.3f} ms")
    return result


def answer_path(seconds: float) -> dict:
    from bench.run import load
    from tests.e2e.harness import Stack

    results = {}
    for label, flag in (("analytics off", "off"), ("analytics on", "on"), ("analytics off (again)", "off"),
                        ("analytics on (again)", "on")):
        os.environ["NETBOT_ANALYTICS"] = flag
        stack = Stack()
        stack.start()
        try:
            load(stack.url, 1, 3)                      # warm up
            one, many = load(stack.url, 1, 10), load(stack.url, 10, seconds)
        finally:
            stack.stop()
            os.environ.pop("NETBOT_ANALYTICS", None)
        rows = 0
        db = Path(stack.data_dir) / "analytics.db"
        if db.exists():
            rows = store.connect(db, readonly=True)["turns"].count
        results[label] = {"p50_1_user_ms": one["latency_ms_p50"], "p50_10_users_ms": many["latency_ms_p50"],
                          "p95_10_users_ms": many["latency_ms_p95"], "msg_per_s_10_users": many["throughput_msg_s"],
                          "errors": many["errors"], "analytics_rows": rows}
        print(f"  {label:22} {json.dumps(results[label])}")
    return results


def main() -> int:
    print(f"Staff page with {TURNS} turns (budget: p95 under {BUDGET_MS} ms):")
    page = staff_page()
    out = {"staff": page}
    print("Work added to each message: the tracker store's save(), without and with the broker:")
    out["save"] = save_cost()
    if os.environ.get("BENCH_ANSWER_PATH", "1") != "0":
        print("Answer path, the same bot with the analytics broker off and on:")
        out["answer_path"] = answer_path(float(os.environ.get("BENCH_SECONDS", 20)))
    Path("results").mkdir(exist_ok=True)
    Path("results/bench-staff.json").write_text(json.dumps(out, indent=1))
    p95 = page["/staff (new data each time)"]["p95_ms"]
    ok = p95 < BUDGET_MS
    print(f"staff page p95 with new data each time: {p95} ms: {'within' if ok else 'OVER'} the {BUDGET_MS} ms budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
