"""`make run-cluster` as a person uses it: it starts, prints the URL, answers there, and Ctrl-C
stops everything it started and deletes its folder."""
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from bot import PROJECT_ROOT
from bot.ops.cluster import free_port
from tests.cluster.harness import post


def processes_mentioning(text: str) -> list[str]:
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmd:
                found.append(f"{d} {cmd[:100]}")
    return found


def test_run_cluster_starts_answers_and_stops_everything_on_ctrl_c():
    port = free_port()
    env = dict(os.environ, CLUSTER_PORT=str(port), PYTHONPATH=str(PROJECT_ROOT))
    p = subprocess.Popen([sys.executable, "-m", "bot.ops.cluster"], cwd=PROJECT_ROOT, env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    out, ready = [], threading.Event()

    def read():
        for line in p.stdout:
            out.append(line)
            if "Press Ctrl-C" in line:
                ready.set()
    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(300), "".join(out[-30:])
        text = "".join(out)
        assert f"http://localhost:{port}/" in text
        folder = re.search(r"Logs:\s+(\S+)/logs/", text).group(1)
        reply = post(f"http://127.0.0.1:{port}", "smoke", "what is lanreotide")
        assert reply.outcome == "normal" and "lanreotide" in reply.body.lower()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200 and b"widget.js" in r.read()
        assert len(processes_mentioning(folder)) >= 4  # postgres, redis, nginx, their shells
    finally:
        p.send_signal(signal.SIGINT)  # Ctrl-C
        code = p.wait(timeout=90)
    assert code == 0
    time.sleep(1)
    assert processes_mentioning(folder) == [] and processes_mentioning(f"--bot-url http://localhost:{port}") == []
    assert not os.path.exists(folder)
