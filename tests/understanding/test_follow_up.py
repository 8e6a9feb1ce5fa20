"""Follow-up questions that lean on the subject in context (bot/understanding/follow_up.py), the policy that
sends them to the answer action, and the answers they get."""
import asyncio

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.personal import ActionPersonalAdvice
from bot import PROJECT_ROOT
from bot.rasa_ext.policies.recent_rules import follow_up_action
from bot.understanding.follow_up import FollowUp, Turn, subject_for, subject_in_context, topic_follow_up

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


@pytest.fixture(scope="module")
def follow_up():
    return FollowUp()


# ---------------------------------------------------------------- the subject in context
def test_the_latest_subject_answered_or_named_is_in_context():
    assert subject_in_context([Turn("user", "chd"), Turn("slot", "chd"), Turn("user", None)]) == "chd"
    # named by the user in a statement no answer followed ("my dad has carcinoid heart disease")
    assert subject_in_context([Turn("user", "lanreotide"), Turn("slot", "lanreotide"), Turn("user", "chd")]) == "chd"


def test_a_subject_from_long_ago_is_no_longer_in_context():
    history = [Turn("user", "chd"), Turn("slot", "chd")] + [Turn("user", None)] * 3
    assert subject_in_context(history, turns=3) is None
    assert subject_in_context(history[:-1], turns=3) == "chd"
    assert subject_in_context([]) is None


# ---------------------------------------------------------------- which messages are rerouted
@pytest.mark.parametrize("intent,text", [
    ("goodbye", "is it left or right side"),
    ("report_symptom", "is it used much"),
    ("nlu_fallback", "and if that's not possible?"),
    ("out_of_scope", "what's the proper long-term fix?"),
    ("bot_challenge", "is there a long acting version"),
    ("ask_capabilities", "who is in it?"),
    ("nlu_fallback", "can you tell me which side?"),
])
def test_a_follow_up_question_taken_for_chat_or_a_symptom_is_rerouted(follow_up, intent, text):
    assert follow_up.reroute(intent, text, "none", "chd")


@pytest.mark.parametrize("intent,text,level,context", [
    ("goodbye", "is it left or right side", "none", None),       # nothing in context
    ("goodbye", "ok bye then", "none", "chd"),                     # not a question
    ("ask_capabilities", "what else can you help with?", "none", "chd"),  # about the bot
    ("bot_challenge", "are you a real person?", "none", "chd"),
    ("report_symptom", "is it normal to feel this tired?", "none", "chd"),  # a symptom question
    ("report_symptom", "is my ankle swelling from it?", "none", "chd"),
    ("report_symptom", "could it be the reason for the bloating?", "none", "lanreotide"),
    ("report_symptom", "is it getting worse?", "concern", "chd"),  # the triage heard a symptom
    ("emergency", "is it a heart attack?", "emergency", "chd"),    # safety intents never
    ("distress", "why is this happening to us?", "none", "chd"),
    ("personal_advice", "should she have it?", "none", "chd"),
    ("ask_what_is", "what is it?", "none", "chd"),                 # already a question: the rules answer it
])
def test_chat_symptoms_and_safety_are_not_rerouted(follow_up, intent, text, level, context):
    assert not follow_up.reroute(intent, text, level, context)


def test_uncovered_or_off_topic_messages_are_not_rerouted(follow_up):
    assert not follow_up.reroute("out_of_scope", "what about my dog?", "none", "chd", off_topic=True)
    assert not follow_up.reroute("nlu_fallback", "and the side effects?", "none", "chd", uncovered=True)


# ---------------------------------------------------------------- which subject a follow-up is about
@pytest.mark.parametrize("named,context,text,aspect,expected", [
    (None, "sunitinib", "and the other new one?", None, ("everolimus", None)),
    (None, "octreotide", "what about the other one", None, ("lanreotide", None)),
    (None, "ablation", "and the other procedure?", None, ("embolisation", None)),
    (None, "chd", "is there any other treatment?", None, ("chd", None)),   # "any other" is not "the other"
    ("net", "echo", "why would someone with carcinoid need one", "what_for", ("echo", None)),
    ("treatment", "octreoscan", "what's that got to do with his treatment?", "what_for", ("octreoscan", None)),
    ("treatment", "chd", "so what can treatment still do in that situation?", "cure", ("treatment", None)),
    ("prognosis", "treatment_choice", "and what's the outlook for those", "outlook", ("prognosis", None)),
    ("net", "everolimus", "is it used for all NETs?", "who_for", ("everolimus", "who_for")),
    ("surgery", "chd", "can surgery fix it?", "how_treated", ("surgery", None)),  # a specific subject named
    ("net", None, "what is a NET?", "what_is", ("net", None)),
])
def test_the_subject_of_a_follow_up(named, context, text, aspect, expected):
    assert subject_for(named, context, text, aspect) == expected


