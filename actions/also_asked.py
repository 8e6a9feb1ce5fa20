"""action_answer_also_asked: after the symptom reply, answer the question the patient asked too.

The symptom reply is a domain response, sent first and without the action server; this runs
after it and says nothing unless bot.understanding.also_asked finds a clear question about a covered subject.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.services import composer, exception_safe, guard, latest, replies, send
from bot.answers import provenance
from bot.understanding.also_asked import AlsoAsked


class ActionAnswerAlsoAsked(Action):
    def name(self) -> Text:
        return "action_answer_also_asked"

    @exception_safe
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        _, entities, text = latest(tracker)
        subject_at = next((e.get("start") for e in (tracker.latest_message or {}).get("entities") or []
                           if e.get("entity") == "subject"), None)
        question = AlsoAsked(guard()).find(text, entities.get("subject"), entities.get("uncovered_topic"),
                                           subject_at=subject_at)
        comp = composer() if question else None
        if comp is None:
            return []
        meaning = ActionAnswer.meaning(comp, entities.get("subject"), question.text) \
            if question.aspect == "what_is" else None
        if meaning:
            send(dispatcher, replies().messages("also_asked") + meaning)
            return []
        aspect, answer = ActionAnswer.choose(comp, question.aspect, question.subject, question.text)
        if answer is None or not answer.exact:
            return []  # nothing the source says about exactly that: the care team, as already said
        send(dispatcher, replies().messages("also_asked")
             + comp.answer(aspect, answer, first=not provenance.shown(tracker.events)))
        return [SlotSet("subject", question.subject), SlotSet("aspect", aspect)]
