"""The cached validator accepts and rejects exactly what Rasa's own check does."""
import time

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

import bot.rasa_speedups as speedups

GOOD = {"events": [{"event": "slot", "name": "subject", "value": "chd", "timestamp": None}],
        "responses": [{"text": "hello"}]}
BAD = {"events": [{"no_event_key": 1}], "responses": "not a list"}


def test_same_verdicts_as_rasa():
    action = RemoteAction("action_answer", None)
    assert speedups._validate_action_result(action, GOOD) is True
    assert speedups._original(action, GOOD) is True
    with pytest.raises(jsonschema.ValidationError):
        speedups._original(action, BAD)
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        speedups._validate_action_result(action, BAD)


def test_applied_to_rasa():
    assert RemoteAction._validate_action_result is speedups._validate_action_result