# ---------------------------------------------------------------- the policy
def dialogue(*turns):
    """A Rasa tracker: (text, intent, subject entity, subject slot set by the answer) per turn."""
    t = DialogueStateTracker("x", DOMAIN.slots)
    t.update(ActionExecuted("action_listen"))
    for i, (text, intent, named, answered) in enumerate(turns):
        ents = [{"entity": "subject", "value": named, "start": 0, "end": 1}] if named else []
        t.update(UserUttered(text, {"name": intent, "confidence": 0.8}, ents,
                             parse_data={"triage": {"level": "none", "category": None}}))
        if i < len(turns) - 1:
            t.update(ActionExecuted("action_answer"))
            t.update(BotUttered("answer"))
            if answered:
                t.update(SlotSet("subject", answered))
            t.update(ActionExecuted("action_listen"))
    return t


def test_the_policy_sends_a_follow_up_to_the_answer_then_listens():
    t = dialogue(("which heart valves are affected by carcinoid", "ask_what_is", "chd", "chd"),
                 ("is it left or right side", "goodbye", None, None))
    assert follow_up_action(t) == "action_answer"
    t.update(ActionExecuted("action_answer"))
    assert follow_up_action(t) == "action_listen"


def test_the_policy_leaves_chat_and_first_messages_to_the_rules():
    assert follow_up_action(dialogue(("is it left or right side", "goodbye", None, None))) is None
    t = dialogue(("what is lanreotide", "ask_what_is", "lanreotide", "lanreotide"),
                 ("thanks, bye", "goodbye", None, None))
    assert follow_up_action(t) is None
    t = dialogue(("what is lanreotide", "ask_what_is", "lanreotide", "lanreotide"),
                 ("how often is it given", "ask_how_often", None, None))
    assert follow_up_action(t) is None  # a question the rules already answer


