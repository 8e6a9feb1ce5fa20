"""The analytics store: one SQLite file beside the tracker store (BOT_DATA_DIR/analytics.db).

Three tables, none with a sender id or anything a patient typed:
- turns: one row per message the bot answered (bot/analytics/turns.py says what is in it);
- feedback: "Was this helpful?" votes, one row per answer shown (its id comes from the widget);
- questions: questions the bot could not answer, kept only after the patient said yes, redacted.
Rows are kept for privacy.keep_conversations_days, like the conversations (`forget_old`);
`forget_conversation` erases one conversation's rows. The file is created 0600; SQLite's
secure_delete overwrites deleted rows.
"""
from __future__ import annotations

import os
import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlite_utils

from bot import paths

DB_NAME = "analytics.db"
DAY = 86400
TURN_COLUMNS = {
    "at": float, "day": str, "week": str, "conv": str, "intent": str, "disposition": str, "rule": str,
    "action": str, "answer_id": str, "topic": str, "aspect": str, "subject": str, "uncovered": str,
    "not_covered": int, "fallback": int, "second_miss": int, "typed": int, "latency_ms": float,
}
FEEDBACK_COLUMNS = {"id": str, "at": float, "day": str, "week": str, "conv": str, "answer_id": str,
                    "topic": str, "helpful": int, "reason": str}
QUESTION_COLUMNS = {"id": str, "at": float, "day": str, "week": str, "conv": str, "trigger": str,
                    "text": str}
TABLES = ("turns", "feedback", "questions")
# everything the weekly figures read, in week order: one index-only pass (figures.py)
WEEKLY_INDEX = ["week", "conv", "disposition", "answer_id", "fallback", "second_miss", "not_covered", "typed", "at"]


def data_dir() -> Path:
    return paths.data_dir()


def default_path() -> Path:
    return data_dir() / DB_NAME


def day_of(at: float) -> str:
    return date.fromtimestamp(at).isoformat()


def week_of(at: float) -> str:
    """The Monday (local date) of the week `at` falls in, e.g. '2025-03-10'."""
    d = date.fromtimestamp(at)
    return (d - timedelta(days=d.weekday())).isoformat()


def stamp(row: dict, at: float | None = None) -> dict:
    at = time.time() if at is None else at
    return {**row, "at": at, "day": day_of(at), "week": week_of(at)}


