"""action_answer: answer an aspect x subject question from the knowledge base."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import composer, guard, latest, replies, send
from bot import content
from bot.knowledge import OVERVIEW_ASPECTS

# Kinds of question that are about NETs as a whole: when the subject in context is general,
# their own default subject is the better one ("what does it depend on" -> the outlook).
GENERAL_SUBJECTS = {"net", "treatment", "prognosis"}
NET_LEVEL = {"outlook", "cure", "how_chosen"}


# "what about octreotide?", "and for surgery?": same kind of question, new subject
FOLLOW_UP = re.compile(r"^\W*(what about|how about|and|what of|same for)\b", re.I)
# "which NETs is it licensed for?" after "everolimus": the NETs are the answer asked for,
# "it" is still the subject in context
WHICH_KIND = re.compile(r"\b(which|what|all|every|any|only|just)\s+(kinds?\s+of\s+|types?\s+of\s+|sorts?\s+of\s+)?"
                        r"(nets?|neuroendocrine tumou?rs?|tumou?rs?|cancers?|patients|people)\b", re.I)
REFERS_BACK = re.compile(r"\b(it|they|them)\b", re.I)


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        comp = composer()
        if comp is None:
            send(dispatcher, replies().messages("kb_unavailable"))
            return []
        intent, entities, text = latest(tracker)
        meaning = None if entities.get("subject") or entities.get("uncovered_topic") else comp.glossary(text)
        if meaning and intent in ("ask_what_is", "ask_what_for", "ask_not_covered"):
            send(dispatcher, meaning)  # "what does indolent mean": the glossary's plain meaning
            return [SlotSet("misses", 0.0)]
        if intent == "ask_not_covered" or entities.get("uncovered_topic"):
            send(dispatcher, comp.not_covered(entities.get("uncovered_topic")))
            return [SlotSet("misses", 0.0)]
        aspect = intent[len("ask_"):] if intent and intent.startswith("ask_") else "what_is"
        if entities.get("subject") and tracker.get_slot("aspect") and FOLLOW_UP.match(text):
            aspect = tracker.get_slot("aspect")
        spec = content.aspects().get(aspect) or content.aspects()["what_is"]
        subject = entities.get("subject") or tracker.get_slot("subject") or spec.get("default_subject")
        if entities.get("subject") == "net" and tracker.get_slot("subject") \
                and WHICH_KIND.search(text) and REFERS_BACK.search(text):
            # "is it used for all NETs or just some": which NETs the subject in context is for
            subject, aspect = tracker.get_slot("subject"), "who_for"
            spec = content.aspects()["who_for"]
        if subject in GENERAL_SUBJECTS and spec.get("default_subject"):
            subject = spec["default_subject"]
        aspect, answer = self.choose(comp, aspect, subject, text) if subject else (aspect, None)
        if answer is None:
            send(dispatcher, replies().messages("clarify_subject"))
            return [SlotSet("misses", 0.0)]
        send(dispatcher, comp.answer(aspect, answer))
        return [SlotSet("subject", subject), SlotSet("aspect", aspect), SlotSet("misses", 0.0)]

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