# ---------------------------------------------------------------- the answers
def sdk_tracker(turns, latest_text, intent, ranking=(), entities=()):
    events = []
    for text, named, answered in turns:
        ents = [{"entity": "subject", "value": named}] if named else []
        events.append({"event": "user", "text": text, "parse_data": {"entities": ents}})
        if answered:
            events.append({"event": "slot", "name": "subject", "value": answered})
    latest = {"text": latest_text, "intent": {"name": intent, "confidence": 0.6},
              "entities": list(entities), "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}
    events.append({"event": "user", "text": latest_text, "parse_data": latest})
    slots = {"subject": next((a for _, _, a in reversed(turns) if a), None), "aspect": None, "misses": 0.0}
    return Tracker("t", slots, latest, events, False, None, {}, "action_listen")


def run(action, tracker):
    d = CollectingDispatcher()
    events = asyncio.run(action.run(d, tracker, {}))
    return events, "\n".join(m.get("text") or "" for m in d.messages)


def test_which_side_after_the_valves_is_answered_about_the_heart():
    t = sdk_tracker([("which heart valves are affected by carcinoid", "chd", "chd")],
                    "is it left or right side", "goodbye", [("goodbye", 0.7), ("ask_what_is", 0.1)])
    events, text = run(ActionAnswer(), t)
    assert "right side" in text
    assert {"event": "slot", "timestamp": None, "name": "subject", "value": "chd"} in events


def test_the_other_one_after_sunitinib_is_everolimus():
    t = sdk_tracker([("tell me about sunitinib", "sunitinib", "sunitinib")],
                    "and the other new one?", "nlu_fallback", [("nlu_fallback", 1.0), ("ask_what_is", 0.2)])
    _, text = run(ActionAnswer(), t)
    assert "everolimus" in text.lower()


def test_a_subject_named_in_a_statement_is_the_context_of_the_next_question():
    # "my dad has carcinoid heart disease" got a symptom or personal reply: no answer set the slot
    t = sdk_tracker([("my dad has carcinoid heart disease", "chd", None)],
                    "what do they treat it with", "ask_how_treated", [("ask_how_treated", 0.8)])
    _, text = run(ActionAnswer(), t)
    assert "diuretic" in text.lower()


def test_an_uncovered_topic_only_in_the_story_does_not_stop_the_answer():
    text = ("My mum hates needles and worries about them. "
            "Why do they use the long-acting ones now, and how often are they given?")
    at = text.index("needles")
    t = sdk_tracker([], text, "ask_how_often", [("ask_how_often", 0.8)],
                    [{"entity": "subject", "value": "ssa", "start": 70, "end": 80},
                     {"entity": "uncovered_topic", "value": "injections", "start": at, "end": at + 7}])
    _, reply = run(ActionAnswer(), t)
    assert "3–4 weeks" in reply


def test_personal_advice_uses_the_subject_in_context_for_the_general_facts():
    t = sdk_tracker([("My mum has just been diagnosed with carcinoid heart disease.", "chd", None)],
                    "Will she need an operation on it eventually?", "personal_advice", [("personal_advice", 0.8)])
    _, text = run(ActionPersonalAdvice(), t)
    assert "valve" in text.lower() and "team" in text.lower()


@pytest.mark.parametrize("named,context,text,expected", [
    ("chd", "diuretic", "why would someone with carcinoid heart disease take one?", "diuretic"),
    ("chd", "echo", "and why is it used for carcinoid heart disease?", "echo"),
    ("chd", "lanreotide", "what is carcinoid heart disease?", "chd"),       # no pointer: the new subject
    (None, "octreoscan", "what else is taken into account?", "treatment_choice"),  # the parent
])
def test_a_condition_pointing_back_and_what_else(named, context, text, expected):
    assert subject_for(named, context, text)[0] == expected


@pytest.mark.parametrize("named,context,text,expected", [
    ("lanreotide", None, "any other drugs apart from lanreotide?", "drug_therapy"),
    ("ssa", None, "except the injection, which other medicine exist?", "drug_therapy"),
    (None, "octreotide", "are there alternatives to it?", "drug_therapy"),
    ("lanreotide", None, "what does lanreotide do?", "lanreotide"),
])
def test_other_drugs_apart_from_one_is_the_drug_overview(named, context, text, expected):
    assert subject_for(named, context, text)[0] == expected


def test_a_broad_drug_word_pointing_back_keeps_the_drug_in_context():
    assert subject_for("drug_therapy", "lanreotide", "what is that medicine actually for?", "what_for")[0] \
        == "lanreotide"
    assert subject_for("drug_therapy", None, "what medicines are there?", "what_is")[0] == "drug_therapy"


# ---------------------------------------------------------------- issue 18: the topic in context
@pytest.mark.parametrize("named, in_context, last_aspect, text, expected", [
    ("surgery", "chd", "what_is", "would they operate on that", ("valve_surgery", None, "topic:surgery->valve_surgery")),
    ("drug_therapy", "valve_surgery", "what_is", "are there tablets for it too", ("diuretic", None, "topic:drug_therapy->diuretic")),
    (None, "echo", "what_is", "say it shows damage, what then?", ("chd", "how_treated", "then:echo")),
    (None, "chd", "how_diagnosed", "and what happens next", ("chd", "how_treated", "then:chd")),
    (None, "surgery", "who_for", "and if they cannot do that?", ("liver", "how_treated", "then:surgery")),
    ("drug_therapy", "chd", "how_treated", "what if the tablets stop helping", ("valve_surgery", "what_is", "then:diuretic")),
    ("octreotide", "lanreotide", "how_often", "is it the same for sandostatin?", ("octreotide", "how_often", "same")),
    (None, "prognosis", "outlook", "is that the same once it has spread?", ("prognosis", "outlook", "same")),
])
def test_a_follow_up_follows_the_topic_in_context(kb, named, in_context, last_aspect, text, expected):
    assert topic_follow_up(named, in_context, last_aspect, text, kb.chain) == expected


@pytest.mark.parametrize("named, in_context, text", [
    (None, None, "what then?"),                          # nothing in context
    (None, "lanreotide", "how often?"),                   # an ordinary follow-up
    ("surgery", "liver", "can they operate on it"),       # no topic word for the liver
    ("octreotide", "echo", "what then with octreotide"),  # a new specific subject is asked about
])
def test_no_topic_follow_up(kb, named, in_context, text):
    assert topic_follow_up(named, in_context, None, text, kb.chain) is None
