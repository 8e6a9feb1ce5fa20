"""A Rasa event broker that writes one analytics row per turn, off the answer path.

Rasa 3.6 publishes every new tracker event to the configured broker (endpoints.yml
`event_broker: type: bot.rasa_ext.analytics_broker.AnalyticsBroker`); the tracker store calls
`publish()` from `save()`, after the reply is ready. Using this extension point means the
channel and the tracker store are unchanged. `publish()` only puts the event on a queue (a few
microseconds); a background thread folds each finished turn into a row without any text
(turns.py) and writes rows in small batches. Each Rasa worker process has its own broker;
SQLite in WAL mode takes their writes in turn. Checked against rasa/core/brokers/broker.py
and rasa/core/tracker_store.py of Rasa 3.6.21 (tests/rasa_ext/test_analytics_broker.py).
"""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from asyncio import AbstractEventLoop
from pathlib import Path
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker

from bot.analytics.keys import ConversationKeys
from bot.analytics.known import known
from bot.analytics.store import AnalyticsStore, default_path, stamp
from bot.analytics.turns import TurnCollector, fold
from bot.settings import Settings

logger = logging.getLogger(__name__)
_STOP = object()


class AnalyticsBroker(EventBroker):
    def __init__(self, db: str | Path | None = None, flush_seconds: float = 0.2,
                 keep_days: int | None = None) -> None:
        path = Path(db or default_path())
        self.store_path = path
        self.keys = ConversationKeys(path.parent, keep_days or Settings.load().keep_conversations_days)
        self.collector = TurnCollector(known())
        self.flush_seconds = float(flush_seconds)
        self.queue: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self.written = 0
        self._thread = threading.Thread(target=self._run, name="analytics-writer", daemon=True)
        self._thread.start()

    @classmethod
    async def from_endpoint_config(cls, broker_config, event_loop: Optional[AbstractEventLoop] = None
                                   ) -> Optional["AnalyticsBroker"]:
        if broker_config is None or os.environ.get("NETBOT_ANALYTICS", "on").lower() in ("off", "0", "false"):
            return None   # NETBOT_ANALYTICS=off: no analytics rows (and make bench-staff's comparison)
        return cls(**broker_config.kwargs)

    def publish(self, event: Dict[Text, Any]) -> None:
        self.queue.put(event)  # a reference only: nothing is copied, folded or written here

    def is_ready(self) -> bool:
        return self._thread.is_alive()

    async def close(self) -> None:
        self.queue.put(_STOP)
        self._thread.join(timeout=5)

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything published so far is written (tests, bench)."""
        done = threading.Event()
        self.queue.put(done)
        return done.wait(timeout)

    # --- the writer thread ---------------------------------------------------
    def _run(self) -> None:
        store = None
        rows: list[dict] = []
        deadline = None
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                item = self.queue.get(timeout=timeout)
            except queue.Empty:
                item = None
            stop, marker = item is _STOP, isinstance(item, threading.Event)
            if isinstance(item, dict):
                row = self._row(item)
                if row is not None:
                    rows.append(row)
                    deadline = deadline or time.monotonic() + self.flush_seconds
            if rows and (stop or marker or time.monotonic() >= deadline or len(rows) >= 200):
                store = self._write(store, rows)
                rows, deadline = [], None
            if marker:
                item.set()
            if stop:
                return

    def _row(self, event: dict) -> dict | None:
        try:
            turn = self.collector.add(event)
            if turn is None:
                return None
            row = fold(turn, self.collector.known, self.keys.key(event["sender_id"]))
            return stamp(row, turn[0].get("timestamp") or time.time())
        except Exception as e:  # never break the bot for analytics; never log event content
            logger.error("analytics: could not read a turn (%s)", type(e).__name__)
            return None

    def _write(self, store: AnalyticsStore | None, rows: list[dict]) -> AnalyticsStore | None:
        try:
            store = store or AnalyticsStore(self.store_path)
            store.add_turns(rows)
            self.written += len(rows)
            return store
        except Exception as e:  # a busy or broken file: these rows are lost, the bot goes on
            logger.error("analytics: could not write %d row(s) (%s)", len(rows), type(e).__name__)
            return None
