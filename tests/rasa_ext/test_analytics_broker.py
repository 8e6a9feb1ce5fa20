"""The event broker through Rasa 3.6's own machinery: endpoints.yml -> EventBroker.create ->
tracker store save -> publish -> one row per turn, with no message text in the file."""
from __future__ import annotations

import asyncio
import queue
import sqlite3
import time

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import PROJECT_ROOT
from bot.rasa_ext.analytics_broker import AnalyticsBroker

MARKER = "Zebedee Quixote"


def test_endpoints_yml_configures_the_broker(monkeypatch, tmp_path):
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))
    assert endpoints.event_broker.type == "bot.rasa_ext.analytics_broker.AnalyticsBroker"
    assert endpoints.event_broker.kwargs["db"] == f"{tmp_path}/analytics.db"
    broker = asyncio.run(EventBroker.create(endpoints.event_broker))
    assert isinstance(broker, AnalyticsBroker) and broker.is_ready()
    asyncio.run(broker.close())


def turn(tracker, text, intent, actions, bots, slots=(), entities=()):
    tracker.update(UserUttered(text, {"name": intent, "confidence": 1.0},
                               [{"entity": e, "value": v} for e, v in entities],
                               parse_data={"text": text, "intent": {"name": intent, "confidence": 1.0},
                                           "entities": [{"entity": e, "value": v} for e, v in entities],
                                           "triage": {"level": "none", "category": None}},
                               metadata={"note": text}))
    for name in actions:
        tracker.update(ActionExecuted(name))
    for text_, custom in bots:
        tracker.update(BotUttered(text_, {"custom": custom}))
    for name, value in slots:
        tracker.update(SlotSet(name, value))
    tracker.update(ActionExecuted("action_listen"))


def test_saved_turns_become_rows_without_text(tmp_path):
    asyncio.run(saved_turns_become_rows_without_text(tmp_path))


async def saved_turns_become_rows_without_text(tmp_path):
    broker = await EventBroker.create(AnalyticsBroker(db=tmp_path / "analytics.db", keep_days=30))
    domain = Domain.from_path(PROJECT_ROOT / "domain.yml")
    store = InMemoryTrackerStore(domain, event_broker=broker)
    tracker = DialogueStateTracker("sender-abc", domain.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    turn(tracker, f"{MARKER}: what is lanreotide", "ask_what_is", ["action_answer"],
         [(MARKER, None), ("Next step", {"answer_id": "lanreotide-what-is"})],
         [("subject", "lanreotide"), ("aspect", "what_is")], [("subject", "lanreotide")])
    await store.save(tracker)
    turn(tracker, f"{MARKER} can I drink wine", "ask_not_covered", ["action_answer"],
         [("Sorry", {"signal": "not_covered"})], entities=[("uncovered_topic", "diet")])
    await store.save(tracker)
    assert broker.flush()
    rows = sqlite3.connect(tmp_path / "analytics.db").execute(
        "SELECT intent, answer_id, uncovered, not_covered, conv FROM turns ORDER BY id").fetchall()
    assert [r[:4] for r in rows] == [("ask_what_is", "lanreotide-what-is", None, 0),
                                     ("ask_not_covered", None, "diet", 1)]
    assert rows[0][4] == rows[1][4] != "sender-abc"
    await broker.close()
    for f in tmp_path.iterdir():  # the database, its WAL, the key: no patient words anywhere
        assert b"Zebedee" not in f.read_bytes() and b"sender-abc" not in f.read_bytes(), f.name


def test_publish_is_cheap():
    """publish() runs on Rasa's event loop, after the reply: it only queues a reference."""
    broker = AnalyticsBroker.__new__(AnalyticsBroker)
    broker.queue = queue.SimpleQueue()
    event = {"sender_id": "s", "event": "user", "text": "x" * 500}
    t0 = time.perf_counter()
    for _ in range(10_000):
        broker.publish(event)
    per_call_us = (time.perf_counter() - t0) / 10_000 * 1e6
    assert per_call_us < 20


def test_the_cached_tracker_store_publishes_each_new_event_once(tmp_path):
    """bot/rasa_ext/stores/sqlite_tracker.py publishes the events past the cached count instead of Rasa's re-read:
    every turn must still reach the broker exactly once, across saves and a fresh store."""
    from bot.rasa_ext.stores.sqlite_tracker import CachedSQLTrackerStore

    async def run():
        broker = AnalyticsBroker(db=tmp_path / "analytics.db", keep_days=30)
        events = []
        original = broker.publish
        broker.publish = lambda e: (events.append((e["event"], e.get("name") or e.get("text"))), original(e))
        domain = Domain.from_path(PROJECT_ROOT / "domain.yml")
        store = CachedSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"), event_broker=broker)
        tracker = DialogueStateTracker("s", domain.slots)
        for i in range(3):
            turn(tracker, f"question {i}", "ask_what_is", ["action_answer"], [(f"answer {i}", None)])
            await store.save(tracker)
        again = CachedSQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"), event_broker=broker)
        tracker = await again.retrieve("s")
        turn(tracker, "question 3", "ask_what_is", ["action_answer"], [("answer 3", None)])
        await again.save(tracker)
        assert broker.flush()
        await broker.close()
        return events

    events = asyncio.run(run())
    assert [t for kind, t in events if kind == "user"] == [f"question {i}" for i in range(4)]
    assert [t for kind, t in events if kind == "bot"] == [f"answer {i}" for i in range(4)]
    assert sqlite3.connect(tmp_path / "analytics.db").execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 4
