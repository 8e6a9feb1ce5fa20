"""Emergency phrases read in context (`context` in content/triage.yml, bot/safety/triage.py `_context`).

Something over and done with, or only imagined, gets the non-urgent symptom reply (which still
says when to call 999); a story gets neither. Anything still happening escalates as before.
"""
from __future__ import annotations

from datetime import date

import pytest

from bot.safety.triage import Triage


@pytest.fixture(scope="module")
def triage() -> Triage:
    return Triage.from_content()


@pytest.mark.parametrize("text", [
    "I passed out in the bath a fortnight ago, been fine since",       # recent + resolved
    "she had a fit at school last week but she's fine now",
    "had a tight chest after swimming yesterday, gone now",
    "When I had a seizure years ago that is how they found the tumour",  # long ago, same sentence
    "my uncle had a stroke in 1987, does it run in families",          # a past year
    "grandma collapsed when I was a child",
])
def test_over_and_done_with_is_a_concern_not_an_emergency(triage, text):
    v = triage.check(text)
    assert (v.level, v.context) == ("concern", "past"), v


@pytest.mark.parametrize("text", [
    "what should I do if I ever stop breathing properly",
    "I'm scared I'd faint on the train",
    "what if he collapses while I'm at work",
    "if someone has chest pain after the jab, what happens",
])
def test_imagined_is_a_concern_not_an_emergency(triage, text):
    v = triage.check(text)
    assert (v.level, v.context) == ("concern", "hypothetical"), v


@pytest.mark.parametrize("text", [
    "in my short story the hero collapses, is that realistic",
    "someone on the telly had a carcinoid crisis last night",
])
def test_a_story_is_not_an_emergency(triage, text):
    v = triage.check(text)
    assert (v.level, v.context) == ("none", "fiction"), v


@pytest.mark.parametrize("text", [
    "he collapsed last week and he's collapsed again now",      # ongoing word
    "fainted yesterday and still feel faint",
    "I fainted yesterday and my chest is crushing",             # nothing says it is over
    "had a stroke years ago. Now my face is drooping",          # the present sentence escalates
    "she had a fit last week and she is fitting right now",
    "passed out this morning, fine now, but now I cannot breathe",
    f"collapsed in {date.today().year}, still collapsing",
])
def test_still_happening_escalates(triage, text):
    assert triage.check(text).level == "emergency", text


def test_this_year_is_not_long_ago(triage):
    assert triage.check(f"I collapsed in {date.today().year}").level == "emergency"
    assert triage.check(f"I collapsed in {date.today().year - 1}").level == "concern"


def test_crisis_is_never_read_as_past_or_imagined(triage):
    assert triage.check("years ago I wanted to kill myself").level == "crisis"
    assert triage.check("what if I want to end my life").level == "crisis"


def test_context_makes_a_classifier_only_emergency_non_urgent():
    """SafetyTriage passes `downplayed` when the triage read a context: the classifier alone
    cannot call 999 on a story or on something that is over."""
    from bot.safety.overrides import DEMOTE, decide
    assert decide("none", False, "emergency", 0.9, downplayed=True) == DEMOTE
    assert decide("soon", False, "emergency", 0.9, downplayed=True) == "report_symptom"


@pytest.mark.parametrize("text", [
    "I'd been fine all week but this morning I collapsed",     # "fine" before the event: not over
    "was ok until last night when she passed out",
    "fine yesterday and then suddenly he collapsed",
])
def test_fine_before_the_event_does_not_make_it_over(triage, text):
    assert triage.check(text).level == "emergency", text


def test_backstory_then_a_question_gets_the_answer():
    from bot.safety.overrides import decide
    # "when I collapsed last year they found my NET. What drugs are there for pancreatic NETs?"
    assert decide("soon", False, "ask_who_for", 0.8, info_question=True, context="past") is None
    # without a question about a subject, or with no context, the symptom reply stays
    assert decide("soon", False, "ask_who_for", 0.8, info_question=False, context="past") == "report_symptom"
    assert decide("soon", False, "ask_who_for", 0.8, info_question=True, context=None) == "report_symptom"
    assert decide("soon", False, "emergency", 0.8, info_question=True, context="past") == "report_symptom"


@pytest.mark.parametrize("text,expected", [
    ("a bit of blood on the tissue once last week, not seen any since", True),   # over
    ("what if it happens on holiday", True),                                      # imagined
    ("blood on the tissue this morning", False),                                 # nothing says it is over
    ("fainted last week and still feel awful", False),
])
def test_context_counts_as_downplayed_for_a_classifier_only_emergency(triage, text, expected):
    assert triage.downplayed(text) is expected


@pytest.mark.parametrize("text", [
    # a story word anywhere used to calm an emergency happening now (found 2026-12-06)
    "I was watching something on tv when I suddenly got crushing chest pain",
    "I was watching a tv show and now I have crushing chest pain and can't breathe",
    "watching casualty with my husband and he just collapsed",
    # a pet nearby is not the one in trouble
    "my husband collapsed while walking the dog",
    "the dog found my husband collapsed in the garden",
])
def test_a_story_or_a_pet_does_not_calm_an_emergency_happening_to_a_person(triage, text):
    assert triage.check(text).level == "emergency"


@pytest.mark.parametrize("text", [
    "Grey's Anatomy had an anaphylaxis storyline last night - who plays the main surgeon in it?",
    "my cat had a seizure last week and the vet says it's epilepsy, what should I feed her",
    "my dog collapsed at the park yesterday, which vet is open on Sundays",
])
def test_a_story_or_a_pet_gets_no_emergency_reply(triage, text):
    assert triage.check(text).level == "none"


@pytest.mark.parametrize("text", [
    "My doctor said carcinoid heart disease can cause breathlessness and chest pain down the line. "
    "Which heart valves does it usually affect?",
    "If someone with carcinoid heart disease gets breathless, what treatments are there in general?",
])
def test_what_a_condition_can_cause_is_hypothetical(triage, text):
    v = triage.check(text)
    assert (v.level, v.context) == ("concern", "hypothetical"), v


def test_a_concern_happening_now_outranks_one_that_is_imagined(triage):
    v = triage.check("My ankles have been swollen for a week. If someone gets breathless what do they do?")
    assert (v.level, v.context) == ("concern", None), v


@pytest.mark.parametrize("text,level", [
    ("I had a mild heart attack 5 years ago and this feels exactly the same, started 20 min ago", "emergency"),
    ("heart beating really slow like 38 and I keep nearly passing out, I'm on my own", "emergency"),
    ("Doc said I have liver mets and I nearly fainted in the room.", "concern"),
])
def test_onset_minutes_ago_escalates_and_nearly_fainting_is_a_concern(triage, text, level):
    assert triage.check(text).level == level


def test_backstory_then_a_question_with_cue_words_is_the_question_whatever_the_classifier_said():
    from bot.safety.overrides import decide
    # "My husband had a stroke 3 years ago and recovered well. Now he has a pancreatic NET -
    # which newer drugs are licensed for that?" read by the classifier as a symptom report
    assert decide("soon", False, "report_symptom", 0.6, info_question=True, context="past",
                  cue="who_for") == "ask_who_for"
    # no cue words ("...what should I do?"): the symptom reply stays
    assert decide("soon", False, "report_symptom", 0.6, info_question=True, context="hypothetical") \
        == "report_symptom"
    # the classifier heard an emergency: the symptom reply stays
    assert decide("soon", False, "emergency", 0.8, info_question=True, context="past", cue="who_for") \
        == "report_symptom"
