"""Rasa component: the deterministic safety triage overrides the intent classifier.

It runs last in the NLU pipeline, so a red flag becomes intent `emergency` (or
`emergency_crisis`) with confidence 1.0 whatever the classifier or the fallback said, and a
rule answers it with a domain response: no action server, no confidence threshold involved.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.triage import Triage

# triage level -> intent the rules answer
LEVEL_INTENT = {"crisis": "emergency_crisis", "emergency": "emergency", "concern": "report_symptom"}
EMERGENCY_INTENTS = {"emergency", "emergency_crisis"}


def decide(level: str, negated: bool, predicted: str | None) -> str | None:
    """The intent to force, or None to keep the classifier's. Pure, for tests."""
    if level in LEVEL_INTENT:
        return LEVEL_INTENT[level]
    if negated and predicted in EMERGENCY_INTENTS:
        # "no chest pain, just asking about lanreotide": the classifier saw the red-flag
        # words; the triage saw the negation. Not an emergency; the rest of the message is
        # not known, so fall back rather than guess.
        return "nlu_fallback"
    return None  # includes a classifier-only emergency: when in doubt, escalate


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyTriage(GraphComponent, IntentClassifier):
    def __init__(self, config: Dict[Text, Any]) -> None:
        self.triage = Triage.from_content()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyTriage":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            verdict = self.triage.check(message.get(TEXT) or "")
            predicted = (message.get(INTENT) or {}).get("name")
            forced = decide(verdict.level, verdict.negated, predicted)
            if forced and forced != predicted:
                intent = {"name": forced, "confidence": 1.0}
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != forced]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
            message.set("triage", {"level": verdict.level, "category": verdict.category},
                        add_to_output=True)
        return messages
