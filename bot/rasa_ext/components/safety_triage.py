"""Rasa component: the deterministic safety triage overrides the intent classifier.

It runs last in the NLU pipeline, so a disposition (content/dispositions.yml) becomes its
intent (`emergency`, `emergency_crisis`, `urgent_symptom`, `report_symptom`) with confidence 1.0
whatever the classifier or the fallback said, and a rule answers it with a domain response: no
action server, no confidence threshold involved. The rule that decided is in the parse data.
When the triage's verdict forces, demotes or keeps the classifier's guess: bot/safety/overrides.py.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.safety.overrides import DEMOTE, DISPOSITION_INTENT, decide, demoted_ranking
from bot.safety.triage import shared_triage
from bot.understanding.intent_guard import IntentGuard
from bot.understanding.text import QUESTION


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyTriage(GraphComponent, IntentClassifier):
    def __init__(self, config: Dict[Text, Any]) -> None:
        self.triage = shared_triage()
        self.guard = IntentGuard()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyTriage":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            verdict = self.triage.check(message.get(TEXT) or "")
            current = message.get(INTENT) or {}
            predicted = current.get("name")
            ranking = message.get(INTENT_RANKING_KEY) or []
            text = message.get(TEXT) or ""
            named = any(e.get("entity") == "subject" for e in message.get(ENTITIES) or [])
            info_question = named and bool(QUESTION.search(text))
            cue = self.guard.cue_aspect(text) if verdict.context and info_question else None
            forced = decide(verdict.disposition, verdict.negated, predicted, current.get("confidence", 0.0),
                            info_question=info_question, context=verdict.context,
                            downplayed=self.triage.downplayed(text) or verdict.context is not None, cue=cue)
            if forced == DEMOTE:
                rest = demoted_ranking(ranking, info_question)
                intent = dict(rest[0]) if rest else {"name": "nlu_fallback", "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, rest or [intent], add_to_output=True)
            elif forced and forced != predicted:
                # a safety level is certain; a kind of question read from cue words is a reading
                intent = {"name": forced, "confidence": 1.0 if forced in DISPOSITION_INTENT.values() else 0.5}
                ranking = [r for r in ranking if r.get("name") != forced]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
            message.set("triage", {"disposition": verdict.disposition, "rule": verdict.rule,
                                   "level": verdict.level, "category": verdict.category,
                                   "situations": [c for c, _ in verdict.situations]},
                        add_to_output=True)
        return messages
