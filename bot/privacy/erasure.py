"""Erasure and access: delete or export one conversation, found by its short reference.

The widget shows each conversation's reference ("Conversation reference 194A-169A": the first
8 letters and digits of its random id) so a patient can quote it to the trust. Staff then run
    python -m bot export 194A-169A [--out file.json]   (right of access, UK GDPR Art. 15)
    python -m bot forget 194A-169A                     (right to erasure, Art. 17)
"Clear conversation" in the widget does the same erasure through the channel
(POST /webhooks/rest/forget, bot/rasa_ext/channels/rest.py) before it forgets the id.

An erasure deletes the conversation's rows with SQLite's secure_delete (the pages are zeroed),
folds the write-ahead log back into the file until it is empty, deletes the conversation's lock
row, and records a one-way hash of the id in `erasures`, so every Rasa worker drops its cached
copy (bot/rasa_ext/stores/sqlite_tracker.py). bot/privacy/retention.py uses the same delete for old conversations.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sqlite3
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from bot import paths

REF_LEN = 8
CHUNK = 500  # conversations per DELETE, so the workers never wait long for the write lock


class NotFound(LookupError):
    pass


class Ambiguous(LookupError):
    pass


def data_dir() -> Path:
    return paths.data_dir()


def reference(sender_id: str) -> str:
    """The short reference shown to the patient: 194a169a-... -> 194A-169A."""
    core = re.sub(r"[^A-Za-z0-9]", "", sender_id)[:REF_LEN].upper()
    return f"{core[:4]}-{core[4:]}" if len(core) > 4 else core


def sender_hash(sender_id: str) -> str:
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()


@contextmanager
def _connect(db: Path):
    c = sqlite3.connect(db, timeout=30)
    try:
        c.execute("PRAGMA secure_delete = ON")
        yield c
        c.commit()
    finally:
        c.close()


def _has_events(c: sqlite3.Connection) -> bool:
    return bool(c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").fetchone())


def find_senders(db: Path, ref: str) -> list[str]:
    """Conversation ids whose reference is `ref` (or that are exactly `ref`)."""
    if not db.exists():
        return []
    with _connect(db) as c:
        if not _has_events(c):
            return []
        exact = [r[0] for r in c.execute("SELECT DISTINCT sender_id FROM events WHERE sender_id = ?", (ref,))]
        if exact:
            return exact
        want = reference(ref)
        if len(re.sub(r"[^A-Za-z0-9]", "", ref)) < REF_LEN:
            return []
        return sorted(s for (s,) in c.execute("SELECT DISTINCT sender_id FROM events") if reference(s) == want)


def one_sender(db: Path, ref: str) -> str:
    found = find_senders(db, ref)
    if not found:
        raise NotFound(f"no stored conversation has the reference {ref!r}")
    if len(found) > 1:
        raise Ambiguous(f"{len(found)} conversations have the reference {ref!r}; give the full id: "
                        + ", ".join(found))
    return found[0]


def checkpoint(c: sqlite3.Connection, tries: int = 20, wait: float = 0.1) -> bool:
    """Fold the write-ahead log into the database file and empty it; retried while a reader
    holds an old snapshot (busy). True when it completed."""
    for _ in range(tries):
        row = c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if row is None or row[0] == 0:
            return True
        time.sleep(wait)
    return False


def _record(c: sqlite3.Connection, senders: list[str]) -> None:
    c.execute("CREATE TABLE IF NOT EXISTS erasures (id INTEGER PRIMARY KEY AUTOINCREMENT, "
              "sender_hash TEXT NOT NULL, at REAL NOT NULL)")
    now = time.time()
    c.executemany("INSERT INTO erasures (sender_hash, at) VALUES (?, ?)",
                  [(sender_hash(s), now) for s in senders])
    c.execute("DELETE FROM erasures WHERE at < ?", (now - 86400,))  # the workers have long seen them


def delete_conversations(db: Path, senders: list[str]) -> int:
    """Delete every event of these conversations for good; rows deleted. See the module doc."""
    if not senders or not db.exists():
        return 0
    deleted = 0
    with _connect(db) as c:
        if not _has_events(c):
            return 0
        for i in range(0, len(senders), CHUNK):
            chunk = senders[i:i + CHUNK]
            deleted += c.execute(f"DELETE FROM events WHERE sender_id IN ({','.join('?' * len(chunk))})",
                                 chunk).rowcount
            _record(c, chunk)
            c.commit()
        checkpoint(c)
    return deleted


def delete_sql_conversation(engine, sender: str) -> int:
    """Delete one conversation's events from any SQL tracker store (PostgreSQL in cluster mode)
    through its SQLAlchemy engine; rows deleted. PostgreSQL reclaims the space on VACUUM."""
    from sqlalchemy import text
    with engine.begin() as conn:
        return conn.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": sender}).rowcount


def delete_lock_rows(locks_db: Path, senders: list[str]) -> None:
    if not locks_db.exists():
        return
    with _connect(locks_db) as c:
        if c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'locks'").fetchone():
            c.executemany("DELETE FROM locks WHERE conversation_id = ?", [(s,) for s in senders])
            c.commit()
            checkpoint(c)


def forget(sender_id: str, db: Path | None = None, locks_db: Path | None = None) -> int:
    """Erase one conversation (events, lock row); events deleted."""
    db = db or data_dir() / "tracker.db"
    n = delete_conversations(db, [sender_id])
    delete_lock_rows(locks_db or db.parent / "locks.db", [sender_id])
    return n


def export(sender_id: str, db: Path | None = None) -> dict:
    """Everything stored about one conversation, with a readable transcript first."""
    db = db or data_dir() / "tracker.db"
    with _connect(db) as c:
        rows = c.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender_id,)).fetchall()
    events = [json.loads(r[0]) for r in rows]
    transcript = []
    for e in events:
        who = {"user": "patient", "bot": "chat"}.get(e.get("event"))
        if who and (e.get("text") or "").strip():
            at = datetime.fromtimestamp(e.get("timestamp") or 0, timezone.utc).isoformat(timespec="seconds")
            transcript.append({"time": at, "from": who, "text": e["text"]})
    return {"reference": reference(sender_id), "conversation_id": sender_id,
            "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "transcript": transcript, "events": events}


def cmd_forget(args: argparse.Namespace) -> int:
    db = data_dir() / "tracker.db"
    try:
        sender = one_sender(db, args.reference)
    except LookupError as e:
        print(e, file=sys.stderr)
        return 1
    n = forget(sender, db)
    print(f"Forgot conversation {reference(sender)}: {n} stored event(s) deleted.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    db = data_dir() / "tracker.db"
    try:
        sender = one_sender(db, args.reference)
    except LookupError as e:
        print(e, file=sys.stderr)
        return 1
    text = json.dumps(export(sender, db), ensure_ascii=False, indent=1)
    if args.out:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # health data: owner only
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        print(f"Exported conversation {reference(sender)} to {args.out}.")
    else:
        print(text)
    return 0


def add_commands(sub) -> dict:
    """The `forget` and `export` sub-commands of `python -m bot`."""
    for name, what in (("forget", "erase one conversation (right to erasure)"),
                       ("export", "print one conversation as JSON (right of access)")):
        p = sub.add_parser(name, help=f"{what}: REFERENCE as shown in the chat, or the full id")
        p.add_argument("reference")
        if name == "export":
            p.add_argument("--out", help="write to this file (created readable by its owner only)")
    return {"forget": cmd_forget, "export": cmd_export}
