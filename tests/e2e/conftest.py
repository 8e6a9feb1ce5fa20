import pytest

from tests.e2e.harness import Stack


@pytest.fixture(scope="module")
def stack():
    s = Stack()
    s.start()
    yield s
    s.stop()
