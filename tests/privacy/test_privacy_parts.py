"""Logging without patient text (H3, M7), erasure/export (M1), the lock store's path (M4), private
files (M3), the API token off the command line (M5), exception-safe actions (H3)."""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import stat
import sys

import pytest
import structlog

from bot.privacy import erasure, log_filter
from bot.privacy.private_files import private_data_dir
from bot.rasa_ext.run import rasa_argv

MARKER = "LOGLEAK-ZQ-4471"


def leaky_error():
    from rasa.utils.endpoints import ClientResponseError
    try:
        try:
            raise ClientResponseError(500, "Internal", json.dumps({"request_body": {"text": MARKER}}))
        except ClientResponseError as e:
            raise RuntimeError("Failed to execute custom action") from e
    except RuntimeError as e:
        return e


def test_exception_text_and_locals_never_reach_a_log_record(capfd):
    log_filter.install()
    logger = logging.getLogger("rasa.core.processor")
    handler = logging.StreamHandler(sys.stderr)
    logger.addHandler(handler)
    try:
        secret = MARKER  # noqa: F841  (a local variable a traceback with locals would show)
        try:
            raise leaky_error()
        except RuntimeError:
            logger.exception("Encountered an exception while running action")
        logger.error("sqlite failed: (OperationalError) database is locked [SQL: INSERT INTO events] "
                     "[parameters: ('s1', '%s')] (Background on this error at: x)" % MARKER)
        logger.error("GET /conversations/x/tracker?token=%s&y=1" % MARKER)
    finally:
        logger.removeHandler(handler)
    err = capfd.readouterr().err
    assert "Encountered an exception" in err and "RuntimeError <- ClientResponseError" in err
    assert "[parameters removed]" in err and "token=[removed]" in err
    assert MARKER not in err and "Traceback" not in err


def test_structlog_events_lose_text_keys_and_tracebacks():
    log_filter.install()
    procs = structlog.get_config()["processors"]
    assert log_filter.structlog_scrub in procs
    assert structlog.processors.dict_tracebacks not in procs
    try:
        raise leaky_error()
    except RuntimeError as e:
        event = log_filter.structlog_scrub(None, "error", {"event": "x", "user_text": MARKER,
                                                            "parse_data_text": MARKER, "exc_info": e})
    assert MARKER not in repr(event) and event["exception"].startswith("RuntimeError <- ClientResponseError")


def test_action_server_error_body_has_no_tracker():
    from bot.rasa_ext.action_server import safe_exception_handler
    reply = asyncio.run(safe_exception_handler(None, leaky_error()))
    assert reply.status == 500 and json.loads(reply.body) == {"error": "action failed"}


def test_a_failing_action_answers_politely_and_logs_no_text(tracker, caplog):
    from rasa_sdk.executor import CollectingDispatcher

    from actions import answer
    from actions.answer import ActionAnswer
    dispatcher = CollectingDispatcher()
    t = tracker("what_is_lanreotide")
    t.latest_message["text"] = MARKER

    def boom(*a, **k):
        raise ValueError(MARKER)

    original = answer.content.aspects
    answer.content.aspects = boom
    try:
        with caplog.at_level(logging.ERROR):
            events = asyncio.run(ActionAnswer().run(dispatcher, t, {}))
    finally:
        answer.content.aspects = original
    assert events == [] and dispatcher.messages and "nurse" in dispatcher.messages[0]["text"].lower()
    assert "action_answer failed" in caplog.text and MARKER not in caplog.text


def test_entity_values_that_are_not_text_are_ignored(tracker):
    from actions.services import latest
    t = tracker("what_is_lanreotide")
    t.latest_message["entities"] = [{"entity": "subject", "value": {"a": 1}},
                                    {"entity": "subject", "value": "chd"}, "junk"]
    assert latest(t)[1] == {"subject": "chd"}


def make_store(path, senders):
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                  "timestamp REAL, data TEXT)")
        for s in senders:
            for kind, text in (("user", f"typed by {s}"), ("bot", "a reply")):
                c.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, 1.8e9, ?)",
                          (s, kind, json.dumps({"event": kind, "timestamp": 1.8e9, "text": text})))


