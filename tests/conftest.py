import json
from pathlib import Path

import pytest

from bot import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def kb():
    from bot.knowledge import KnowledgeService
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
