"""Rasa's SQLTrackerStore (SQLite) with a read cache and SQLite settings for speed.

Every turn Rasa re-reads the conversation from SQL and re-creates each event object, which
cost about 20% of a turn here. The database stays the record (every event is still written
by SQLTrackerStore.save, so a restart loses nothing); reads of a conversation this process
wrote or read before come from memory. With several Rasa worker processes, another worker
may have written since: each read first asks the database for the conversation's newest
event id (one indexed lookup) and uses the cache if it is unchanged. If it grew, another worker
appended turns (the table is append-only): only those rows are read and turned into events,
not the whole conversation again (with two workers, about every other message).
"""
from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections import OrderedDict
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event
from sqlalchemy.pool import QueuePool

MAX_CACHED = 5000  # conversations kept in memory (least recently used dropped first)
ERASURES_EVERY_S = 1.0  # how often each worker looks for conversations erased by another process


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")     # readers never wait for the writer
    cur.execute("PRAGMA synchronous=NORMAL")   # safe with WAL; no fsync on every commit
    cur.close()


def current_session(events: list) -> list:
    """The events SQLTrackerStore.retrieve would return: from the latest session start on."""
    starts = [e.timestamp for e in events if isinstance(e, SessionStarted)]
    return [e for e in events if e.timestamp >= starts[-1]] if starts else list(events)


class CachedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool); keep a
            # few open instead, each set to WAL. One asyncio thread uses them.
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=QueuePool, pool_size=2, max_overflow=4,
                                           connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._cache: "OrderedDict[str, tuple]" = OrderedDict()  # sender -> (newest id, events)
        self._erasures_seen, self._erasures_checked = None, 0.0

    def drop_erased(self, force: bool = False) -> None:
        """Drop cached copies of conversations erased by any process (bot/privacy/erasure.py records a
        hash of each erased id in `erasures`), at most once a second unless forced."""
        now = time.monotonic()
        if not force and now - self._erasures_checked < ERASURES_EVERY_S:
            return
        self._erasures_checked = now
        try:
            with self.engine.connect() as c:
                newest = c.execute(sa.text("SELECT MAX(id) FROM erasures")).scalar() or 0
                if newest == self._erasures_seen:
                    return
                hashes = {r[0] for r in c.execute(sa.text("SELECT sender_hash FROM erasures WHERE id > :i"),
                                                  {"i": self._erasures_seen or 0})}
        except sa.exc.SQLAlchemyError:  # no erasure yet (no table): nothing to drop
            return
        self._erasures_seen = newest
        for sender in [s for s in self._cache if hashlib.sha256(s.encode("utf-8")).hexdigest() in hashes]:
            self._cache.pop(sender, None)

    def _newest_id(self, sender_id: Text, conn=None) -> int:
        q = sa.text("SELECT MAX(id) FROM events WHERE sender_id = :s")
        if conn is not None:
            return conn.execute(q, {"s": sender_id}).scalar() or 0
        with self.engine.connect() as c:
            return c.execute(q, {"s": sender_id}).scalar() or 0

    def _remember(self, sender_id: Text, newest: int, events: list) -> None:
        self._cache[sender_id] = (newest, events)
        self._cache.move_to_end(sender_id)
        while len(self._cache) > MAX_CACHED:
            self._cache.popitem(last=False)

    def _fresh(self, sender_id: Text) -> Optional[list]:
        """Cached events, brought up to date with what other workers appended since."""
        cached = self._cache.get(sender_id)
        if cached is None:
            return None
        known, events = cached
        newest = self._newest_id(sender_id)
        if newest == known:
            return events
        if newest < known:  # the database was reset: it is the truth
            self._cache.pop(sender_id, None)
            return None
        q = sa.text("SELECT id, data FROM events WHERE sender_id = :s AND id > :i ORDER BY id")
        with self.engine.connect() as c:
            rows = c.execute(q, {"s": sender_id, "i": known}).fetchall()
        if not rows:
            return events
        events = current_session(events + deserialise_events([json.loads(r[1]) for r in rows]))
        self._remember(sender_id, rows[-1][0], events)
        return events

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self.drop_erased()
        events = self._fresh(sender_id)
        if events is not None and self.domain:
            self._cache.move_to_end(sender_id)
            return DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        newest = self._newest_id(sender_id)
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(sender_id, newest, list(tracker.events))
        return tracker

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Publish the new events to the event broker (bot/rasa_ext/analytics_broker.py). Rasa's own
        version reads the whole conversation back to find them; the cache already knows how
        many are stored, as save() does."""
        if self.event_broker is None:
            return
        cached = self._fresh(tracker.sender_id)
        if cached is None:
            return await super().stream_events(tracker)
        new = list(itertools.islice(tracker.events, len(cached), None))
        await self._stream_new_events(self.event_broker, new, tracker.sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """SQLTrackerStore.save, with the stored-event count taken from the cache when known
        and the new rows written in one statement (same rows, same columns)."""
        await self.stream_events(tracker)
        sid = tracker.sender_id
        cached = self._fresh(sid)
        try:
            with self.session_scope() as session:
                stored = len(cached) if cached is not None else self._additional_count(session, sid)
                rows = []
                for e in itertools.islice(tracker.events, stored, None):
                    data = e.as_dict()
                    rows.append({"sender_id": sid, "type_name": e.type_name,
                                 "timestamp": data.get("timestamp"), "action_name": data.get("name"),
                                 "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                                 "data": json.dumps(data)})
                if rows:
                    session.execute(self.SQLEvent.__table__.insert(), rows)
                newest = self._newest_id(sid, session)
                session.commit()
        except Exception:
            self._cache.pop(sid, None)  # the database is the truth
            raise
        self._remember(sid, newest, current_session(list(tracker.events)))

    def _additional_count(self, session, sender_id: Text) -> int:
        return self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()
