"""Two measured speed fixes for Rasa 3.6, applied when Rasa imports our channel or components.

Rasa validates every action-server reply with `jsonschema.validate`, which re-checks the
(large) events schema on every call: 57 ms per custom action on this machine, more than the
rest of a turn. We validate against the same schema with validators built once, and check
each event against the one `oneOf` branch its "event" name selects (the branches differ by
that constant, so at most one can match: the same verdict). Anything unusual goes to Rasa's
own check, which raises its own error. `tests/test_rasa_speedups.py` proves both.

Re-creating a conversation's events looks up each event's class by walking every subclass of
`Event` (`Event.resolve_by_type`): 6% of a busy server's time here. The answer for a type name
never changes once the classes are imported, so it is remembered; unknown names still go to
Rasa's own lookup (its default or its error).
"""
from __future__ import annotations

from functools import lru_cache

import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event

_original = RemoteAction._validate_action_result
_original_resolve = Event.resolve_by_type
_event_classes: dict = {}


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


def _resolve_by_type(type_name, default=None):
    cls = _event_classes.get(type_name)
    if cls is None:
        cls = _original_resolve(type_name, default)
        if cls is not None and getattr(cls, "type_name", None) == type_name:
            _event_classes[type_name] = cls
    return cls


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)


apply()
