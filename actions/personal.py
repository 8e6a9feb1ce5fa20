"""action_personal_advice: general facts plus "your team can advise on your situation"."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import composer, context_subject, exception_safe, latest, replies, send
from bot.understanding.follow_up import topic_follow_up


class ActionPersonalAdvice(Action):
    def name(self) -> Text:
        return "action_personal_advice"

    @exception_safe
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        comp = composer()
        if comp is None:
            send(dispatcher, replies().messages("personal"))
            return []
        _, entities, text = latest(tracker)
        # "Will she need an operation on it?" after "mum has carcinoid heart disease": the
        # topic in context says which operation (bot/understanding/follow_up.py)
        topic = topic_follow_up(entities.get("subject"), context_subject(tracker), tracker.get_slot("aspect"),
                                text, comp.kb.chain)
        subject = topic[0] if topic else entities.get("subject") or context_subject(tracker)
        if entities.get("uncovered_topic"):  # "can I have Lutathera": honest, then the team
            send(dispatcher, comp.personal(None)[:1] + comp.not_covered(entities["uncovered_topic"]))
            return []
        if comp.is_prognosis_question(text):  # "how long have I got?": its own reply (F10)
            send(dispatcher, comp.personal_outlook(comp.kb.answer("outlook", "prognosis")))
            return [SlotSet("subject", subject)] if subject else []
        if subject:
            general = comp.kb.answer("what_is", subject)
        else:
            general = None
        send(dispatcher, comp.personal(general))
        return [SlotSet("subject", subject)] if subject else []
