"""The Rasa patches (bot/rasa_ext/patches/): each gives Rasa's own results; they are applied by one
call, once, on Rasa 3.6.21 only, and NETBOT_RASA_PATCHES=off leaves Rasa as shipped."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.rasa_ext import patches
from bot.rasa_ext.patches import action_validation, event_types, http_session


@pytest.fixture(scope="module", autouse=True)
def applied():
    patches.apply()

GOOD = {"events": [{"event": "slot", "name": "subject", "value": "chd", "timestamp": None}],
        "responses": [{"text": "hello"}]}
BAD = {"events": [{"no_event_key": 1}], "responses": "not a list"}


def test_same_verdicts_as_rasa():
    action = RemoteAction("action_answer", None)
    assert action_validation._validate_action_result(action, GOOD) is True
    assert action_validation._original(action, GOOD) is True
    with pytest.raises(jsonschema.ValidationError):
        action_validation._original(action, BAD)
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action_validation._validate_action_result(action, BAD)


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
        expected = action_validation._original(action, result)
    except jsonschema.ValidationError:
        expected = False
    assert action_validation._fast_ok(result) == expected


def test_applied_to_rasa():
    assert RemoteAction._validate_action_result is action_validation._validate_action_result


def test_event_classes_are_the_ones_rasa_finds():
    """The remembered lookup gives Rasa's answer for every event type, its default for unknown
    names, and Rasa's error when there is no default."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    assert Event.resolve_by_type is event_types._resolve_by_type
    for cls in all_subclasses(Event):
        for _ in range(2):   # the second time from memory
            assert Event.resolve_by_type(cls.type_name) is event_types._original_resolve(cls.type_name)
    sentinel = type("Sentinel", (), {})
    assert Event.resolve_by_type("no_such_event", sentinel) is sentinel
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert "no_such_event" not in event_types._event_classes
    events = [{"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
              {"event": "slot", "name": "subject", "value": "chd"}, {"event": "action", "name": "x"}]
    assert [type(Event.from_parameters(e)).__name__ for e in events] == ["UserUttered", "SlotSet", "ActionExecuted"]


def test_action_server_calls_reuse_one_connection():
    """Two calls through Rasa's EndpointConfig.request share one TCP connection and get the
    right answers; after the connection idles past KEEPALIVE_S a fresh one is used."""
    import asyncio

    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    async def main():
        async def webhook(request):
            body = await request.json()
            return web.json_response({"echo": body["n"], "conn": request.transport.get_extra_info("peername")[1]})

        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        try:
            endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
            one = await endpoint.request(json={"n": 1}, method="post")
            two = await endpoint.request(json={"n": 2}, method="post")
            assert (one["echo"], two["echo"]) == (1, 2)
            assert one["conn"] == two["conn"]          # the same client port: the same connection
            await asyncio.sleep(http_session.KEEPALIVE_S + 0.5)
            three = await endpoint.request(json={"n": 3}, method="post")
            assert three["echo"] == 3
        finally:
            for session, _loop in list(http_session._sessions.values()):
                await session.close()
            http_session._sessions.clear()
            await runner.cleanup()

    asyncio.run(main())


# ---- applying them: one explicit call, once, version-guarded, with a switch --------------------

def test_apply_is_explicit_idempotent_and_complete():
    assert patches.apply() == [p.name for p in patches.PATCHES]
    assert patches.apply() is patches.apply()            # once per process
    assert patches.applied() == [p.name for p in patches.PATCHES]
    assert "5 patches applied" in patches.summary()


def test_the_switch_leaves_rasa_as_shipped(monkeypatch, caplog):
    patches.revert()
    try:
        monkeypatch.setenv(patches.ENV, "off")
        assert patches.apply() == [] and patches.applied() == []
        assert RemoteAction._validate_action_result is action_validation._original
        assert "patches off" in caplog.text
    finally:
        monkeypatch.delenv(patches.ENV)
        patches.revert()
        patches.apply()
    assert patches.applied() == [p.name for p in patches.PATCHES]


def test_another_rasa_version_is_refused_with_a_clear_error(monkeypatch, caplog):
    import rasa
    patches.revert()
    try:
        monkeypatch.setattr(rasa, "__version__", "3.7.0")
        assert patches.apply() == [] and patches.applied() == []
        assert any(r.levelname == "ERROR" and "3.7.0" in r.getMessage() and patches.SUPPORTED_RASA in r.getMessage()
                   for r in caplog.records)
    finally:
        monkeypatch.undo()
        patches.revert()
        patches.apply()


def test_the_postgres_pass_through_refuses_another_rasa(monkeypatch):
    import rasa

    from bot.rasa_ext.patches import failsafe_passthrough
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(RuntimeError, match="3.7.0"):
        failsafe_passthrough.apply(type("Store", (), {}))


@pytest.mark.parametrize("switch,said", [("on", "5 patches applied"), ("off", "no patches applied")])
def test_every_rasa_command_goes_through_the_entry_point_that_applies_them(switch, said):
    """make runs `rasa train`, `rasa data validate`, `rasa test core` and bot.ops.serve runs
    `rasa run` as `python -m bot.rasa_ext.run ...`: the patches (or the switch) hold in each."""
    import os
    import subprocess
    import sys

    from bot.paths import PROJECT_ROOT
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "RASA := $(PY) -m bot.rasa_ext.run" in makefile and "$(VENV)/bin/rasa" not in makefile
    out = subprocess.run([sys.executable, "-m", "bot.rasa_ext.run", "--version"], cwd=PROJECT_ROOT,
                         env=dict(os.environ, NETBOT_RASA_PATCHES=switch, PYTHONPATH=str(PROJECT_ROOT)),
                         capture_output=True, text=True, timeout=120)
    assert said in out.stderr and "3.6.21" in out.stdout
