"""Each action against tracker fixtures: the exact events returned and what is said."""
import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.miss import ActionHandleMiss
from actions.personal import ActionPersonalAdvice


def run(action, tracker):
    d = CollectingDispatcher()
    events = asyncio.run(action.run(d, tracker, {}))
    return events, d.messages


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def answer_id(messages):
    ids = [m["custom"]["answer_id"] for m in messages if (m.get("custom") or {}).get("answer_id")]
    return ids[0] if ids else None


def slot(name, value):
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def test_answer_sets_subject_and_cites_source(tracker, kb):
    events, msgs = run(ActionAnswer(), tracker("what_is_lanreotide"))
    assert events == [slot("subject", "lanreotide"), slot("aspect", "what_is"), slot("misses", 0.0)]
    assert answer_id(msgs) == kb.answer("what_is", "lanreotide").id
    assert "lanreotide" in texts(msgs).lower()
    assert "Next step:" in texts(msgs) and "Source:" in texts(msgs)


def test_follow_up_uses_subject_in_context(tracker, kb):
    events, msgs = run(ActionAnswer(), tracker("followup_how_often"))
    assert events == [slot("subject", "lanreotide"), slot("aspect", "how_often"), slot("misses", 0.0)]
    assert "3–4 weeks" in texts(msgs)


def test_follow_up_how_checked_is_echo(tracker):
    events, msgs = run(ActionAnswer(), tracker("followup_diagnosed_chd"))
    assert events == [slot("subject", "chd"), slot("aspect", "how_diagnosed"), slot("misses", 0.0)]
    assert "echo" in texts(msgs).lower()


def test_uncovered_topic_says_so_and_keeps_subject(tracker):
    events, msgs = run(ActionAnswer(), tracker("side_effects"))
    assert events == [slot("misses", 0.0)]
    body = texts(msgs).lower()
    assert "does not cover side effects" in body and "nurse" in body


def test_no_subject_asks_which_topic(tracker):
    events, msgs = run(ActionAnswer(), tracker("no_subject"))
    assert events == [slot("misses", 0.0)]
    assert msgs[-1]["buttons"], "offers topic buttons"


def test_aspect_default_subject(tracker, kb):
    events, msgs = run(ActionAnswer(), tracker("outlook_default"))
    assert events == [slot("subject", "prognosis"), slot("aspect", "outlook"), slot("misses", 0.0)]
    assert answer_id(msgs) == kb.answer("outlook", "prognosis").id


def test_personal_prognosis_gives_general_outlook_and_team(tracker, kb):
    events, msgs = run(ActionPersonalAdvice(), tracker("personal_prognosis"))
    assert events == []
    body = texts(msgs)
    outlook = kb.answer("outlook", "prognosis")
    # F10: it acknowledges the question first, never opens with a refusal about treatment
    assert msgs[0]["text"].startswith("That is a big question")
    assert "do not change or stop a treatment" not in body
    assert outlook.text in body and outlook.next_step in body  # "When you feel ready..."
    assert "talk it through" in body and "Samaritans" in body  # the team, and support


def test_personal_dose_never_answers_yes_or_no(tracker):
    events, msgs = run(ActionPersonalAdvice(), tracker("personal_dose"))
    assert events == [slot("subject", "octreotide")]
    body = texts(msgs)
    assert "cannot tell you what is right for you" in body
    assert not any(body.lower().startswith(w) for w in ("yes", "no"))


def test_first_miss_off_topic_redirects(tracker):
    events, msgs = run(ActionHandleMiss(), tracker("out_of_scope"))
    assert events == [slot("misses", 1.0)]
    assert "only help with questions about NET" in texts(msgs)
    assert msgs[-1]["buttons"]


def test_off_topic_message_naming_an_uncovered_topic_is_still_off_topic(tracker):
    latest = {"text": "can dogs eat grapes", "intent": {"name": "out_of_scope", "confidence": 0.85},
              "entities": [{"entity": "uncovered_topic", "value": "diet"}],
              "intent_ranking": [{"name": "out_of_scope", "confidence": 0.85}]}
    events, msgs = run(ActionHandleMiss(), tracker("out_of_scope", latest_message=latest))
    assert "only help with questions about NET" in texts(msgs)
    assert "does not cover" not in texts(msgs)
    # a miss that is not chat, naming an uncovered topic, is answered honestly
    latest = dict(latest, text="lanreotide and grapefruit", intent={"name": "nlu_fallback", "confidence": 0.3})
    events, msgs = run(ActionHandleMiss(), tracker("out_of_scope", latest_message=latest))
    assert "does not cover diet" in texts(msgs)


