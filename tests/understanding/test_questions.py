"""Several questions in one message, and yes/no or either/or questions (bot/understanding/questions.py)."""
import pytest

from bot.understanding.questions import either_or, elliptical, split, yes_no


def texts(message):
    return [p.text for p in split(message)]


@pytest.mark.parametrize("message, parts", [
    ("what does somatuline do and how long does each dose last", ["what does somatuline do", "how long does each dose last"]),
    ("1) what is the MDT 2) when do they meet", ["what is the MDT", "when do they meet"]),
    ("Q1 who gets heart valve damage Q2 which valve", ["who gets heart valve damage", "which valve"]),
    ("a) what's an ablation b) does it hurt", ["what's an ablation", "does it hurt"]),
    ("Is afinitor a tablet? What is it for?", ["Is afinitor a tablet?", "What is it for?"]),
    ("sandostatin: what is it, and who is it for", ["sandostatin: what is it", "who is it for"]),
    ("whats the octreoscan for? and the echo?", ["whats the octreoscan for?", "and the echo?"]),
])
def test_a_message_is_split_into_its_questions_in_order(message, parts):
    assert texts(message) == parts


def test_where_each_question_starts_is_kept():
    message = "what is TAE and how is it done"
    first, second = split(message)
    assert message[first.start:first.end] == "what is TAE"
    assert message[second.start:second.end] == "how is it done"


@pytest.mark.parametrize("message", [
    "what is lanreotide",
    "is it the tricuspid or the pulmonary valve",          # either/or, one question
    "how long can people stay well on the jabs",
    "My mum is 80 and has a NET. What can they do?",       # a story, then one question
    "tell me when and where",                               # "and" before a lone question word
    "I feel awful today, what is lanreotide",
])
def test_one_question_is_not_split(message):
    assert split(message) == []


@pytest.mark.parametrize("question", ["is lanreotide given weekly?", "does it harm the left valves",
                                      "Can surgery remove it all", "and is that the same for sutent?",
                                      "if it has spread, can they still operate", "so will I need it every day?"])
def test_yes_no_questions(question):
    assert yes_no(question)


@pytest.mark.parametrize("question", ["what is lanreotide", "how often is it given", "which valve is it",
                                      "tell me about surgery"])
def test_other_questions_are_not_yes_no(question):
    assert not yes_no(question)


def test_either_or_needs_a_yes_no_shape_and_or():
    assert either_or("is it a tablet or a jab")
    assert not either_or("is it a tablet")
    assert not either_or("what is better, a tablet or a jab")


def test_an_elliptical_question_has_no_question_word_of_its_own():
    assert elliptical("and afinitor?")
    assert elliptical("what about the echo")
    assert not elliptical("and how often is it given")
