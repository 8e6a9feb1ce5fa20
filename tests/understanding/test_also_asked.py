"""Which question, asked alongside a symptom, the bot answers after the symptom reply."""
import pytest

from bot.understanding.also_asked import AlsoAsked, question_part


@pytest.fixture(scope="module")
def also():
    return AlsoAsked()


@pytest.mark.parametrize("text, part", [
    ("will the injection help with the runs? I'm in the loo 8 times a day", "will the injection help with the runs?"),
    ("my husband gets breathless with his carcinoid heart disease, what treatment helps with that",
     "what treatment helps with that"),
    ("My heart was pounding - who actually decides what treatment I get?", "who actually decides what treatment I get?"),
    ("my legs are more swollen than they were", None),
    ("", None),
])
def test_question_part(text, part):
    assert question_part(text) == part


@pytest.mark.parametrize("text, subject, aspect, answered_subject", [
    ("will the injection help with the runs? I'm in the loo 8 times a day", "ssa", "what_for", "ssa"),
    ("my husband gets breathless with his carcinoid heart disease, what treatment helps with that",
     "chd", "how_treated", "chd"),
    ("Mum collapsed 5 years ago. Now she's stable. How long can people live with this?", None, "outlook", "prognosis"),
])
def test_clear_questions_are_found(also, text, subject, aspect, answered_subject):
    found = also.find(text, subject, None, subject_at=None)
    assert (found.aspect, found.subject) == (aspect, answered_subject)


@pytest.mark.parametrize("text, subject, uncovered", [
    ("I have more flushing than usual, is that normal?", "net", None),               # no cue words
    ("I feel sick after my lanreotide, should I stop taking it?", "lanreotide", None),  # a decision
    ("my tummy hurts since the jab, is that a side effect?", "ssa", "side_effects"),  # not covered
    ("my legs are puffy", None, None),                                              # nothing asked
])
def test_left_to_the_care_team(also, text, subject, uncovered):
    assert also.find(text, subject, uncovered) is None


def test_what_is_needs_the_subject_in_the_question(also):
    text = "my dads been on water tablets for his carcinoid heart but still breathless, whats usually the next step"
    assert also.find(text, "diuretics", None, subject_at=text.index("water")) is None
    text = "I've been breathless since starting it. What is lanreotide?"
    assert also.find(text, "lanreotide", None, subject_at=text.index("lanreotide")).aspect == "what_is"


def test_a_question_naming_the_subject_without_cue_words_gets_what_it_is(also):
    text = "My husband's been a bit more tired. Is valve replacement surgery often needed for carcinoid heart disease?"
    found = also.find(text, "valve_surgery", None, subject_at=text.index("valve"))
    assert (found.aspect, found.subject) == ("what_is", "valve_surgery")


def test_a_specific_what_is_cue_may_point_back(also):
    # "it" is the carcinoid heart disease named before; "which side" is not a generic "what's"
    text = "If I got palpitations, would that be carcinoid heart disease? Which side of the heart does it affect?"
    found = also.find(text, "chd", None, subject_at=text.index("carcinoid"))
    assert (found.aspect, found.subject) == ("what_is", "chd")


def test_naming_nets_in_general_is_not_a_question_about_them(also):
    text = "Two weeks ago I had a nosebleed, all fine since. Should I tell my NET team?"
    assert also.find(text, "net", None, subject_at=text.index("NET")) is None
