"""The cluster stores against real servers, without Rasa's server: the Redis lock store's queues
are atomic and its tickets lapse when their holder dies; the PostgreSQL tracker store rides out
a database restart, says when a turn cannot be stored, and never stores a turn twice."""
import asyncio
import multiprocessing
import time
import uuid

import pytest
import sqlalchemy as sa
from rasa.core.lock_store import LockError
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered

from bot.rasa_ext.stores.postgres_admin import forget_old
from bot.rasa_ext.stores.postgres_tracker import ResilientSQLTrackerStore
from bot.rasa_ext.stores.redis_locks import AtomicRedisLockStore
from bot.safety.store_failure import TrackerUnavailable, TurnNotSaved
from bot.settings import Timeouts

FAST = Timeouts(store_retry_s=1, action_s=1, lock_ticket_s=1, lock_wait_s=3, lock_max_s=8, proxy_read_s=20)


def run(coro):
    return asyncio.new_event_loop().run_until_complete(coro)


# --- Redis lock store --------------------------------------------------------------------------
def _take_tickets(url, cid, n, out):
    store = AtomicRedisLockStore(url=url)
    out.put([store.issue_ticket(cid) for _ in range(n)])


def test_tickets_are_unique_when_processes_race(stores):
    cid, out = "race-" + uuid.uuid4().hex, multiprocessing.get_context("fork").Queue()
    procs = [multiprocessing.get_context("fork").Process(target=_take_tickets, args=(stores.redis_url, cid, 60, out))
             for _ in range(4)]
    for p in procs:
        p.start()
    tickets = sum((out.get(timeout=60) for _ in procs), [])
    for p in procs:
        p.join()
    assert sorted(tickets) == list(range(240))  # no ticket handed out twice, none skipped


def test_giving_back_a_ticket_keeps_one_taken_meanwhile(stores):
    store, cid = AtomicRedisLockStore(url=stores.redis_url), "q-" + uuid.uuid4().hex
    first, second = store.issue_ticket(cid), store.issue_ticket(cid)
    store.cleanup(cid, first)
    assert [t.number for t in store.get_lock(cid).tickets] == [second]
    store.cleanup(cid, second)
    assert store.get_lock(cid) is None and not store.red.exists(store.key_prefix + cid)


def test_a_dead_holders_ticket_lapses_and_the_next_message_goes_on(stores):
    dead, live = (AtomicRedisLockStore(url=stores.redis_url, timeouts=FAST) for _ in range(2))
    cid = "dead-" + uuid.uuid4().hex
    dead.issue_ticket(cid)  # taken, then its replica "dies": never renewed, never given back

    async def next_message():
        t0 = time.monotonic()
        async with live.lock(cid):
            return time.monotonic() - t0
    assert 0.8 < run(next_message()) < 2.5  # lock_ticket_s is 1 s


def test_a_live_holder_keeps_its_lock_past_the_ticket_lifetime(stores):
    a, b = (AtomicRedisLockStore(url=stores.redis_url, timeouts=FAST) for _ in range(2))
    cid, order = "live-" + uuid.uuid4().hex, []

    async def holder():
        async with a.lock(cid):
            order.append("a in")
            await asyncio.sleep(2.5)  # longer than a ticket lives: renewed meanwhile
            order.append("a out")

    async def waiter():
        await asyncio.sleep(0.2)
        async with b.lock(cid):
            order.append("b in")

    async def both():
        await asyncio.gather(holder(), waiter())
    run(both())
    assert order == ["a in", "a out", "b in"]


def test_a_waiter_gives_up_after_lock_wait(stores):
    a, b = (AtomicRedisLockStore(url=stores.redis_url, timeouts=FAST) for _ in range(2))
    cid = "wait-" + uuid.uuid4().hex

    async def scenario():
        async with a.lock(cid):
            t0 = time.monotonic()
            with pytest.raises(LockError):
                async with b.lock(cid):
                    pass
            return time.monotonic() - t0
    assert 2.9 < run(scenario()) < 4.5  # lock_wait_s is 3 s


def test_redis_down_is_a_lock_error_quickly():
    store = AtomicRedisLockStore(url="redis://127.0.0.1:9/1")  # nothing listens there
    t0 = time.monotonic()
    with pytest.raises(LockError):
        store.issue_ticket("x")
    assert time.monotonic() - t0 < 2


# --- PostgreSQL tracker store ------------------------------------------------------------------
@pytest.fixture
def pg(stores):
    return ResilientSQLTrackerStore(domain=Domain.empty(), url=stores.database_url, timeouts=FAST)


