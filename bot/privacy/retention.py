"""Forget conversations nobody has added to for a while.

Conversations are health data. The tracker store keeps them so a restart loses nothing, but
not for ever: a conversation whose newest message is older than
`privacy.keep_conversations_days` (config/settings.yml) is deleted, all of it. SQLite's
`secure_delete` overwrites the deleted rows, so they cannot be read back from the file.
`bot.ops.serve` runs this at start and then daily; `make forget` runs it once (for cron).
The worker processes drop their cached copies too (the `erasures` table, bot/rasa_ext/stores/sqlite_tracker.py),
and the conversation's lock row goes with it.
"""
from __future__ import annotations

import sqlite3
import sys
import time
from contextlib import closing
from pathlib import Path

from bot.paths import data_dir
from bot.privacy.erasure import delete_conversations, delete_lock_rows
from bot.settings import Settings

DAY = 86400


def tracker_db() -> Path:
    return data_dir() / "tracker.db"


def forget_old(db: Path, days: int, now: float | None = None) -> int:
    """Delete every conversation whose newest event is more than `days` old; how many.
    The delete itself is bot/privacy/erasure.py's (secure_delete, WAL emptied, worker caches told)."""
    if not db.exists():
        return 0
    cutoff = (time.time() if now is None else now) - days * DAY
    with closing(sqlite3.connect(db, timeout=30)) as c:
        if not c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone():
            return 0
        old = [r[0] for r in c.execute(
            "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < ?", (cutoff,))]
    delete_conversations(db, old)
    delete_lock_rows(db.parent / "locks.db", old)
    return len(old)


def forget_old_analytics(data_dir: Path, days: int, now: float | None = None) -> int:
    """The analytics rows (bot/analytics/store.py) follow the same period; its key rotates too."""
    from bot.analytics import keys, store
    try:
        keys.ConversationKeys(data_dir, days).rotate_if_old()
        return store.forget_old(data_dir / store.DB_NAME, days, now)
    except (OSError, sqlite3.Error) as e:  # a busy or damaged file: say so, try again next time
        print(f"Could not forget old analytics rows: {type(e).__name__}", file=sys.stderr, flush=True)
        return 0


def main() -> int:
    days = Settings.load().keep_conversations_days
    n = forget_old(tracker_db(), days)
    a = forget_old_analytics(tracker_db().parent, days)
    print(f"Forgot {n} conversation(s) with nothing new for {days} days, and {a} analytics row(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
