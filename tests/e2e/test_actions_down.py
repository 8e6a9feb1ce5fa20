"""The emergency reply must not depend on the action server: start Rasa without it."""
import uuid

import pytest

from tests.e2e.harness import Stack, text_of


@pytest.fixture(scope="module")
def rasa_only():
    s = Stack(actions=False)
    s.start()
    yield s
    s.stop()


@pytest.mark.parametrize("text", [
    "I have crushing chest pain",
    "what is lanreotide? also I cant breath",
    "i want to kill myself",
])
def test_emergency_without_action_server(rasa_only, text):
    reply = rasa_only.say("down-" + uuid.uuid4().hex[:8], text)
    assert "999" in reply[0]["text"]


def test_symptom_without_action_server(rasa_only):
    reply = rasa_only.say("down-" + uuid.uuid4().hex[:8], "my legs are more swollen than they were")
    assert "01234 567 890" in text_of(reply)


def test_answer_without_action_server_is_polite(rasa_only):
    reply = rasa_only.say("down-" + uuid.uuid4().hex[:8], "what is octreotide")
    assert reply and "nurse" in text_of(reply).lower()