def turn(tracker, text):
    tracker.update(UserUttered(text, {"name": "ask", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_listen"))


def new_tracker(store, sender):
    t = run(store.get_or_create_tracker(sender, append_action_listen=False))
    t.update(ActionExecuted("action_session_start"))
    t.update(SessionStarted())
    t.update(ActionExecuted("action_listen"))
    return t


def stored_texts(stores, sender):
    eng = sa.create_engine(stores.database_url)
    with eng.connect() as c:
        rows = c.execute(sa.text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"),
                         {"s": sender}).fetchall()
    eng.dispose()
    import json
    return [json.loads(d).get("text") for t, d in rows if t == "user"], sum(t == "session_started" for t, _ in rows)


def test_turns_are_read_back_across_stores(stores, pg):
    sender = "s-" + uuid.uuid4().hex
    t = new_tracker(pg, sender)
    turn(t, "first")
    run(pg.save(t))
    other = ResilientSQLTrackerStore(domain=Domain.empty(), url=stores.database_url, timeouts=FAST)
    t2 = run(other.retrieve(sender))  # another replica continues the conversation
    turn(t2, "second")
    run(other.save(t2))
    t3 = run(pg.retrieve(sender))  # from this store's cache plus the new rows
    assert [e.text for e in t3.events if isinstance(e, UserUttered)] == ["first", "second"]
    assert stored_texts(stores, sender) == (["first", "second"], 1)


def test_a_turn_answered_on_a_stale_copy_is_not_stored(stores, pg):
    sender = "c-" + uuid.uuid4().hex
    t = new_tracker(pg, sender)
    run(pg.save(t))
    a = run(pg.retrieve(sender))
    b = run(ResilientSQLTrackerStore(domain=Domain.empty(), url=stores.database_url, timeouts=FAST).retrieve(sender))
    turn(a, "from a")
    turn(b, "from b")
    run(pg.save(a))
    with pytest.raises(TurnNotSaved):
        run(pg.save(b))  # b never saw a's turn: storing it would lose or muddle one
    assert stored_texts(stores, sender) == (["from a"], 1)


def test_two_new_conversations_with_one_id_start_one_session(stores, pg):
    sender = "n-" + uuid.uuid4().hex
    a, b = new_tracker(pg, sender), new_tracker(pg, sender)
    turn(a, "hello")
    turn(b, "hi")
    run(pg.save(a))
    with pytest.raises(TurnNotSaved):
        run(pg.save(b))
    assert stored_texts(stores, sender) == (["hello"], 1)


def test_a_retried_write_that_had_committed_is_not_stored_twice(stores, pg):
    sender = "r-" + uuid.uuid4().hex
    t = new_tracker(pg, sender)
    mark = t.__dict__.get("_net_stored", (0, 0))
    turn(t, "once")
    run(pg.save(t))
    t.__dict__["_net_stored"] = mark  # as if the commit's answer was lost and the write is tried again
    run(pg.save(t))
    assert stored_texts(stores, sender) == (["once"], 1)


def test_a_postgres_restart_during_a_write_loses_nothing(stores, pg):
    sender = "p-" + uuid.uuid4().hex
    t = new_tracker(pg, sender)
    turn(t, "before")
    run(pg.save(t))
    turn(t, "during")
    stores.sup.stop("postgres")  # fast shutdown: every connection in the pool is now broken

    async def save_while_it_restarts():
        asyncio.get_running_loop().call_later(0.3, stores.sup.start, "postgres")
        await pg.save(t)  # pre-ping and retries, within store_retry_s
    run(save_while_it_restarts())
    stores.wait_postgres()
    assert stored_texts(stores, sender) == (["before", "during"], 1)


def test_a_longer_outage_is_said_not_hidden(stores, pg):
    sender = "o-" + uuid.uuid4().hex
    t = new_tracker(pg, sender)
    run(pg.save(t))
    turn(t, "lost")
    wrapped = FailSafeTrackerStore(pg)  # as Rasa's Agent wraps every tracker store
    stores.sup.stop("postgres")
    try:
        t0 = time.monotonic()
        with pytest.raises(TurnNotSaved):
            run(wrapped.save(t))  # Rasa's wrapper would have put it in memory, silently
        assert 0.9 < time.monotonic() - t0 < 2.5  # store_retry_s is 1 s
        with pytest.raises(TrackerUnavailable):
            run(wrapped.retrieve(sender))  # Rasa's wrapper would have said "new conversation"
    finally:
        stores.sup.start("postgres")
        stores.wait_postgres()


def test_small_pool_and_index(stores, pg):
    assert pg.engine.pool.size() == 2 and pg.engine.pool._pre_ping
    with pg.engine.connect() as c:
        index = c.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'events_sender_id_id'")).scalar()
    assert "(sender_id, id)" in index


def test_forgetting_old_conversations_once_per_cluster(stores, pg):
    old, recent = "old-" + uuid.uuid4().hex, "new-" + uuid.uuid4().hex
    for sender in (old, recent):
        t = new_tracker(pg, sender)
        turn(t, "x")
        run(pg.save(t))
    later = time.time() + 31 * 86400
    with pg.engine.begin() as c:  # the recent one had news "yesterday" (from 31 days on)
        c.execute(sa.text("UPDATE events SET timestamp = :t WHERE sender_id = :s"), {"t": later - 86400, "s": recent})
    assert forget_old(stores.database_url, 30, now=later) >= 1
    assert stored_texts(stores, old) == ([], 0) and stored_texts(stores, recent)[0] == ["x"]
