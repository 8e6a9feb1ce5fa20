"""How the triage verdict overrides the classifier (pure decision function)."""
import pytest

from bot.safety.overrides import DEMOTE, decide, demoted_ranking


@pytest.mark.parametrize("disposition,negated,predicted,forced", [
    ("none", False, "emergency", None),                      # sure classifier-only emergency stands
    ("emergency", False, "ask_what_is", "emergency"),        # red flag beats the classifier
    ("emergency", False, "nlu_fallback", "emergency"),       # ...and low confidence
    ("crisis", False, "distress", "emergency_crisis"),
    ("urgent", False, "ask_what_is", "urgent_symptom"),
    ("urgent", False, "emergency", "urgent_symptom"),        # a fever on chemo: the 24-hour line, not 999
    ("soon", False, "ask_what_is", "report_symptom"),
    ("soon", False, "emergency", "report_symptom"),          # classifier alone does not over-triage a concern
    ("none", True, "emergency", DEMOTE),                     # "no chest pain, ..."
    ("none", False, "ask_how_often", None),
    ("none", False, "urgent_symptom", "report_symptom"),     # the urgent reply needs a fever the phrases found
])
def test_decide(disposition, negated, predicted, forced):
    assert decide(disposition, negated, predicted) == forced


def test_unsure_classifier_only_emergency_is_demoted():
    assert decide("none", False, "emergency", 0.38) == DEMOTE
    assert decide("none", False, "emergency", 0.8) is None
    assert decide("emergency", False, "ask_what_is", 0.1) == "emergency"   # a red flag never needs confidence


def test_classifier_only_emergency_on_an_information_question_is_demoted():
    assert decide("none", False, "emergency_crisis", 0.9, info_question=True) == DEMOTE
    assert decide("crisis", False, "ask_what_for", 0.9, info_question=True) == "emergency_crisis"
    # a classifier-only symptom report that is a question about a subject is the question;
    # one the triage found stays a symptom report
    assert decide("none", False, "report_symptom", 0.9, info_question=True) == DEMOTE
    assert decide("none", False, "report_symptom", 0.9, info_question=False) is None
    assert decide("soon", False, "report_symptom", 0.9, info_question=True) == "report_symptom"


def test_demoted_question_about_a_subject_prefers_a_kind_of_question():
    ranking = [{"name": "emergency", "confidence": 0.38}, {"name": "report_symptom", "confidence": 0.23},
               {"name": "ask_who_for", "confidence": 0.18}]
    assert demoted_ranking(ranking, info_question=True)[0]["name"] == "ask_who_for"
    assert demoted_ranking(ranking, info_question=False)[0]["name"] == "report_symptom"


def test_classifier_only_emergency_the_patient_downplays_is_demoted():
    # "a dull ache under my right ribs on and off, nothing severe": no red-flag phrase
    assert decide("none", False, "emergency", 0.9, downplayed=True) == DEMOTE
    # a red-flag phrase always escalates, and a crisis is never downplayed
    assert decide("emergency", False, "emergency", 0.9, downplayed=True) == "emergency"
    assert decide("none", False, "emergency_crisis", 0.9, downplayed=True) is None


def test_downplay_words_are_read_from_the_content():
    from bot.safety.triage import Triage
    t = Triage.from_content()
    assert t.downplayed("had a dull ache under my ribs on and off, nothing severe")
    assert t.downplayed("Its NOT serious but my ankles are puffy")
    assert not t.downplayed("the pain is severe")


def test_everyday_reassurance_downplays_a_classifier_only_emergency():
    # these two flipped to a classifier-only 999 on one retrain; the patient's own words say
    # it is not urgent, and the symptom reply still says when to call 999
    from bot.safety.triage import Triage
    t = Triage.from_content()
    for text in ["Since my liver embolisation two weeks ago I've felt wiped out and I'm sleeping a lot. "
                 "No pain now and eating ok.",
                 "few spots of blood on the tissue when I wipe, probably piles I think. feel fine"]:
        assert t.check(text).disposition not in ("emergency", "crisis")
        assert t.downplayed(text)
    assert not t.downplayed("my husband collapsed and is not breathing")


def test_demoted_question_prefers_a_kind_of_question_over_not_covered():
    ranking = [{"name": "report_symptom", "confidence": 0.6}, {"name": "ask_not_covered", "confidence": 0.19},
               {"name": "ask_what_for", "confidence": 0.1}]
    names = [r["name"] for r in demoted_ranking(ranking, info_question=True)]
    assert names[0] == "ask_what_for" and "ask_not_covered" in names
