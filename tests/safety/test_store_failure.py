"""With the conversation stores down, the channel's own reply still puts safety first."""
import pytest

from bot.answers.replies import Replies
from bot.safety.store_failure import TrackerUnavailable, TurnNotSaved, after_reply, fallback_reply
from bot.safety.triage import Triage


@pytest.fixture(scope="module")
def parts():
    return Replies(), Triage.from_content()


def texts(messages):
    return [m["text"] for m in messages]


@pytest.mark.parametrize("text", ["I have crushing chest pain right now", "my husband has collapsed and wont wake up"])
def test_emergency_first_then_cannot_look_up(parts, text):
    out = texts(fallback_reply(*parts, text))
    assert out[0].startswith("Call 999 now")
    assert "cannot look that up" in out[-1] and parts[0].settings.nurse_line in out[-1]


def test_crisis_first(parts):
    out = texts(fallback_reply(*parts, "my husband keeps saying he wants to kill himself"))
    assert "116 123" in out[0] and "cannot look that up" in out[-1]


def test_worrying_symptom_gets_the_symptom_reply_first(parts):
    out = texts(fallback_reply(*parts, "my ankles have been more swollen this week"))
    assert "get this checked in the next day or two" in out[0] and "cannot look that up" in out[-1]


def test_a_question_gets_only_cannot_look_up(parts):
    out = texts(fallback_reply(*parts, "how often is lanreotide given"))
    assert len(out) == 1 and "cannot look that up" in out[0] and "999" in out[0]


def test_a_turn_not_stored_is_said_after_the_answer(parts):
    replies = parts[0]
    assert "could not save" in texts(after_reply(replies, TurnNotSaved("x")))[0]
    assert after_reply(replies, None) == [] and after_reply(replies, TrackerUnavailable("x")) == []


def test_an_urgent_fever_gets_the_24_hour_line_first(parts):
    out = texts(fallback_reply(*parts, "on chemo and my temperature is 38.7"))
    assert "24-hour treatment helpline" in out[0] and "cannot look that up" in out[-1]
