"""Rasa component wrapping the intent guard (bot/understanding/intent_guard.py, its rules in
bot/understanding/guard_rules.py); runs after the classifier. The rule that decided goes into
the parse data as `guard: {"rule": name}` (None when no rule applied)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.understanding.guard_rules import below, decide
from bot.understanding.intent_guard import CLOSE, IntentGuard


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class IntentGuardComponent(GraphComponent, IntentClassifier):
    def __init__(self, config: Dict[Text, Any]) -> None:
        self.guard = IntentGuard()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "IntentGuardComponent":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = message.get(INTENT_RANKING_KEY) or []
            ents = {e.get("entity"): e.get("value") for e in message.get(ENTITIES) or []}
            # where the (last) subject is named: a question after some feelings may name it
            at = max((e.get("start", -1) for e in message.get(ENTITIES) or [] if e.get("entity") == "subject"),
                     default=None)
            uncovered_at = next((e.get("start") for e in message.get(ENTITIES) or []
                                 if e.get("entity") == "uncovered_topic"), None)
            current = (message.get(INTENT) or {}).get("name")
            text = message.get(TEXT) or ""
            decision = decide(self.guard, current, ranking, text, ents.get("subject"),
                              ents.get("uncovered_topic"), subject_at=at, uncovered_at=uncovered_at)
            new, story = decision.result, decision.facts.story
            heard = decision.facts.heard_of and (new or (current, 0))[0] not in ("ask_not_covered", "personal_advice")
            if story and story[1] or heard:
                # the uncovered topic was only part of the story ("...loads of tests..."): the
                # question is answered, so the answer action must not see it
                message.set(ENTITIES, [e for e in message.get(ENTITIES) or [] if e.get("entity") != "uncovered_topic"],
                            add_to_output=True)
            drop = self.guard.implausible(ents.get("subject"), ents.get("uncovered_topic"))
            if new:
                chosen = {"name": new[0], "confidence": new[1]}
                message.set(INTENT, chosen, add_to_output=True)
                # the overruled guess leaves the ranking, so it cannot make the choice look
                # "ambiguous" to the FallbackClassifier
                rest = [r for r in ranking if r.get("name") not in (new[0], current) and r.get("name") not in drop]
                message.set(INTENT_RANKING_KEY, [chosen] + below(rest, chosen["confidence"] - CLOSE),
                            add_to_output=True)
            elif drop and any(r.get("name") in drop for r in ranking[1:]):
                message.set(INTENT_RANKING_KEY, ranking[:1] + [r for r in ranking[1:] if r.get("name") not in drop],
                            add_to_output=True)
            # what the rule overruled: "distress" tells the answer to say a word about feelings first
            message.set("guard", {"rule": decision.rule, **({"was": current} if new and new[0] != current else {})},
                        add_to_output=True)
        return messages

