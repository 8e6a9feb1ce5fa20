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


@pytest.mark.parametrize("text", [
    "my legs are more swollen than they were",
    # the rule then runs the action that answers the question too: its failure must not
    # take the symptom reply with it
    "my wife is short of breath with her carcinoid heart disease. what treatments are there for it?",
])
def test_symptom_without_action_server(rasa_only, text):
    reply = rasa_only.say("down-" + uuid.uuid4().hex[:8], text)
    assert "01632 960 123" in text_of(reply) and "get this checked soon" in text_of(reply)


def test_answer_without_action_server_is_polite(rasa_only):
    reply = rasa_only.say("down-" + uuid.uuid4().hex[:8], "what is octreotide")
    assert reply and "nurse" in text_of(reply).lower()


def test_where_the_information_comes_from_without_action_server(rasa_only):
    body = text_of(rasa_only.say("down-" + uuid.uuid4().hex[:8], "how old is the information you give?"))
    assert "about 2011" in body
