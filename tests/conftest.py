import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def kb():
    from bot.answers.knowledge import KnowledgeService
    return KnowledgeService()


def make_tracker(name: str, **overrides):
    """A rasa-sdk Tracker from tests/fixtures/<name>.json (financial-demo style)."""
    from rasa_sdk import Tracker
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    data.update(overrides)
    return Tracker(data["sender_id"], data.get("slots", {}), data["latest_message"],
                   data.get("events", []), False, None, data.get("active_loop", {}),
                   data.get("latest_action_name", "action_listen"))


@pytest.fixture
def tracker():
    return make_tracker


def pytest_collection_modifyitems(config, items):
    """Browser tests last when everything runs in one process (`pytest tests`): Playwright's
    sync API keeps an event loop running in this thread for the whole session, and the
    asyncio.run() of later unit tests would fail. `make test` runs them separately anyway."""
    items.sort(key=lambda item: "/tests/browser/" in str(item.path).replace("\\", "/"))
