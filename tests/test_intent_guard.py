import pytest

from bot.intent_guard import IntentGuard

RANKING = [{"name": "personal_advice"}, {"name": "ask_not_covered"}, {"name": "ask_who_for"},
           {"name": "ask_what_is"}]


@pytest.fixture(scope="module")
def guard():
    return IntentGuard()


@pytest.mark.parametrize("text,person", [
    ("should I stop my octreotide", True), ("can mum have surgery", True),
    ("how long has he got", True), ("I'm worried", True),
    ("can liver metastases be operated on", False), ("is everolimus licensed", False),
    ("items in the image", False),  # "i" inside words is not a person
])
def test_names_a_person(guard, text, person):
    assert guard.names_a_person(text) is person


def test_general_question_is_not_personal_advice(guard):
    assert guard.adjust("personal_advice", RANKING, "can liver metastases be operated on",
                        "surgery", None) == "ask_who_for"


def test_personal_question_stays_personal(guard):
    assert guard.adjust("personal_advice", RANKING, "can I have surgery", "surgery", None) is None


def test_not_covered_needs_an_uncovered_topic_when_a_subject_is_named(guard):
    ranking = [{"name": "ask_not_covered"}, {"name": "ask_how_treated"}]
    assert guard.adjust("ask_not_covered", ranking, "x", "chd", None) == "ask_how_treated"
    assert guard.adjust("ask_not_covered", ranking, "x", "chd", "diet") is None
    assert guard.adjust("ask_not_covered", ranking, "x", None, None) is None
