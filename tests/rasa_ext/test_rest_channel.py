"""The REST channel's input checks, without a server."""
import json

import pytest

from bot.rasa_ext.channels.rest import MAX_CHARS, GuardedRestInput, check_body


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


def test_another_language_gets_999_first_with_no_if(channel):
    answer = [{"text": "Sorry, I am not sure what you mean."}]
    reply = channel.with_safety_net("Mi madre no puede respirar y tiene los labios azules", answer)
    assert reply[0]["text"].startswith("Emergency? Call 999 now.") and reply[1:] == answer


def test_another_language_said_to_be_mild_keeps_the_if(channel):
    soon = channel.replies.messages("symptom")
    text = "Mi madre tiene más sofocos de lo normal, nothing else has changed, she is eating ok"
    reply = channel.with_safety_net(text, soon)
    assert reply[0]["text"].startswith("If this is an emergency") and reply[1:] == soon
    # a symptom word we could read does not soften it: the words we could not read may be worse
    for text in ["ma femme vomit du sang rouge, beaucoup. she has the NET", "Mi madre tiene más sofocos, her ankles are swollen"]:
        assert channel.with_safety_net(text, soon)[0]["text"].startswith("Emergency? Call 999 now.")


def test_a_reply_that_starts_with_999_is_left_alone(channel):
    emergency = channel.replies.messages("emergency")
    assert channel.with_safety_net("Mi madre no puede respirar, chest pain", emergency) == emergency
    assert channel.with_safety_net("what is lanreotide", [{"text": "x"}]) == [{"text": "x"}]


def test_long_message_with_a_fever_on_chemo_gets_the_24_hour_line(channel):
    reply = channel.local_reply("blah " * MAX_CHARS + " im on chemo and my temperature is 38.9")
    assert "24-hour treatment helpline" in reply[0]["text"] and "now" in reply[0]["text"]