def test_reference_find_export_forget(tmp_path, capsys, monkeypatch):
    db = tmp_path / "tracker.db"
    a, b = "194a169a-1111-4aaa-8aaa-000000000001", "77aa00bb-2222-4aaa-8aaa-000000000002"
    make_store(db, [a, b])
    with sqlite3.connect(tmp_path / "locks.db") as c:
        c.execute("CREATE TABLE locks (conversation_id TEXT PRIMARY KEY, data TEXT)")
        c.execute("INSERT INTO locks VALUES (?, '{}')", (a,))
    assert erasure.reference(a) == "194A-169A"
    assert erasure.find_senders(db, "194a-169a") == [a] and erasure.find_senders(db, "194A") == []
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    from bot.__main__ import main
    out = tmp_path / "export.json"
    assert main(["export", "194A-169A", "--out", str(out)]) == 0
    exported = json.loads(out.read_text())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert exported["transcript"][0]["text"] == f"typed by {a}" and exported["reference"] == "194A-169A"
    assert main(["forget", "194A-169A"]) == 0
    assert "2 stored event(s) deleted" in capsys.readouterr().out
    assert erasure.find_senders(db, a) == [] and erasure.find_senders(db, b) == [b]
    wal = tmp_path / "tracker.db-wal"
    assert f"typed by {a}".encode() not in db.read_bytes() and (not wal.exists() or wal.stat().st_size == 0)
    with sqlite3.connect(tmp_path / "locks.db") as c:
        assert c.execute("SELECT COUNT(*) FROM locks").fetchone()[0] == 0
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT sender_hash FROM erasures").fetchall() == [(erasure.sender_hash(a),)]
    assert main(["forget", "194A-169A"]) == 1   # nothing left to find


def test_ambiguous_reference_asks_for_the_full_id(tmp_path):
    db = tmp_path / "tracker.db"
    make_store(db, ["abcd1234-one", "abcd1234-two"])
    with pytest.raises(erasure.Ambiguous):
        erasure.one_sender(db, "ABCD-1234")
    assert erasure.one_sender(db, "abcd1234-two") == "abcd1234-two"


def test_tracker_store_drops_erased_conversations_from_its_cache(tmp_path):
    from bot.rasa_ext.stores.sqlite_tracker import CachedSQLTrackerStore
    db = tmp_path / "tracker.db"
    store = CachedSQLTrackerStore(dialect="sqlite", db=str(db))
    store._cache["gone"] = (1, [])
    store._cache["kept"] = (1, [])
    store.drop_erased(force=True)                  # no erasure yet: nothing happens
    erasure.delete_conversations(db, ["gone"])
    store.drop_erased(force=True)
    assert list(store._cache) == ["kept"]


def test_lock_store_uses_its_configured_path(tmp_path, monkeypatch):
    # M4: Rasa builds custom lock stores as cls(endpoint_config=...), and `db` was ignored
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig
    store = LockStore.create(EndpointConfig(type="bot.rasa_ext.stores.sqlite_locks.SQLiteLockStore", db=str(tmp_path / "x" / "l.db")))
    assert store.path == str(tmp_path / "x" / "l.db") and (tmp_path / "x" / "l.db").exists()
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    store = LockStore.create(EndpointConfig(type="bot.rasa_ext.stores.sqlite_locks.SQLiteLockStore"))
    assert store.path == str(tmp_path / "data" / "locks.db")


def test_data_dir_is_private(tmp_path):
    old = os.umask(0o022)
    try:
        d = tmp_path / "data"
        d.mkdir(mode=0o755)
        (d / "tracker.db").write_text("x")
        os.chmod(d / "tracker.db", 0o644)
        private_data_dir(d)
        (d / "new.db").write_text("y")   # created after: the umask makes it private
        assert stat.S_IMODE(d.stat().st_mode) == 0o700
        assert {stat.S_IMODE(f.stat().st_mode) for f in d.iterdir()} == {0o600}
    finally:
        os.umask(old)


def test_api_token_goes_to_rasa_in_process_not_on_the_command_line():
    from bot.ops.serve import commands
    os.environ["RASA_TOKEN"] = "tok-" + MARKER
    try:
        cmds = commands(5005, 5055, 8080, "127.0.0.1", web=True)
    finally:
        del os.environ["RASA_TOKEN"]
    assert not any(MARKER in part for cmd in cmds.values() for part in cmd)
    assert cmds["actions"][2] == "bot.rasa_ext.action_server" and cmds["rasa"][2] == "bot.rasa_ext.run"
    assert rasa_argv(["run", "--port", "1"], "t")[-3:] == ["--enable-api", "--auth-token", "t"]
    assert "--enable-api" not in rasa_argv(["run", "--port", "1"], None)
    assert rasa_argv(["test", "core"], "t") == ["rasa", "test", "core"]  # the token is for `run` only


def test_audit_flags_an_affected_pin_without_a_mitigation():
    from bot.content import load_yaml
    from bot.ops.audit import ADVISORIES, check, pins
    lines, problems = check(load_yaml(ADVISORIES)["advisories"], pins())
    assert problems == [] and any(line.startswith("AFFECTED  skops 0.9.0") for line in lines)
    bad = [{"package": "demo", "ids": ["CVE-X"], "affected": "<2", "reachable": "yes: every request"}]
    assert check(bad, {"demo": "1.0"})[1] and not check(bad, {"demo": "2.0"})[1]
    assert check(bad, {})[1]          # an advisory for a package that is not pinned
