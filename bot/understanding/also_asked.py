"""The question a patient asks after describing a symptom.

"My wife is short of breath with her carcinoid heart disease... What treatments are there for
it?" gets the symptom reply first (a domain response: it needs no action server). Then this
finds the question, so the answer action can answer it too. Only a question with clear cue
words (content/aspects.yml) about a covered subject is answered. A question about a person's
own decision ("should I take more?") or an uncovered topic is left to the care team, which the
symptom reply already names. Plain Python, no Rasa.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot import content
from bot.understanding.follow_up import GENERAL_SUBJECTS
from bot.understanding.intent_guard import IntentGuard
from bot.understanding.text import sentences

# a clause that asks something: "..., what treatment helps with that"
CLAUSE = re.compile(r"(?:^|[,;:(]|\s[-–]\s)\s*((?:what|whats|what's|how|which|who|why|can|could|is|are|does|do|will"
                    r"|would)\b[^,;:]*)$", re.I)


WHAT = re.compile(r"\W*(what|whats|what's)\b", re.I)


@dataclass(frozen=True)
class Question:
    text: str      # the question sentence or clause
    aspect: str    # the kind of question, from its cue words
    subject: str   # the covered subject it is about


def question_part(text: str) -> str | None:
    """The last sentence that ends with "?" (from its last clause that starts with a question
    word, if any), else such a clause at the end; None when nothing is asked."""
    found = sentences(text)
    asked = [s for s in found if s.endswith("?")]
    if asked:  # "My heart was pounding - who decides what treatment I get?": from "who"
        clause = CLAUSE.search(asked[-1].rstrip("? "))
        return clause.group(1).strip() + "?" if clause else asked[-1]
    if not found:
        return None
    clause = CLAUSE.search(found[-1].rstrip(".! "))
    return clause.group(1).strip() if clause else None


class AlsoAsked:
    def __init__(self, guard: IntentGuard | None = None):
        self.guard = guard or IntentGuard()

    def find(self, text: str, subject: str | None, uncovered: str | None,
             subject_at: int | None = None) -> Question | None:
        """`subject_at`: where the subject is named in the text, when known."""
        question = question_part(text)
        if not question or uncovered:
            return None
        if self.guard.decides_for_someone(question):
            return None  # "can I double my dose?": for the care team
        named_in_question = subject_at is not None and subject_at >= text.rfind(question)
        # no cue words, but the question names the subject: "Is valve replacement surgery often
        # needed for carcinoid heart disease?" gets what the source says about it
        # ("Should I tell my NET team?" names only NETs in general: not a question about them)
        aspect = self.guard.cue_aspect(question) or \
            ("what_is" if subject and named_in_question and subject not in GENERAL_SUBJECTS else None)
        if not aspect:
            return None  # "is that normal?": the symptom reply is the answer
        if aspect == "what_is" and not named_in_question and WHAT.match(question):
            return None  # "what's the next step" after the story names a drug: not what the drug is
        subject = subject or content.aspects()[aspect].get("default_subject")
        return Question(question, aspect, subject) if subject else None
