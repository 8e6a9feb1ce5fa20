"""Real PostgreSQL, Redis, nginx and bot replicas on loopback (`make test-cluster`)."""
import shutil

import pytest

from bot.ops.cluster import LocalCluster, pg_bin


def pytest_configure(config):
    missing = [t for t in ("redis-server", "nginx") if not shutil.which(t)]
    try:
        pg_bin()
    except SystemExit:
        missing.append("postgresql")
    if missing:  # these tests exist to run against the real servers: say what to install
        raise pytest.UsageError(f"make test-cluster needs {', '.join(missing)}: "
                                "apt-get install postgresql redis-server nginx")


@pytest.fixture(scope="session")
def stores():
    """PostgreSQL and Redis only, for the store tests."""
    c = LocalCluster(replicas=0)
    c.start_stores()
    yield c
    c.stop()