def test_second_miss_offers_the_nurse(tracker):
    events, msgs = run(ActionHandleMiss(), tracker("out_of_scope_second"))
    assert events == [slot("misses", 0.0)]
    from bot.settings import Settings
    assert Settings.load().nurse_line in texts(msgs)


def test_fallback_offers_two_likeliest(tracker, kb):
    events, msgs = run(ActionHandleMiss(), tracker("fallback_with_subject"))
    assert events == [slot("misses", 1.0)]
    payloads = [b["payload"] for b in msgs[-1]["buttons"]]
    assert payloads[0] == '/ask_how_often{"subject":"lanreotide"}'
    assert len(payloads) == 2


def test_actions_degrade_politely_without_knowledge_base(tracker, monkeypatch):
    import actions.services as services
    monkeypatch.setattr(services, "composer", lambda: None)
    monkeypatch.setattr("actions.answer.composer", lambda: None)
    events, msgs = run(ActionAnswer(), tracker("what_is_lanreotide"))
    assert events == []
    assert "cannot look that up" in texts(msgs)


def test_personal_question_about_uncovered_topic_is_honest(tracker):
    events, msgs = run(ActionPersonalAdvice(), tracker("personal_uncovered"))
    assert events == []
    body = texts(msgs)
    assert "cannot tell you what is right for you" in body
    assert "does not cover PRRT" in body and "nurse" in body


def test_what_about_keeps_the_kind_of_question(tracker):
    t = tracker("what_is_lanreotide", slots={"subject": "lanreotide", "aspect": "how_often", "misses": 0.0})
    t.latest_message["text"] = "what about sandostatin?"
    t.latest_message["entities"] = [{"entity": "subject", "value": "octreotide"}]
    events, msgs = run(ActionAnswer(), t)
    assert events == [slot("subject", "octreotide"), slot("aspect", "how_often"), slot("misses", 0.0)]
    assert "3–4 weeks" in texts(msgs)


def _asking(text, intent):
    return {"text": text, "intent": {"name": intent, "confidence": 0.4}, "entities": [],
            "intent_ranking": [{"name": intent, "confidence": 0.4}]}


def test_meaning_of_a_medical_word_comes_from_the_glossary(tracker, kb):
    events, msgs = run(ActionAnswer(), tracker("no_subject", latest_message=_asking("what does indolent mean", "ask_what_is")))
    assert events == [slot("misses", 0.0)]
    assert texts(msgs).startswith('"indolent": ') and kb.glossary("indolent") in texts(msgs)
    assert "nurse" in texts(msgs).lower()
    # not understood by the classifier at all: the fallback still knows the word
    events, msgs = run(ActionHandleMiss(), tracker("no_subject", latest_message=_asking("what is a lesion", "nlu_fallback")))
    assert events == [slot("misses", 0.0)] and kb.glossary("lesion") in texts(msgs)


def test_a_glossary_word_in_a_question_that_is_not_about_its_meaning_is_not_a_definition(tracker):
    events, msgs = run(ActionAnswer(), tracker("no_subject", latest_message=_asking("how often is it given if it is indolent", "ask_how_often")))
    assert "indolent" not in texts(msgs)


def test_which_nets_is_it_for_keeps_the_subject_in_context(tracker, kb):
    # "everolimus" then "which NETs is it licensed for?": "it" is everolimus; the NETs are
    # what is asked for, so the answer is about everolimus, not NETs in general
    t = tracker("what_is_lanreotide", slots={"subject": "everolimus", "aspect": "what_is", "misses": 0.0})
    t.latest_message["text"] = "which NETs is it licensed for?"
    t.latest_message["intent"] = {"name": "ask_who_for", "confidence": 0.9}
    t.latest_message["entities"] = [{"entity": "subject", "value": "net"}]
    events, msgs = run(ActionAnswer(), t)
    assert events[0] == slot("subject", "everolimus")
    assert "pancrea" in texts(msgs).lower()


