"""Bounded input for the REST channel (docs/security.md H1, H3, H4, L2, L3), without a server."""
import json

import pytest

from bot.intake.limits import Bucket, Limits
from bot.intake.request_checks import Payloads, check_body, clean_metadata, is_json_content_type, topic_ids
from bot.settings import Settings, SettingsError


@pytest.mark.parametrize("value,ok", [
    ("application/json", True), ("application/json; charset=utf-8", True), ("Application/JSON", True),
    ("text/plain", False), ("application/x-www-form-urlencoded", False), ("multipart/form-data", False),
    ("", False), (None, False), ("application/jsonp", False),
])
def test_only_json_content_type(value, ok):
    # L3: text/plain needs no CORS preflight, so any web page could post as its visitors
    assert is_json_content_type(value) is ok


def test_deep_json_is_a_400_not_a_crash():
    # L2: a 100,000-deep array raised RecursionError (HTTP 500 with a traceback)
    for raw in (b"[" * 100_000 + b"]" * 100_000, b'{"sender": "a", "message": "x", "metadata": '
                + b'{"a":' * 50 + b"1" + b"}" * 50 + b"}"):
        body, problem = check_body(raw)
        assert body is None and problem


def test_normal_body_depth_is_fine():
    body, problem = check_body(json.dumps({"sender": "a", "message": "hi",
                                           "metadata": {"channel": "web-widget"}}).encode())
    assert problem is None


def test_metadata_keeps_only_known_keys_and_values():
    # H4: 1 MB of metadata became 6.7 MB on disk
    ids = topic_ids()
    topic = sorted(ids)[0]
    assert clean_metadata({"channel": "web-widget", "deep_link_topic": topic, "x": "y" * 10**6}, ids) == \
        {"channel": "web-widget", "deep_link_topic": topic}
    assert clean_metadata({"channel": "c" * 33, "deep_link_topic": "no-such-topic"}, ids) == {}
    assert clean_metadata({"channel": {"a": 1}, "deep_link_topic": ["x"]}, ids) == {}
    assert clean_metadata(None, ids) == {} and clean_metadata("x", ids) == {}


@pytest.fixture(scope="module")
def payloads():
    return Payloads.from_content()


@pytest.mark.parametrize("text", ['/greet', '/ask_what_is{"subject":"chd"}', '/ask_how_often{"subject": "lanreotide"}',
                                  '/ask_not_covered{"uncovered_topic":"diet"}', ' /ask_outlook{"subject":"net"} '])
def test_the_bots_own_buttons_pass(payloads, text):
    assert payloads.check(text) == text


@pytest.mark.parametrize("text,plain", [
    ('/ask_what_is{"subject": {"a": 1}}', 'ask_what_is{"subject": {"a": 1}}'),     # H3's crash
    ('/ask_how_often{"subject": ["lanreotide","x"]}', 'ask_how_often{"subject": ["lanreotide","x"]}'),
    ('/ask_what_is{"subject": "no_such_subject"}', 'ask_what_is{"subject": "no_such_subject"}'),
    ('/ask_what_is{"name": "Jane"}', 'ask_what_is{"name": "Jane"}'),
    ('/restart', 'restart'), ('/session_start', 'session_start'), ('/greet@0.1', 'greet@0.1'),
    ('/not_an_intent', 'not_an_intent'), ('/ask_what_is{broken', 'ask_what_is{broken'),
    ('//greet', 'greet'), ('/ what is lanreotide', 'what is lanreotide'), ('/', ''),
])
def test_other_payloads_become_plain_words(payloads, text, plain):
    assert payloads.check(text) == plain


def test_plain_text_is_untouched(payloads):
    assert payloads.check("what is lanreotide / octreotide") == "what is lanreotide / octreotide"


def test_limits_come_from_settings_and_are_checked(tmp_path):
    limits = Limits.from_settings()
    assert limits.max_body_bytes == 16384 and limits.max_message_chars == 2000
    assert limits.per_address == Bucket(30, 60) and limits.per_conversation == Bucket(20, 30)
    assert limits.client_address_header == "X-Real-IP"
    base = "clinic: {name: X, nurse_line: '1', nurse_hours: 'always'}\n"
    for bad in ("{max_body_bytes: 0}", "{max_body_bytes: 'big'}", "{per_address: {burst: 5}}",
                "{per_conversation: {burst: 0, per_minute: 1}}", "{typo_limit: 3}",
                "{max_body_bytes: 100, max_message_chars: 200}", "{client_address_header: 'X Real'}"):
        path = tmp_path / "s.yml"
        path.write_text(base + f"limits: {bad}\n")
        with pytest.raises(SettingsError):
            Limits.from_settings(Settings.load(path))
