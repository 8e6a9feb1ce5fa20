"""The REST channel's input checks, without a server."""
import json

import pytest

from bot.channel import MAX_CHARS, GuardedRestInput, check_body


@pytest.mark.parametrize("raw,reason", [
    (b"not json", "JSON"),
    (b"[1,2]", "object"),
    (b'{"message": "hi"}', "sender"),
    (b'{"sender": "a b c", "message": "hi"}', "sender"),
    (b'{"sender": "' + b"x" * 200 + b'", "message": "hi"}', "sender"),
    (b'{"sender": "abc", "message": 5}', "message"),
    (b'{"sender": "abc", "message": "hi", "metadata": "x"}', "metadata"),
    (b"\xff\xfe", "JSON"),
])
def test_bad_bodies_get_a_reason(raw, reason):
    body, problem = check_body(raw)
    assert body is None and reason in problem


def test_good_body():
    body, problem = check_body(json.dumps({"sender": "5f1c-ab", "message": "hi"}).encode())
    assert problem is None and body["message"] == "hi"


@pytest.fixture(scope="module")
def channel():
    return GuardedRestInput()


def test_empty_message_gets_a_prompt(channel):
    reply = channel.local_reply("   ")
    assert reply and "type a question" in reply[0]["text"]


def test_long_message_gets_polite_reply(channel):
    reply = channel.local_reply("lanreotide " * (MAX_CHARS // 5))
    assert "too long" in reply[0]["text"]


def test_long_message_with_emergency_gets_emergency_first(channel):
    reply = channel.local_reply("blah " * MAX_CHARS + " and now I have crushing chest pain")
    assert reply[0]["text"].startswith("Call 999 now")


def test_normal_message_passes_through(channel):
    assert channel.local_reply("what is lanreotide") is None
