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


@pytest.mark.parametrize("result", [
    GOOD,
    {"events": [], "responses": []},
    {"events": [{"event": "bot", "text": "hi"}, {"event": "action", "name": "x"}]},
    {"events": [{"event": "slot", "name": "a"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": 5, "value": 1}]},
    {"events": "nope"},
    {"responses": [5]},
    {"events": [{"event": "user", "text": 5}]},
])
def test_fast_path_agrees_with_rasa(result):
    action = RemoteAction("action_answer", None)
    try:
        expected = speedups._original(action, result)
    except jsonschema.ValidationError:
        expected = False
    assert speedups._fast_ok(result) == expected


def test_applied_to_rasa():
    assert RemoteAction._validate_action_result is speedups._validate_action_result
