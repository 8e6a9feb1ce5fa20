"""Once-per-cluster jobs on the PostgreSQL tracker store (not per replica).

    python -m bot.rasa_ext.stores.postgres_admin schema   # tables and the (sender_id, id) index, before replicas start
    python -m bot.rasa_ext.stores.postgres_admin forget   # delete conversations with nothing new for
                                    # privacy.keep_conversations_days (daily: cron / CronJob)
Both read DATABASE_URL. `make run-cluster` runs them itself (bot/ops/cluster.py).

PostgreSQL has no secure_delete: deleted rows stay in the table's pages until VACUUM lets the
space be reused and new rows overwrite it. `forget` runs VACUUM after deleting; the disk
under a managed database should be encrypted at rest (docs/deploy.md).
"""
from __future__ import annotations

import os
import sys
import time

import sqlalchemy as sa

from bot.settings import Settings

DAY = 86400
CHUNK = 500


def engine(url: str | None = None) -> sa.engine.Engine:
    url = url or os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("DATABASE_URL is not set (postgresql://user:password@host:5432/db)")
    return sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})


def create_schema(url: str | None = None) -> None:
    """Rasa's events table (as SQLTrackerStore makes it) and our index, made once, up front,
    so replicas starting together do not race to create them."""
    from rasa.core.tracker_store import SQLTrackerStore

    from bot.rasa_ext.stores.postgres_tracker import INDEX
    eng = engine(url)
    try:
        with eng.begin() as c:  # one at a time, when pods start together
            c.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('netbot schema'))"))
            SQLTrackerStore.Base.metadata.create_all(c)
            c.execute(INDEX)
    finally:
        eng.dispose()


def forget_old(url: str | None, days: int, now: float | None = None) -> int:
    """Delete every conversation whose newest event is more than `days` old; how many."""
    cutoff = (time.time() if now is None else now) - days * DAY
    eng = engine(url)
    try:
        with eng.connect() as c:
            if not sa.inspect(c).has_table("events"):
                return 0
            old = [r[0] for r in c.execute(sa.text(
                "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :t"), {"t": cutoff})]
        for i in range(0, len(old), CHUNK):  # short transactions: replicas keep writing meanwhile
            with eng.begin() as c:
                c.execute(sa.text("DELETE FROM events WHERE sender_id = ANY(:s)"), {"s": old[i:i + CHUNK]})
        if old:
            with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM events"))
        return len(old)
    finally:
        eng.dispose()


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["schema"]:
        create_schema()
        print("Tracker store tables and index are in place.")
        return 0
    if argv == ["forget"]:
        days = Settings.load().keep_conversations_days
        print(f"Forgot {forget_old(None, days)} conversation(s) with nothing new for {days} days.")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
