"""action_handle_miss: not understood or off topic. First offer the likeliest topics, then
say what the bot can help with and how to reach the NET nurse (a two-stage fallback)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import composer, context_subject, exception_safe, latest, replies, send
from bot import content
from bot.answers.replies import topic_buttons


class ActionHandleMiss(Action):
    def name(self) -> Text:
        return "action_handle_miss"

    @exception_safe
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        misses = float(tracker.get_slot("misses") or 0) + 1
        intent, entities, text = latest(tracker)
        comp = composer()
        if comp is not None and entities.get("uncovered_topic") and intent != "out_of_scope":
            # understood enough to be honest; but "can dogs eat grapes" names food without being
            # about NETs, and "my information does not cover diet" would be an odd reply
            send(dispatcher, comp.not_covered(entities["uncovered_topic"]))
            return [SlotSet("misses", 0.0)]
        meaning = comp.glossary(text) if comp is not None and not entities.get("subject") else None
        if meaning:  # "what does indolent mean": a medical word from the glossary
            send(dispatcher, meaning)
            return [SlotSet("misses", 0.0)]
        if misses >= 2 or comp is None:
            send(dispatcher, replies().messages("out_of_scope_again"))
            return [SlotSet("misses", 0.0)]
        if intent == "out_of_scope":
            msgs = replies().messages("out_of_scope")
            msgs[-1]["buttons"] = topic_buttons()
            send(dispatcher, msgs)
            return [SlotSet("misses", misses)]
        subject = entities.get("subject") or context_subject(tracker)
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        aspects = [r["name"][4:] for r in ranking if (r.get("name") or "").startswith("ask_")
                   and r["name"][4:] in content.aspects()]
        candidates = [(a, subject) for a in aspects[:2]] if subject else []
        buttons = comp.suggestions(candidates, text)
        msgs = replies().messages("clarify") if buttons else replies().messages("out_of_scope")
        msgs[-1]["buttons"] = buttons or topic_buttons()
        send(dispatcher, msgs)
        return [SlotSet("misses", misses)]