def connect(path: Path | str, readonly: bool = False) -> sqlite_utils.Database:
    path = Path(path)
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10, check_same_thread=False)
        return sqlite_utils.Database(conn)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():  # created private; SQLite gives its -wal and -shm files the same mode
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    conn = sqlite3.connect(path, timeout=10, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA secure_delete=ON")
    db = sqlite_utils.Database(conn)
    ensure_schema(db)
    return db


# Weekly totals kept up to date by SQLite itself as turns are written and deleted (retention,
# erasure), so the staff page reads a few rows per week instead of every turn: with 100,000
# turns the weekly figures take a millisecond, not a few hundred (bench/staff.py).
# tests/analytics/test_store.py checks they always equal the same figures counted from the turns.
_SUMS = {"messages": "1", "answers": "{r}.answer_id IS NOT NULL", "fallback": "COALESCE({r}.fallback, 0)",
         "second_miss": "COALESCE({r}.second_miss, 0)", "not_covered": "COALESCE({r}.not_covered, 0)",
         "typed": "COALESCE({r}.typed, 0)", "emergency": "{r}.disposition = 'emergency'",
         "crisis": "{r}.disposition = 'crisis'", "urgent": "{r}.disposition = 'urgent'",
         "soon": "{r}.disposition = 'soon'"}
WEEKLY_SUMS = tuple(_SUMS)
ROLLUP_SQL = f"""
CREATE TABLE IF NOT EXISTS weekly (week TEXT PRIMARY KEY, {", ".join(f"{c} INTEGER NOT NULL" for c in _SUMS)});
CREATE TABLE IF NOT EXISTS week_convs (week TEXT NOT NULL, conv TEXT NOT NULL, PRIMARY KEY (week, conv)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS convs (conv TEXT PRIMARY KEY, turns INTEGER NOT NULL) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS turns_rollup_insert AFTER INSERT ON turns BEGIN
  INSERT INTO weekly (week, {", ".join(_SUMS)}) VALUES (new.week, {", ".join(v.format(r="new") for v in _SUMS.values())})
    ON CONFLICT(week) DO UPDATE SET {", ".join(f"{c} = {c} + excluded.{c}" for c in _SUMS)};
  INSERT OR IGNORE INTO week_convs (week, conv) VALUES (new.week, new.conv);
  INSERT INTO convs (conv, turns) VALUES (new.conv, 1) ON CONFLICT(conv) DO UPDATE SET turns = turns + 1;
END;
CREATE TRIGGER IF NOT EXISTS turns_rollup_delete AFTER DELETE ON turns BEGIN
  UPDATE weekly SET {", ".join(f"{c} = {c} - ({v.format(r='old')})" for c, v in _SUMS.items())} WHERE week = old.week;
  DELETE FROM weekly WHERE week = old.week AND messages <= 0;
  DELETE FROM week_convs WHERE week = old.week AND conv = old.conv
    AND NOT EXISTS (SELECT 1 FROM turns WHERE week = old.week AND conv = old.conv);
  UPDATE convs SET turns = turns - 1 WHERE conv = old.conv;
  DELETE FROM convs WHERE conv = old.conv AND turns <= 0;
END;
"""


def ensure_schema(db: sqlite_utils.Database) -> None:
    if not db["turns"].exists():
        db["turns"].create({"id": int, **TURN_COLUMNS}, pk="id")
    # covering indexes (with `at`, so a month's report uses them too): each staff figure is an
    # index-only scan rather than a pass over the whole table (bench/staff.py)
    for cols in (WEEKLY_INDEX, ["at"], ["conv", "at"], ["answer_id", "at"], ["uncovered", "at"],
                 ["latency_ms", "at"]):
        db["turns"].create_index(cols, if_not_exists=True)
    db.executescript(ROLLUP_SQL)
    if not db["feedback"].exists():
        db["feedback"].create(FEEDBACK_COLUMNS, pk="id")
        db["feedback"].create_index(["at"], if_not_exists=True)
        db["feedback"].create_index(["conv"], if_not_exists=True)
    if not db["questions"].exists():
        db["questions"].create(QUESTION_COLUMNS, pk="id")
        db["questions"].create_index(["at"], if_not_exists=True)
        db["questions"].create_index(["conv"], if_not_exists=True)


class AnalyticsStore:
    """Writes from the Rasa workers (the broker's thread, the feedback endpoint)."""

    MAX_FEEDBACK_PER_CONVERSATION = 300
    MAX_QUESTIONS_PER_CONVERSATION = 20

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path or default_path())
        self.db = connect(self.path)

    def add_turns(self, rows: list[dict]) -> None:
        if rows:
            with self.db.conn:
                self.db["turns"].insert_all(rows, columns=TURN_COLUMNS)

    def _count(self, table: str, conv: str) -> int:
        return self.db.execute(f"SELECT COUNT(*) FROM {table} WHERE conv = ?", [conv]).fetchone()[0]

    def add_vote(self, row: dict) -> str:
        """'stored', 'duplicate' (this answer already has a vote) or 'limit'."""
        if self.db["feedback"].count_where("id = ?", [row["id"]]):
            return "duplicate"
        if self._count("feedback", row["conv"]) >= self.MAX_FEEDBACK_PER_CONVERSATION:
            return "limit"
        try:
            self.db["feedback"].insert({**row, "reason": None}, columns=FEEDBACK_COLUMNS)
        except sqlite3.IntegrityError:  # the same vote from another worker a moment ago
            return "duplicate"
        return "stored"

    def add_reason(self, vote_id: str, conv: str, reason: str) -> str:
        """A reason for a "No" vote of the same conversation, once: 'stored', 'duplicate' or 'unknown'."""
        cur = self.db.execute("UPDATE feedback SET reason = ? WHERE id = ? AND conv = ? AND helpful = 0 "
                              "AND reason IS NULL", [reason, vote_id, conv])
        if cur.rowcount:
            return "stored"
        return "duplicate" if self.db["feedback"].count_where("id = ?", [vote_id]) else "unknown"

    def add_question(self, row: dict) -> str:
        if self.db["questions"].count_where("id = ?", [row["id"]]):
            return "duplicate"
        if self._count("questions", row["conv"]) >= self.MAX_QUESTIONS_PER_CONVERSATION:
            return "limit"
        try:
            self.db["questions"].insert(row, columns=QUESTION_COLUMNS)
        except sqlite3.IntegrityError:
            return "duplicate"
        return "stored"


def forget_old(path: Path | str, days: int, now: float | None = None) -> int:
    """Delete rows older than `days` from every table; how many."""
    path = Path(path)
    if not path.exists():
        return 0
    cutoff = (time.time() if now is None else now) - days * DAY
    db = connect(path)
    try:
        n = 0
        for table in TABLES:
            n += db.execute(f"DELETE FROM {table} WHERE at < ?", [cutoff]).rowcount
        if n:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return n
    finally:
        db.conn.close()


def forget_conversation(path: Path | str, conv: str) -> int:
    """Erase every row of one conversation (its key from bot.analytics.keys); how many."""
    path = Path(path)
    if not path.exists():
        return 0
    db = connect(path)
    try:
        n = sum(db.execute(f"DELETE FROM {t} WHERE conv = ?", [conv]).rowcount for t in TABLES)
        if n:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return n
    finally:
        db.conn.close()


def month_bounds(month: str) -> tuple[float, float]:
    """'2025-03' -> (start, end) unix times, local."""
    start = datetime.strptime(month, "%Y-%m")
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start.timestamp(), end.timestamp()


def forget_sender(sender_id: str, keep_days: int, directory: Path | None = None) -> int:
    """Erase one conversation's rows by its sender id (an erasure request, "Clear conversation").
    Only rows written under the current key can be found: that is the point of the rotation."""
    from bot.analytics.keys import ConversationKeys
    directory = Path(directory or data_dir())
    return forget_conversation(directory / DB_NAME, ConversationKeys(directory, keep_days).key(sender_id))
