"""The same races with two Rasa worker processes per replica: four processes handle one
conversation's simultaneous messages, on two machines' worth of replicas."""
import pytest

from bot.ops.cluster import LocalCluster
from tests.cluster.harness import bursts, problems


@pytest.fixture(scope="module")
def cluster():
    c = LocalCluster(replicas=2, workers=2)
    try:
        c.start()
    except Exception:
        c.stop(keep=True)
        raise RuntimeError(f"cluster did not start; logs in {c.dir}/logs")
    yield c
    c.stop()


def test_simultaneous_messages_with_two_workers_per_replica_lose_and_duplicate_nothing(cluster):
    conversations, turns = bursts(cluster)
    assert [t.outcome for t in turns].count("normal") == len(turns) == 80
    assert problems(cluster.database_url, conversations, ordered=False) == []
