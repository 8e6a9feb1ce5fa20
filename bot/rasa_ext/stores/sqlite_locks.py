"""A Rasa lock store on a local SQLite file, so Rasa can run more than one worker process
without a Redis server (Rasa allows several Sanic workers only with a shared lock store).

Each conversation's TicketLock is one row. Issuing a ticket is one IMMEDIATE transaction, so
two workers never hand out the same ticket for one conversation.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

from bot.paths import data_dir


def lock_db_path(endpoint_config=None, db: Optional[Text] = None) -> str:
    """The configured file: `db` given directly, else the endpoint's `db:` (endpoints.yml),
    else locks.db in BOT_DATA_DIR. Rasa builds custom lock stores as cls(endpoint_config=...),
    so an argument named `db` alone was never set and the default was always used."""
    configured = db or (endpoint_config.kwargs.get("db") if endpoint_config is not None else None)
    return str(configured or data_dir() / "locks.db")


class SQLiteLockStore(LockStore):
    def __init__(self, db: Optional[Text] = None, endpoint_config=None, **_ignored) -> None:
        db = lock_db_path(endpoint_config, db)
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(db)
        with self._connect() as c:
            c.execute("CREATE TABLE IF NOT EXISTS locks (conversation_id TEXT PRIMARY KEY, data TEXT)")
        super().__init__()

    def _connect(self) -> sqlite3.Connection:
        c = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")
        return c

    @property
    def conn(self) -> sqlite3.Connection:
        # one connection per worker process, made lazily (after Sanic forks)
        if getattr(self, "_conn", None) is None:
            self._conn = self._connect()
        return self._conn

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        row = self.conn.execute("SELECT data FROM locks WHERE conversation_id = ?",
                                (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: Text) -> None:
        cur = self.conn.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))
        self._log_deletion(conversation_id, cur.rowcount > 0)

    def save_lock(self, lock: TicketLock) -> None:
        self.conn.execute("INSERT OR REPLACE INTO locks (conversation_id, data) VALUES (?, ?)",
                          (lock.conversation_id, lock.dumps()))

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            self.conn.execute("BEGIN IMMEDIATE")  # read-modify-write as one step
            try:
                lock = self.get_or_create_lock(conversation_id)
                ticket = lock.issue_ticket(lock_lifetime)
                self.save_lock(lock)
                self.conn.execute("COMMIT")
            except Exception:
                self.conn.execute("ROLLBACK")
                raise
            return ticket
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}")
