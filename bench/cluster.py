"""`make bench` (after bench.run) and `make bench-cluster`: two replicas behind nginx against one
node, side by side in one run, 50 users each, with the sizing docs/deploy.md quotes.

- one node: `make run`'s set-up (SQLite stores, 2 Rasa workers);
- cluster: `make run-cluster`'s (PostgreSQL, Redis, nginx, 2 replicas of 1 Rasa worker each,
  so both sides have two Rasa worker processes on this 2-core machine).
Also measured: memory per replica (PSS: shared pages split between the processes sharing
them, so the sum is what the replica really costs; RSS double-counts), PostgreSQL
connections per Rasa worker during load, and messages per second per core.
Load comes from the shared evaluation script (loopback only). Set BENCH_SECONDS (30).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from bench.run import load
from bot import PROJECT_ROOT
from bot.ops.cluster import LocalCluster
from tests.e2e.harness import Stack

USERS = 50
SECONDS = float(os.environ.get("BENCH_SECONDS", 30))


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo += [int(k) for k in f.read().split()]
        except OSError:
            pass
    return out


def memory_mb(pid: int) -> dict:
    """PSS and RSS of a process and everything under it, in MB."""
    pss = rss = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            pass
    return {"pss_mb": round(pss / 1024), "rss_mb": round(rss / 1024)}


def row(name: str, result: dict, **extra) -> dict:
    cores = os.cpu_count() or 1
    return {"setup": name, "throughput": result["throughput_msg_s"], "per_core": round(result["throughput_msg_s"] / cores, 1),
            "p50_ms": result["latency_ms_p50"], "p95_ms": result["latency_ms_p95"], "errors": result["errors"],
            "messages": result["messages"], **extra}


def one_node() -> dict:
    stack = Stack()
    stack.start()
    try:
        result = load(stack.url, USERS, SECONDS)
        return row("one node (SQLite, 2 workers)", result, memory=memory_mb(stack.proc.pid))
    finally:
        stack.stop()


def cluster() -> dict:
    c = LocalCluster(replicas=2, workers=1)
    c.start()
    try:
        result = load(c.url, USERS, SECONDS)
        eng = sa.create_engine(c.database_url)
        with eng.connect() as conn:
            pg = conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'netbot'")).scalar()
        eng.dispose()
        replicas = [memory_mb(c.sup.children[f"replica-{i + 1}"].proc.pid) for i in range(c.n)]
        return row("2 replicas x 1 worker, nginx, PostgreSQL, Redis", result, memory=replicas[0],
                   memory_replicas=replicas, pg_connections_per_worker=round(pg / (c.n * c.workers), 1))
    finally:
        c.stop()


def main() -> int:
    rows = [one_node(), cluster()]
    cols = ["setup", "throughput", "per_core", "p50_ms", "p95_ms", "errors", "messages"]
    print(f"\n{USERS} users for {SECONDS:g} s each:\n" + " | ".join(cols + ["memory (PSS / RSS MB)"]))
    for r in rows:
        print(" | ".join(str(r[c]) for c in cols) + f" | {r['memory']['pss_mb']} / {r['memory']['rss_mb']}")
    c = rows[1]
    print(f"\ncluster / one node: {c['throughput'] / max(rows[0]['throughput'], 0.01):.2f}x throughput; "
          f"memory per replica {c['memory']['pss_mb']} MB PSS; "
          f"PostgreSQL connections per Rasa worker under load: {c['pg_connections_per_worker']}")
    Path(PROJECT_ROOT / "results").mkdir(exist_ok=True)
    (PROJECT_ROOT / "results" / "bench-cluster.json").write_text(json.dumps(rows, indent=1))
    return 0 if all(r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
