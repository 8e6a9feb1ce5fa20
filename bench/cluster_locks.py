"""Why the project's own Redis lock store: Rasa 3.6's RedisLockStore against ours, on a real Redis.

Four processes each take 60 tickets for one conversation as fast as they can (as replicas do
when one conversation's messages arrive together). A ticket number handed out twice means two
messages of one conversation handled at once. `python -m bench.cluster_locks`; figures in
docs/deploy.md.
"""
from __future__ import annotations

import multiprocessing
import sys
import uuid
from collections import Counter

from rasa.core.lock_store import RedisLockStore

from bot.ops.cluster import LocalCluster
from bot.rasa_ext.stores.redis_locks import AtomicRedisLockStore

PROCESSES, EACH = 4, 60


def take(kind: str, port: int, password: str, cid: str, out) -> None:
    store = AtomicRedisLockStore(url=f"redis://:{password}@127.0.0.1:{port}/1") if kind == "atomic" else \
        RedisLockStore(host="127.0.0.1", port=port, password=password)
    out.put([store.issue_ticket(cid) for _ in range(EACH)])


def race(kind: str, port: int, password: str) -> int:
    ctx, cid = multiprocessing.get_context("fork"), "bench-" + uuid.uuid4().hex
    out = ctx.Queue()
    procs = [ctx.Process(target=take, args=(kind, port, password, cid, out)) for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    tickets = sum((out.get(timeout=120) for _ in procs), [])
    for p in procs:
        p.join()
    return sum(n - 1 for n in Counter(tickets).values())


def main() -> int:
    c = LocalCluster(replicas=0)
    c.start_stores()
    try:
        for kind in ("stock", "atomic"):
            dups = [race(kind, c.redis_port, c.redis_password) for _ in range(5)]
            print(f"{kind:6} RedisLockStore: tickets handed out twice in 5 runs of {PROCESSES} x {EACH}: {dups}")
    finally:
        c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
