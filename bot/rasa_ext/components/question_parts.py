"""Rasa component: the questions in a message of several, each with the subject it names.

"what is octreotide and how common is carcinoid heart disease?" asks two things; the
classifier reads the whole message as one. This records where each question is and what it
is about (bot/understanding/questions.py splits, bot/understanding/subjects.py resolves each part), as `questions` in the
parse data, so the answer action can answer each one (nothing for a message of one question),
and every subject named, as `named_subjects`. It changes no intent and no entity.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.content.spacy_pipeline import SUBJECT
from bot.understanding.questions import split
from bot.understanding.subjects import SubjectResolver

QUESTIONS = "questions"
NAMED = "named_subjects"


def question_parts(doc, resolver: SubjectResolver) -> list[dict]:
    """[{start, end, subject, uncovered}] for each question of a message of several."""
    out = []
    for part in split(doc.text):
        span = doc.char_span(part.start, part.end, alignment_mode="expand")
        found = resolver.resolve(span.as_doc()) if span is not None and len(span) else None
        out.append({"start": part.start, "end": part.end,
                    "subject": found.subject if found else None,
                    "uncovered": found.uncovered if found else None})
    return out


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class QuestionParts(GraphComponent):
    def __init__(self, config: Dict[Text, Any]) -> None:
        self.resolver = SubjectResolver()

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "QuestionParts":
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            parts = question_parts(doc, self.resolver)
            if parts:
                message.set(QUESTIONS, parts, add_to_output=True)
            # every subject named, in order (the entity is only the one the message is about):
            # "is the octreoscan a heart scan?" names two, and a yes/no check may settle either
            named = list(dict.fromkeys(e.ent_id_ for e in doc.ents if e.label_ == SUBJECT))
            if named:
                message.set(NAMED, named, add_to_output=True)
        return messages
