"""The cached SQL tracker store gives what Rasa's SQLTrackerStore gives, also when another
worker process writes to the same conversation."""
import asyncio

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from bot.rasa_ext.stores.sqlite_locks import SQLiteLockStore
from bot.rasa_ext.stores.sqlite_tracker import CachedSQLTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet]
slots:
  subject: {type: text, influence_conversation: false, mappings: [{type: custom}]}
""")


def stores(tmp_path, n=2):
    db = str(tmp_path / "tracker.db")
    return [CachedSQLTrackerStore(DOMAIN, dialect="sqlite", db=db) for _ in range(n)], \
        SQLTrackerStore(DOMAIN, dialect="sqlite", db=db)


def turn(tracker, text, subject):
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_answer"))
    tracker.update(SlotSet("subject", subject))
    tracker.update(ActionExecuted("action_listen"))


def run(coro):
    return asyncio.run(coro)


def test_same_as_rasa_store(tmp_path):
    (a, _), plain = stores(tmp_path)
    t = run(a.get_or_create_tracker("p1"))
    turn(t, "hi", "chd")
    run(a.save(t))
    t = run(a.retrieve("p1"))
    turn(t, "and", "lanreotide")
    run(a.save(t))
    ours, theirs = run(a.retrieve("p1")), run(plain.retrieve("p1"))
    assert [e.as_dict() for e in ours.events] == [e.as_dict() for e in theirs.events]
    assert ours.get_slot("subject") == "lanreotide"


def test_another_worker_wrote_since(tmp_path):
    (a, b), plain = stores(tmp_path)
    t = run(a.get_or_create_tracker("p2"))
    turn(t, "one", "chd")
    run(a.save(t))
    run(a.retrieve("p2"))                      # a caches the conversation
    tb = run(b.retrieve("p2"))                 # the next message went to worker b
    turn(tb, "two", "surgery")
    run(b.save(tb))
    ta = run(a.retrieve("p2"))                 # a must see b's turn, not its stale cache
    assert ta.get_slot("subject") == "surgery"
    turn(ta, "three", "echo")
    run(a.save(ta))
    texts = [e.text for e in run(plain.retrieve("p2")).events if isinstance(e, UserUttered)]
    assert texts == ["one", "two", "three"]    # nothing lost, nothing stored twice


def test_workers_taking_turns_read_only_the_new_rows(tmp_path, monkeypatch):
    """Two workers alternate on one conversation (the usual case with two Rasa workers): after
    each has read it once, neither re-reads the whole conversation, and both see what Rasa's own
    store sees, including a new session started by the other worker."""
    (a, b), plain = stores(tmp_path)
    t = run(a.get_or_create_tracker("p4"))
    turn(t, "one", "chd")
    run(a.save(t))
    run(b.retrieve("p4"))                       # b reads it once in full

    def no_full_reads(*_args, **_kw):
        raise AssertionError("read the whole conversation again")
    monkeypatch.setattr(SQLTrackerStore, "_retrieve", no_full_reads)
    for n, (worker, other) in enumerate([(b, a), (a, b), (b, a), (a, b)]):
        t = run(worker.retrieve("p4"))
        if n == 2:                               # b starts a new session
            t.update(ActionExecuted("action_session_start"))
            t.update(SessionStarted())
            t.update(ActionExecuted("action_listen"))
        turn(t, f"turn {n}", f"s{n}")
        run(worker.save(t))
    monkeypatch.undo()
    want = [e.as_dict() for e in run(plain.retrieve("p4")).events]
    assert [e.as_dict() for e in run(a.retrieve("p4")).events] == want
    assert [e.as_dict() for e in run(b.retrieve("p4")).events] == want
    texts = [e.text for e in run(plain.retrieve("p4")).events if isinstance(e, UserUttered)]
    assert texts == ["turn 2", "turn 3"]         # the current session only
    assert run(a.retrieve("p4")).get_slot("subject") == "s3"


def test_new_session_keeps_only_current_session(tmp_path):
    (a, _), plain = stores(tmp_path)
    t = run(a.get_or_create_tracker("p3"))
    turn(t, "old", "chd")
    run(a.save(t))
    t = run(a.retrieve("p3"))
    t.update(ActionExecuted("action_session_start"))
    t.update(SessionStarted())
    t.update(ActionExecuted("action_listen"))
    turn(t, "new", "echo")
    run(a.save(t))
    cached = [e.as_dict() for e in run(a.retrieve("p3")).events]
    assert cached == [e.as_dict() for e in run(plain.retrieve("p3")).events]


def test_lock_store_tickets_are_unique_across_instances(tmp_path):
    db = str(tmp_path / "locks.db")
    one, two = SQLiteLockStore(db), SQLiteLockStore(db)
    tickets = [one.issue_ticket("c"), two.issue_ticket("c"), one.issue_ticket("c")]
    assert tickets == [0, 1, 2]
    lock = two.get_lock("c")
    assert lock.is_locked(1) and not lock.is_locked(0)
    one.cleanup("c", 0)
    assert not two.get_lock("c").is_locked(1)


def test_lock_context_serialises_one_conversation(tmp_path):
    store = SQLiteLockStore(str(tmp_path / "locks.db"))
    order = []

    async def handle(name):
        async with store.lock("conv", wait_time_in_seconds=0.01):
            order.append(f"{name}-in")
            await asyncio.sleep(0.05)
            order.append(f"{name}-out")

    async def both():
        await asyncio.gather(handle("a"), handle("b"))

    asyncio.run(both())
    assert order in (["a-in", "a-out", "b-in", "b-out"], ["b-in", "b-out", "a-in", "a-out"])
