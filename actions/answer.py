"""action_answer: answer an aspect x subject question from the knowledge base."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import checks, composer, context_subject, exception_safe, guard, latest, replies, send
from bot import content
from bot.answers import provenance
from bot.answers.knowledge import OVERVIEW_ASPECTS
from bot.understanding.follow_up import GENERAL_SUBJECTS, NET_LEVEL, OPENER, subject_for, topic_follow_up
from bot.understanding.several import plan
from bot.understanding.text import questions_last_first

# "what about octreotide?", "and for surgery?": same kind of question, new subject
FOLLOW_UP = re.compile(r"^\W*(what about|how about|and|what of|same for)\b", re.I)
# a question that asks what something is
DEFINES = re.compile(r"^\W*(what('?s| is| are| does)|whats|explain)\b", re.I)


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    @exception_safe
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        comp = composer()
        if comp is None:
            send(dispatcher, replies().messages("kb_unavailable"))
            return []
        intent, entities, text = latest(tracker)
        # feelings first, then a question: a word about the feelings, then the answer
        ack = replies().messages("feelings_first") if ((tracker.latest_message or {}).get("guard") or {}).get(
            "was") == "distress" else []
        uncovered_at = next((e.get("start") for e in (tracker.latest_message or {}).get("entities") or []
                             if e.get("entity") == "uncovered_topic"), None)
        if entities.get("uncovered_topic") and intent != "ask_not_covered" and not guard().off_topic(text) \
                and (guard().only_in_story(text, uncovered_at)
                     or guard().heard_of(text, entities.get("subject"), entities["uncovered_topic"])):
            # "...she hates needles... how often are they given?": the uncovered topic was only
            # part of the story (when the phrase triage chose the intent, the guard did not see it)
            entities.pop("uncovered_topic")
        meaning = None if entities.get("uncovered_topic") else self.meaning(comp, entities.get("subject"), text)
        if meaning and intent in ("ask_what_is", "ask_what_for", "ask_not_covered"):
            send(dispatcher, ack + meaning)  # "what does indolent mean": the glossary's plain meaning
            return [SlotSet("misses", 0.0)]
        if intent == "ask_not_covered" or entities.get("uncovered_topic"):
            send(dispatcher, ack + comp.not_covered(entities.get("uncovered_topic")))
            return [SlotSet("misses", 0.0)]
        in_context = context_subject(tracker)
        several = self.several(comp, tracker, intent, entities.get("subject"), in_context, text)
        if several:
            send(dispatcher, ack + comp.several(several, first=not provenance.shown(tracker.events)))
            last = several[-1]
            return [SlotSet("subject", last.answer.subject), SlotSet("aspect", last.aspect), SlotSet("misses", 0.0)]
        aspect = self.aspect_of(intent, text, tracker, entities.get("subject"))
        why = {"intent": intent, "aspect": aspect}
        if entities.get("subject") and tracker.get_slot("aspect") and FOLLOW_UP.match(text):
            aspect = tracker.get_slot("aspect")
            why.update(aspect=aspect, aspect_from="last question")
        spec = content.aspects().get(aspect) or content.aspects()["what_is"]
        subject, forced = subject_for(entities.get("subject"), in_context, text, aspect)
        topic = topic_follow_up(entities.get("subject"), in_context, tracker.get_slot("aspect"), text, comp.kb.chain)
        if topic:  # "do they operate for that?" after carcinoid heart disease: valve surgery
            subject, forced = topic[0], topic[1] or forced
            why["follow_up"] = topic[2]
        if forced:
            aspect, spec = forced, content.aspects()[forced]
        subject = subject or spec.get("default_subject")
        if subject in GENERAL_SUBJECTS and spec.get("default_subject"):  # "what does it depend on": the outlook
            subject = spec["default_subject"]
        question = (questions_last_first(text) or [text])[0]
        named = self.named(tracker, subject)
        verdict = checks().find(question, named)
        if verdict:  # "is lanreotide a daily injection?": "No. ..." first, then the answer that settles it
            answer = checks().answer_for(verdict, named)
            aspect = answer.aspect if answer else aspect
            why["check"] = verdict.rule
        else:
            aspect, answer = self.choose(comp, aspect, subject, text) if subject else (aspect, None)
        if answer is None:
            send(dispatcher, ack + replies().messages("clarify_subject"))
            return [SlotSet("misses", 0.0)]
        why.update(answer_id=answer.id, subject=subject, exact=answer.exact)
        send(dispatcher, ack + comp.answer(aspect, answer, verdict.text if verdict else None, choice=why,
                                     first=not provenance.shown(tracker.events)))
        return [SlotSet("subject", subject), SlotSet("aspect", aspect), SlotSet("misses", 0.0)]

    @staticmethod
    def named(tracker: Tracker, subject: str | None) -> list[str]:
        """The subject the message is about, then every other one it names
        (bot/rasa_ext/components/question_parts.py), for the yes/no checks; NETs when it names none."""
        named = list((tracker.latest_message or {}).get("named_subjects") or [])
        named = ([subject] if subject else []) + [s for s in named if s != subject]
        return named or ["net"]  # "if it has spread do they treat it differently": NETs themselves

    def several(self, comp, tracker: Tracker, intent: str | None, subject: str | None,
                in_context: str | None, text: str):
        """The answers to several questions in one message, or None (bot/understanding/several.py)."""
        parts = (tracker.latest_message or {}).get("questions") or []
        if len(parts) < 2:
            return None
        intent_aspect = intent[len("ask_"):] if intent and intent[len("ask_"):] in content.aspects() else None
        planned = plan(parts, text, intent_aspect, subject, in_context, guard(), checks(),
                       lambda a, s, q: self.choose(comp, a, s, q), content.aspects(), comp.kb.chain)
        return planned if len(planned) >= 2 else None

    @staticmethod
    def meaning(comp, subject: str | None, text: str):
        """The glossary's plain meaning of a medical word: "what does indolent mean". When the
        word comes with "tumour" ("what is a functional tumour"), only for a question that asks
        what something is; any other subject's own answer says more."""
        if not subject:
            return comp.glossary(text)
        question = (questions_last_first(text) or [text])[0]
        if subject == "net" and DEFINES.search(question):
            return comp.glossary(question)
        return None

    @staticmethod
    def aspect_of(intent: str | None, text: str, tracker: Tracker, named: str | None = None) -> str:
        """The kind of question: the intent's, or for a follow-up question the dialogue sent
        here from a chat or "not understood" guess, the cue words', else the likeliest kind
        in the classifier's ranking, else the last kind asked; a follow-up opener ("and if
        not?") keeps the last kind asked."""
        cue = guard().cue_aspect(text)
        if not cue and OPENER.search(text) and tracker.get_slot("aspect") and not named:
            return tracker.get_slot("aspect")  # "what if that doesn't work?" after how it is treated
        if intent and intent.startswith("ask_") and intent[len("ask_"):] in content.aspects():
            return intent[len("ask_"):]
        if cue:
            return cue
        if OPENER.search(text) and tracker.get_slot("aspect"):
            return tracker.get_slot("aspect")  # "and if that's not possible?": the same kind
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        best = guard().best_aspect(ranking)
        return (best[len("ask_"):] if best else None) or tracker.get_slot("aspect") or "what_is"

    @staticmethod
    def choose(comp, aspect: str, subject: str, text: str):
        """(aspect, answer). The classifier's reading, unless cue words or the subject's own
        overview give an answer that is more about this subject than a distant parent's."""
        cue = guard().cue_aspect(text)
        if aspect in NET_LEVEL and cue == aspect:
            return aspect, comp.kb.answer(aspect, subject)
        readings = [aspect] + ([cue] if cue else []) + list(OVERVIEW_ASPECTS)
        found = comp.kb.closest(readings, subject)
        return found if found else (aspect, comp.kb.answer(aspect, subject))