def test_which_nets_without_a_pronoun_is_about_nets(tracker):
    t = tracker("what_is_lanreotide", slots={"subject": "everolimus", "aspect": "what_is", "misses": 0.0})
    t.latest_message["text"] = "which NETs grow slowly?"
    t.latest_message["intent"] = {"name": "ask_what_is", "confidence": 0.9}
    t.latest_message["entities"] = [{"entity": "subject", "value": "net"}]
    events, _ = run(ActionAnswer(), t)
    assert events[0] == slot("subject", "net")


def test_all_nets_or_just_some_asks_who_the_subject_in_context_is_for(tracker):
    # the classifier may call it "what is"; the question is which NETs everolimus is for
    t = tracker("what_is_lanreotide", slots={"subject": "everolimus", "aspect": "what_is", "misses": 0.0})
    t.latest_message["text"] = "is it used for all NETs or just some"
    t.latest_message["intent"] = {"name": "ask_what_is", "confidence": 0.6}
    t.latest_message["entities"] = [{"entity": "subject", "value": "net"}]
    events, msgs = run(ActionAnswer(), t)
    assert events[0] == slot("subject", "everolimus")
    assert slot("aspect", "who_for") in events
    assert "pancrea" in texts(msgs).lower()


def test_symptom_with_a_question_gets_the_answer_after_the_symptom_reply(tracker):
    from actions.also_asked import ActionAnswerAlsoAsked
    events, msgs = run(ActionAnswerAlsoAsked(), tracker("symptom_with_question"))
    assert events == [slot("subject", "chd"), slot("aspect", "how_treated")]
    body = texts(msgs)
    assert body.startswith("You also asked a question.")
    assert "diuretics" in body and "Source:" in body


@pytest.mark.parametrize("name", ["symptom_only", "symptom_decision"])
def test_symptom_without_a_plain_question_adds_nothing(tracker, name):
    from actions.also_asked import ActionAnswerAlsoAsked
    assert run(ActionAnswerAlsoAsked(), tracker(name)) == ([], [])


def test_first_answer_of_a_conversation_says_how_old_the_source_is(tracker):
    from bot.answers import provenance
    _, first = run(ActionAnswer(), tracker("what_is_lanreotide"))
    assert "written in about 2011" in texts(first) and "put online in 2020" in texts(first)
    assert first[-1]["custom"][provenance.MARK] is True
    # a later answer in the same conversation does not repeat it
    shown = [{"event": "bot", "text": first[-1]["text"], "data": {"custom": first[-1]["custom"]}}]
    _, later = run(ActionAnswer(), tracker("what_is_lanreotide", events=shown))
    assert "written in about" not in texts(later) and "Source: one article about NET treatment" in texts(later)
    # a new session starts over
    again = shown + [{"event": "session_started"}]
    _, new = run(ActionAnswer(), tracker("what_is_lanreotide", events=again))
    assert "written in about 2011" in texts(new)


def test_answer_shows_the_meaning_of_medical_words_it_links(kb):
    from bot.answers.composer import Composer
    from bot.answers.replies import Replies
    msgs = Composer(kb, Replies()).answer("what_is", kb.answer("what_is", "targeted_drugs"))
    assert msgs[1]["text"].startswith("What the words mean:")
    assert "mTOR inhibitor: A kind of medicine that blocks a protein called mTOR" in msgs[1]["text"]


def test_feelings_first_then_the_answer(tracker, kb):
    """The guard overruled a distress reading for the question at the end ("I'm upset I have to
    have them at all, what are they even for?"): one line about the feelings, then the answer."""
    latest = {"text": "I'm upset I have to have the injections at all, what are they even for?",
              "intent": {"name": "ask_what_for", "confidence": 0.99},
              "entities": [{"entity": "subject", "value": "ssa", "start": 31}],
              "intent_ranking": [{"name": "ask_what_for", "confidence": 0.99}],
              "guard": {"rule": "distress_then_question", "was": "distress"}}
    _, msgs = run(ActionAnswer(), tracker("what_is_lanreotide", latest_message=latest))
    assert msgs[0]["text"].startswith("I am sorry this is hard") and "nurse" in msgs[0]["text"]
    assert answer_id(msgs) == kb.answer("what_for", "ssa").id
    # without the guard's record, no such line
    _, plain = run(ActionAnswer(), tracker("what_is_lanreotide", latest_message={**latest, "guard": {"rule": None}}))
    assert not plain[0]["text"].startswith("I am sorry") and answer_id(plain) == answer_id(msgs)
