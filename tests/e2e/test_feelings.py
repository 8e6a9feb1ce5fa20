"""Feelings first, then a question, over HTTP: a line about the feelings, then the answer; with
no NET subject in the question, the distress reply; crisis words, the crisis disposition."""
import uuid

from tests.e2e.harness import text_of


def test_feelings_then_a_question_in_one_sentence_get_both(stack):
    # the classifier reads both as distress; the guard sees the question at the end
    reply = stack.say(str(uuid.uuid4()), "I'm really upset that I need these injections at all, what are they even for?")
    assert reply[0]["text"].startswith("I am sorry this is hard")
    assert "tumour growth" in text_of(reply[1:])
    reply = stack.say(str(uuid.uuid4()), "my wife is so anxious and so am i, what kind of operation do people have for a NET")
    assert reply[0]["text"].startswith("I am sorry this is hard") and "urgery" in text_of(reply[1:])


def test_feelings_with_a_question_about_no_net_subject_get_the_distress_reply(stack):
    reply = stack.say(str(uuid.uuid4()), "I'm so scared, what is going to happen to me?")
    assert reply[0]["text"].startswith("I am sorry you feel like this")
