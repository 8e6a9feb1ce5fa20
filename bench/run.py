"""`make bench`: this bot, this bot with its Rasa patches off (NETBOT_RASA_PATCHES=off, Rasa as
shipped: bot/rasa_ext/patches/), and a stock `rasa init` bot, measured side by side in one run.

Prints training time, start-up time, one-user latency and 10-user throughput/latency for
each, and the ratios. The machine is shared and noisy, so only same-run comparisons and
medians mean anything. Load comes from the shared evaluation script (loopback only).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot import PROJECT_ROOT
from tests.e2e.harness import Stack, free_port

BIN = Path(sys.executable).parent
EVAL = PROJECT_ROOT.parent / "shared" / "eval" / "run_eval.py"
CASES = PROJECT_ROOT.parent / "shared" / "eval" / "dev_cases.yml"
LOAD_SECONDS = float(os.environ.get("BENCH_SECONDS", 30))


def load(url: str, users: int, seconds: float) -> dict:
    out = subprocess.run([sys.executable, str(EVAL), str(CASES), "--url", url, "--load", str(seconds),
                          "--users", str(users)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(cmd: list[str], **kw) -> float:
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.monotonic() - t0


def measure(name: str, url: str) -> dict:
    one = load(url, 1, 10)
    many = load(url, 10, LOAD_SECONDS)
    return {"bot": name, "p50_1_user_ms": one["latency_ms_p50"], "throughput_10_users": many["throughput_msg_s"],
            "p50_10_users_ms": many["latency_ms_p50"], "p95_10_users_ms": many["latency_ms_p95"],
            "errors": many["errors"]}


def ours(name: str = "this bot", patches: str = "on") -> dict:
    """This bot as `make run` starts it; `patches`: NETBOT_RASA_PATCHES for training and serving."""
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), NETBOT_RASA_PATCHES=patches)
    with tempfile.TemporaryDirectory() as out:
        train = timed([sys.executable, "-m", "bot.rasa_ext.run", "train", "--config", "config.yml", "--domain",
                       "build/domain", "--data", "data", "--out", out, "--force", "--quiet"], cwd=PROJECT_ROOT, env=env)
    stack = Stack(env={"NETBOT_RASA_PATCHES": patches})
    start = stack.start()
    try:
        return {**measure(name, stack.url), "train_s": round(train, 1), "start_s": round(start, 1)}
    finally:
        stack.stop()


def stock() -> dict:
    work = Path(tempfile.mkdtemp(prefix="stock-rasa-"))
    try:
        train = timed([str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(work)], cwd=work)
        port = free_port()
        t0 = time.monotonic()
        proc = subprocess.Popen([str(BIN / "rasa"), "run", "--port", str(port), "-i", "127.0.0.1"],
                                cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=dict(os.environ, RASA_TELEMETRY_ENABLED="false"))
        url = f"http://127.0.0.1:{port}"
        import urllib.request
        while True:
            try:
                urllib.request.urlopen(url + "/webhooks/rest/", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() - t0 > 300:
                    raise RuntimeError("stock bot did not start")
                time.sleep(0.5)
        start = time.monotonic() - t0
        try:
            return {**measure("stock rasa init", url), "train_s": round(train, 1), "start_s": round(start, 1)}
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    a, off, b = ours(), ours("this bot, patches off", "off"), stock()
    cols = ["bot", "train_s", "start_s", "p50_1_user_ms", "throughput_10_users", "p50_10_users_ms",
            "p95_10_users_ms", "errors"]
    print("\n" + " | ".join(cols))
    for r in (a, off, b):
        print(" | ".join(str(r[c]) for c in cols))
    ratio = a["throughput_10_users"] / max(b["throughput_10_users"], 0.01)
    gain = a["throughput_10_users"] / max(off["throughput_10_users"], 0.01)
    print(f"\nthe patches: {gain:.2f}x the throughput of Rasa as shipped")
    print(f"throughput ratio (this / stock): {ratio:.1f}x   "
          f"p95 at 10 users: {a['p95_10_users_ms']} ms vs {b['p95_10_users_ms']} ms   "
          f"budget: p95 <= 150 ms, ratio >= 5x, train <= 90 s, start <= 30 s")
    Path(PROJECT_ROOT / "results").mkdir(exist_ok=True)
    (PROJECT_ROOT / "results" / "bench.json").write_text(json.dumps({"this": a, "patches_off": off, "stock": b, "ratio": ratio,
                                                                       "patch_gain": gain}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
