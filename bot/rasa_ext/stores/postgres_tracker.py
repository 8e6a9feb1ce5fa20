"""A tracker store on PostgreSQL, shared by several Rasa replicas, that does not lose turns.

Rasa's SQLTrackerStore, as `CachedSQLTrackerStore` (bot/rasa_ext/stores/sqlite_tracker.py) with these changes:
- Connections: a small pool per worker process (BOT_DB_POOL_SIZE, default 2, plus 2 more when
  busy; Rasa's default is 50 + 100 per process), checked before use (pre-ping) so a connection
  a database restart broke is replaced instead of failing a turn; short connect and statement
  timeouts, so a stalled database cannot stall a turn for long.
- A read or write the database refuses is tried again, with growing pauses, for at most
  `timeouts.store_retry_s` (config/settings.yml). If it still fails, the error is logged and
  raised (TrackerUnavailable / TurnNotSaved): the channel tells the patient plainly
  (bot/safety/store_failure.py) instead of answering without the conversation so far.
- A write checks, under a per-conversation advisory lock, that nobody appended to the
  conversation since this turn read it (the newest event id it saw). If someone did (only
  possible if the conversation lock failed), the turn is not stored half-way: TurnNotSaved.
  This also makes a retried write safe: if an earlier try did commit, it is recognised.
- Reads: one query per turn when this process has the conversation cached (events after the
  newest id it knows), using an index on (sender_id, id) created at start.
- Rasa wraps every tracker store in FailSafeTrackerStore, which on a database error silently
  reads "no conversation" (a new session, no context) and writes to memory (the turn is lost
  when the process ends; RasaHQ/rasa issue 3243). For this store the wrapper passes calls
  and errors straight through: bot/rasa_ext/patches/failsafe_passthrough.py, applied when
  this store is created (Rasa 3.6.21 only; docs/deploy.md).

Endpoints file (endpoints-cluster.yml): tracker_store: {type: bot.rasa_ext.stores.postgres_tracker.ResilientSQLTrackerStore,
url: ${DATABASE_URL}} where DATABASE_URL is postgresql://user:password@host:5432/db.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import time
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.shared.core.events import deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.rasa_ext.patches import failsafe_passthrough
from bot.rasa_ext.stores.sqlite_tracker import CachedSQLTrackerStore, current_session
from bot.safety.store_failure import TrackerUnavailable, TurnNotSaved
from bot.settings import Timeouts

logger = logging.getLogger(__name__)
MARK = "_net_stored"  # on a tracker: (newest event id in the database, events of it stored)

READ_NEW = sa.text("SELECT id, data FROM events WHERE sender_id = :s AND id >= :known ORDER BY id")
READ_SESSION = sa.text(
    "SELECT id, data FROM events WHERE sender_id = :s AND timestamp >= COALESCE("
    "(SELECT MAX(timestamp) FROM events WHERE sender_id = :s AND type_name = 'session_started'),"
    " '-Infinity'::float8) ORDER BY id")
NEWEST = sa.text("SELECT MAX(id) FROM events WHERE sender_id = :s")
ADVISORY_LOCK = sa.text("SELECT pg_advisory_xact_lock(hashtext(:s))")
WRITTEN_SINCE = sa.text("SELECT data FROM events WHERE sender_id = :s AND id > :i ORDER BY id")
INDEX = sa.text("CREATE INDEX IF NOT EXISTS events_sender_id_id ON events (sender_id, id)")
RETRYABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)


def _mark(tracker: DialogueStateTracker, newest: int, stored: int) -> None:
    tracker.__dict__[MARK] = (newest, stored)


def _marked(tracker: DialogueStateTracker) -> tuple[int, int]:
    # A tracker this store did not read is a new conversation: nothing may be stored yet.
    return tracker.__dict__.get(MARK, (0, 0))


class ResilientSQLTrackerStore(CachedSQLTrackerStore):
    def __init__(self, domain=None, host: Optional[Text] = None, url: Optional[Text] = None,
                 timeouts: Optional[Timeouts] = None, **kwargs: Any) -> None:
        url = url or host or os.environ.get("DATABASE_URL")
        if not url or not url.startswith(("postgresql://", "postgresql+psycopg2://", "postgres://")):
            raise ValueError("The PostgreSQL tracker store needs DATABASE_URL=postgresql://user:password@host:5432/db")
        url = url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url
        self.timeouts = timeouts or Timeouts.load()
        failsafe_passthrough.apply(ResilientSQLTrackerStore)  # before Rasa wraps this store
        super().__init__(domain=domain, host=url, **kwargs)  # Rasa waits here until the database answers
        self.engine.dispose()  # Rasa's engine has a pool of 50 + 100 per process: ours is small
        self.engine = sa.create_engine(self.engine.url, **engine_options())
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        try:
            with self.engine.begin() as c:
                c.execute(INDEX)
        except sa.exc.DBAPIError as e:  # another replica creating it at the same moment
            logger.info("tracker store: index not created here (%s)", type(e.orig).__name__)

    # --- retries ---------------------------------------------------------------------------
    async def _retry(self, what: str, fail: type, fn, sender_id: Text, *args):
        t0, pause = time.monotonic(), 0.05
        while True:
            try:
                return fn(sender_id, *args)
            except TurnNotSaved:
                raise
            except RETRYABLE as e:
                self._cache.pop(sender_id, None)
                waited = time.monotonic() - t0
                if waited >= self.timeouts.store_retry_s:
                    logger.error("tracker store: could not %s a conversation for %.1f s (%s)",
                                 what, waited, type(e).__name__)
                    raise fail(f"could not {what} the conversation") from e
                await asyncio.sleep(min(pause, self.timeouts.store_retry_s - waited))
                pause = min(pause * 2, 1.0)
            except Exception as e:  # not a database blip: no retry, but never silent
                self._cache.pop(sender_id, None)
                logger.error("tracker store: could not %s a conversation (%s)", what, type(e).__name__)
                raise fail(f"could not {what} the conversation") from e

    # --- read ------------------------------------------------------------------------------
    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        events, newest = await self._retry("read", TrackerUnavailable, self._read, sender_id)
        if not events:
            return None
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        _mark(tracker, newest, len(events))
        return tracker

    def _read(self, sender_id: Text) -> tuple[list, int]:
        cached = self._cache.get(sender_id)
        with self.engine.connect() as c:
            if cached is not None:
                known, events = cached
                rows = c.execute(READ_NEW, {"s": sender_id, "known": known}).fetchall()
                if rows and rows[0][0] == known:  # the rows after the newest we know
                    if len(rows) > 1:
                        events = current_session(events + deserialise_events([json.loads(r[1]) for r in rows[1:]]))
                    self._remember(sender_id, rows[-1][0], events)
                    return events, rows[-1][0]
                self._cache.pop(sender_id, None)  # deleted meanwhile (retention): read afresh
            newest = c.execute(NEWEST, {"s": sender_id}).scalar() or 0
            rows = c.execute(READ_SESSION, {"s": sender_id}).fetchall()
        events = deserialise_events([json.loads(r[1]) for r in rows])
        if events:
            self._remember(sender_id, newest, events)
        return events, newest

    # --- write -----------------------------------------------------------------------------
    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        await self._retry("save", TurnNotSaved, self._write, tracker.sender_id, tracker)

    def _write(self, sender_id: Text, tracker: DialogueStateTracker) -> None:
        expected, stored = _marked(tracker)
        rows = [self._row(sender_id, e) for e in itertools.islice(tracker.events, stored, None)]
        if not rows:
            return
        with self.engine.begin() as c:  # one transaction: all of this turn's events, or none
            c.execute(ADVISORY_LOCK, {"s": sender_id})
            newest = c.execute(NEWEST, {"s": sender_id}).scalar() or 0
            if newest == expected:
                c.execute(self.SQLEvent.__table__.insert(), rows)
                newest = c.execute(NEWEST, {"s": sender_id}).scalar()
            elif not self._written_already(c, sender_id, expected, rows):
                self._cache.pop(sender_id, None)
                logger.error("tracker store: a turn was not stored: the conversation changed while it "
                             "was answered (was its lock lost?)")
                raise TurnNotSaved("the conversation changed while this turn was answered")
        _mark(tracker, newest, len(tracker.events))
        self._remember(sender_id, newest, current_session(list(tracker.events)))

    @staticmethod
    def _written_already(c, sender_id: Text, expected: int, rows: list[dict]) -> bool:
        """An earlier try of this very write committed, but its answer was lost (a restart)."""
        since = [r[0] for r in c.execute(WRITTEN_SINCE, {"s": sender_id, "i": expected})]
        return since == [r["data"] for r in rows]

    @staticmethod
    def _row(sender_id: Text, event) -> dict:
        data = event.as_dict()
        return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                "action_name": data.get("name"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "data": json.dumps(data)}


def engine_options() -> dict:
    """Pool and timeouts for each worker process's engine (docs/deploy.md, connections)."""
    options = "-c statement_timeout=5000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=30000"
    if os.environ.get("POSTGRESQL_SCHEMA"):  # Rasa's own setting for a schema
        options += f" -c search_path={os.environ['POSTGRESQL_SCHEMA']}"
    return dict(
        pool_size=int(os.environ.get("BOT_DB_POOL_SIZE", 2)),
        max_overflow=int(os.environ.get("BOT_DB_MAX_OVERFLOW", 2)),
        pool_timeout=2, pool_pre_ping=True, pool_recycle=1800,
        connect_args={"connect_timeout": 2, "application_name": "netbot", "options": options,
                      "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3})
