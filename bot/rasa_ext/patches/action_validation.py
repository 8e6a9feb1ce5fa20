"""Measured speed fixes for Rasa 3.6, applied when Rasa's server imports our channel.

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

Every call to the action server opened a new HTTP client session and TCP connection
(`EndpointConfig.request` uses `async with self.session()`). Each endpoint now keeps one
session per event loop, with the same headers, auth and timeout; idle connections are closed
after 2 s, before the action server's 5 s keep-alive ends, so a reused connection is never
one the server is closing.

Each message runs the model's graph three times (language understanding, then two policy
predictions). Rasa recomputes which nodes a run needs (a recursive walk) and hands them to
dask's scheduler every time: about 9% of a busy server's time here for a graph of 15 nodes.
The graph is fixed once loaded, so the order of the nodes each set of targets needs is worked
out once and the nodes are called in that order, each with the outputs it needs, as dask's
synchronous scheduler would. `tests/e2e/test_graph_runner.py` proves the same results on
the trained model.
"""
from __future__ import annotations

import asyncio
from functools import lru_cache

import aiohttp
import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.utils.endpoints import EndpointConfig

_original = RemoteAction._validate_action_result
_original_resolve = Event.resolve_by_type
_event_classes: dict = {}
_original_session = EndpointConfig.session
_sessions: dict = {}  # (event loop, endpoint) -> (open client session, its loop)
KEEPALIVE_S = 2.0


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


class _Borrowed:
    """`async with` a kept session without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc) -> bool:
        return False


def _session(self: EndpointConfig):
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not inside a coroutine: Rasa's own behaviour
        return _original_session(self)
    key = (id(loop), self.url, repr(self.headers), repr(self.basic_auth))
    # the loop is kept beside the session: reading `session.loop` is deprecated in aiohttp and
    # logged a DeprecationWarning on every action call (docs/security.md, M7)
    session, its_loop = _sessions.get(key, (None, None))
    if session is None or session.closed or its_loop is not loop:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
            if self.basic_auth else None
        session = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S))
        _sessions[key] = (session, loop)
    return _Borrowed(session)


_original_run = DaskGraphRunner.run


def _plan(runner: DaskGraphRunner, targets: tuple, inputs: frozenset) -> list:
    """(node name, node, names of its needs) in an order where needs come first."""
    plans = runner.__dict__.setdefault("_net_plans", {})
    key = (targets, inputs)
    if key not in plans:
        nodes = runner._graph_schema.nodes
        order, seen = [], set()

        def visit(name):
            if name in seen or name in inputs or name not in nodes:
                return  # an input, or a placeholder dask would also pass through as it is
            seen.add(name)
            needs = list(nodes[name].needs.values())
            for need in needs:
                visit(need)
            order.append((name, runner._instantiated_nodes[name], needs))

        for target in targets:
            visit(target)
        plans[key] = order
    return plans[key]


def _run(self: DaskGraphRunner, inputs=None, targets=None):
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    values = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and value in self._graph_schema.nodes:
            return _original_run(self, inputs, targets)  # Rasa's own error for the clash
        values[name] = (name, value)
    try:
        for name, node, needs in _plan(self, run_targets, frozenset(values)):
            values[name] = node(*[values.get(n, n) for n in needs])
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e
    return dict(values.get(t, t) for t in run_targets)


def apply() -> None:
    RemoteAction._validate_action_result = _validate_action_result
    Event.resolve_by_type = staticmethod(_resolve_by_type)
    EndpointConfig.session = _session
    DaskGraphRunner.run = _run


apply()
