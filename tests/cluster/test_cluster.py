"""Two replicas (one Rasa worker each) on PostgreSQL and Redis behind nginx, on loopback: turns
alternating between replicas, simultaneous messages of one conversation, and a PostgreSQL
restart, a Redis outage and a replica killed, each in the middle of load. After each, what
every patient was told is compared with what was stored (tests/cluster/harness.py)."""
import os
import signal
import socket
import time
import uuid

import pytest

from bot.ops.cluster import LocalCluster
from bot.settings import Settings, Timeouts
from tests.cluster.harness import EMERGENCY, Load, bursts, post, problems


@pytest.fixture(scope="module")
def cluster():
    c = LocalCluster(replicas=2, workers=1)
    try:
        c.start()
    except Exception:
        c.stop(keep=True)
        raise RuntimeError(f"cluster did not start; logs in {c.dir}/logs")
    yield c
    c.stop()


def until_refused(port: int, timeout: float = 10) -> float:
    """When a port stopped accepting connections (monotonic time)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return time.monotonic()
        time.sleep(0.005)
    raise AssertionError(f"port {port} still accepts connections {timeout} s after the kill")


def test_turns_alternating_between_replicas_keep_their_context_and_are_stored_once(cluster):
    conversations = {}
    for script in (["explain carcinoid heart disease", "how do doctors find it", "can it be treated"],
                   ["what does everolimus do", "how is it taken"]):
        sender = "alt-" + uuid.uuid4().hex[:8]
        conversations[sender] = [post(cluster.replica_url(i % 2), sender, text) for i, text in enumerate(script)]
    for sender, turns in conversations.items():
        assert all(t.outcome == "normal" for t in turns), [t.body for t in turns]
    echo, valve = conversations[next(iter(conversations))][1:]
    assert "echo" in echo.body.lower() and "valve" in valve.body.lower()  # the follow-ups kept the subject
    assert "everolimus" in list(conversations.values())[1][1].body.lower()
    for t, expect in zip(sum(conversations.values(), []), ["valve", "echo", "valve", "everolimus", "everolimus"]):
        t.expect = expect
    assert problems(cluster.database_url, conversations) == []


def test_clear_conversation_erases_it_from_postgresql(cluster):
    """The widget's "Clear conversation" (POST /webhooks/rest/forget) on any replica deletes the
    conversation's rows from the shared store (issue 17, on the cluster)."""
    import json
    import urllib.request

    from tests.cluster.harness import stored
    sender = "forget-" + uuid.uuid4().hex[:8]
    post(cluster.replica_url(0), sender, "what is octreotide")
    post(cluster.replica_url(1), sender, "how often is it given")
    assert stored(cluster.database_url, [sender])[sender][0]
    req = urllib.request.Request(cluster.replica_url(1).rstrip("/") + "/webhooks/rest/forget",
                                 data=json.dumps({"sender": sender}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200 and json.loads(r.read())["forgotten"] is True
    assert stored(cluster.database_url, [sender])[sender] == ([], 0)


def test_simultaneous_messages_of_one_conversation_lose_and_duplicate_nothing(cluster):
    conversations, turns = bursts(cluster)
    assert [t.outcome for t in turns].count("normal") == len(turns) == 80
    assert problems(cluster.database_url, conversations, ordered=False) == []


def test_a_postgresql_restart_mid_load_loses_no_turn_answered_normally(cluster):
    with Load(cluster.url, prefix="pg") as load:
        time.sleep(4)
        cluster.sup.stop("postgres")  # fast shutdown: every replica's connections break
        cluster.sup.start("postgres")
        cluster.wait_postgres()
        time.sleep(6)
    assert load.count("normal") > 30 and load.count("error") == 0
    assert problems(cluster.database_url, load.conversations) == []
    print(f"\npostgres restart: {len(load.turns())} turns, {load.count('fallback')} fallback, "
          f"{load.count('not_saved')} not saved")


def test_a_postgresql_outage_longer_than_the_retries_still_puts_safety_first(cluster):
    cluster.sup.stop("postgres")
    try:
        reply = post(cluster.url, "pgdown-" + uuid.uuid4().hex[:8], "my dad has crushing chest pain")
        question = post(cluster.url, "pgdown-" + uuid.uuid4().hex[:8], "what is lanreotide")
    finally:
        cluster.sup.start("postgres")
        cluster.wait_postgres()
    assert reply.status == 200 and reply.messages[0]["text"].startswith(EMERGENCY)
    assert reply.outcome == "fallback"  # then "cannot look that up" with the nurse line
    assert question.outcome == "fallback" and Settings.load().nurse_line in question.body
    assert question.t1 - question.t0 < Timeouts.load().store_retry_s + 3


def test_a_redis_restart_mid_load_loses_no_turn_and_emergencies_come_first(cluster):
    emergencies = []
    with Load(cluster.url, prefix="redis") as load:
        time.sleep(4)
        cluster.sup.stop("redis")
        for text in ("I have crushing chest pain", "my husband has collapsed and wont wake up",
                     "what is lanreotide? also I cant breathe"):
            emergencies.append(post(cluster.url, "rdown-" + uuid.uuid4().hex[:8], text))
        question = post(cluster.url, "rdown-" + uuid.uuid4().hex[:8], "what is lanreotide")
        cluster.sup.start("redis")
        cluster.wait_redis()
        time.sleep(6)
    for e in emergencies:  # no lock store, no conversation: the channel's triage answers first
        assert e.status == 200 and e.messages[0]["text"].startswith(EMERGENCY), e.body
    assert question.outcome == "fallback"
    assert load.count("error") == 0 and load.count("normal") > 30
    assert problems(cluster.database_url, load.conversations) == []
    print(f"\nredis outage: {len(load.turns())} turns, {load.count('fallback')} fallback (during the outage)")


def test_sigkill_of_a_replica_mid_load_fails_only_requests_in_flight_on_it(cluster):
    child = cluster.sup.children["replica-1"]
    with Load(cluster.url, users=8, prefix="kill") as load:
        time.sleep(5)
        killed = time.monotonic()
        os.killpg(child.proc.pid, signal.SIGKILL)  # the launcher; its Rasa and action server die with it
        # A killed process takes a moment to go (the kernel frees its memory before it closes its
        # listening socket, which accepts connections meanwhile): "in flight" is until it is gone.
        gone = until_refused(cluster.replica_ports[0]["rasa"])
        time.sleep(15)
    turns = load.turns()
    failed = [t for t in turns if t.outcome == "error"]
    late = [(round(t.t0 - gone, 2), round(t.t1 - gone, 2), t.status) for t in failed if t.t0 > gone]
    assert not late, f"requests sent after the replica was gone failed (sent, failed, status): {late}"
    assert len(failed) <= load.users  # at most one in flight per user
    assert load.count("fallback") == 0  # nobody waited past the lock and got "cannot look that up"
    after = [t for t in turns if t.t0 > gone]
    assert len(after) > 20 and all(t.outcome == "normal" for t in after)
    # a conversation whose turn died on the killed replica waits for that ticket to lapse, no longer
    assert max(t.t1 - t.t0 for t in after) < Timeouts.load().lock_ticket_s + 5
    assert problems(cluster.database_url, load.conversations) == []
    print(f"\nreplica killed: gone after {gone - killed:.2f} s; {len(turns)} turns, {len(failed)} failed in flight, "
          f"slowest after: {max(t.t1 - t.t0 for t in after):.1f} s")
