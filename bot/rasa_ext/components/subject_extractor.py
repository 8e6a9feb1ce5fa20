"""Rasa component: subjects from the spaCy entity ruler become entities, and are masked.

Masking replaces a subject's tokens with one placeholder lemma before featurisation, so the
classifier learns the KIND of question ("how often is X given") independent of X, and a
question about any subject is understood once the phrasing has been seen for one. The
placeholder names the subject's kind (`__drug__`, `__condition__`...; content/subjects.yml), as
"how often" means "how often is it given" for a drug but "how common" for a condition.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.content.spacy_pipeline import UNCOVERED
from bot.understanding.subjects import SubjectResolver
from bot.understanding.text import question_start

MASK = {"SUBJECT": "__subject__", UNCOVERED: "__topic__"}


def placeholder(label: str, kind: str | None) -> str:
    return f"__{kind}__" if label == "SUBJECT" and kind else MASK[label]


# Also a "featurizer" for Rasa's recipe: only tokenizers and featurizers process the training
# data when a model is trained. As an entity extractor alone, the training examples were never
# masked while every message at run time was, so "__subject__" was a word the classifier had
# never seen (tests/rasa_ext/test_subject_masking.py).
@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
                           DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SubjectExtractor(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"mask_tokens": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.config = config
        self.resolver = SubjectResolver()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SubjectExtractor":
        return cls(config)

    def _mask(self, message: Message, spans) -> None:
        for tok in message.get(TOKENS_NAMES[TEXT]) or []:
            for start, end, label, sid in spans:
                if sid not in self.resolver.unmasked and tok.start < end and tok.end > start:
                    tok.lemma = placeholder(label, self.resolver.kind.get(sid))

    def _resolve(self, message: Message):
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None:
            return None
        # in a message of several sentences, a subject named in the question comes first
        return self.resolver.resolve(doc, focus=question_start(message.get(TEXT) or ""))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        if self.config["mask_tokens"]:
            for example in training_data.training_examples:
                found = self._resolve(example)
                if found:
                    self._mask(example, found.spans)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            found = self._resolve(message)
            if not found:
                continue
            if self.config["mask_tokens"]:
                self._mask(message, found.spans)
            entities = []
            if found.subject:
                entities.append({"entity": "subject", "value": found.subject})
            if found.uncovered:
                entities.append({"entity": "uncovered_topic", "value": found.uncovered})
            focus = question_start(message.get(TEXT) or "") or 0
            for e in entities:  # span of the first match of that id (in the question, if there),
                # for Rasa's UIs and the guard; a parent chosen for two named children
                # ("somatuline or sandostatin") takes the first child's
                span = next((s for s in found.spans if s[3] == e["value"] and s[0] >= focus),
                            next((s for s in found.spans if s[3] == e["value"]), found.spans[0]))
                e.update(start=span[0], end=span[1], confidence_entity=1.0)
            message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(entities),
                        add_to_output=True)
        return messages
