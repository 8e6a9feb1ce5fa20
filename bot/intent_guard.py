"""Sanity checks on the classifier's guess, from facts found by deterministic means.

- "Personal advice" needs a person ("I", "my", "mum"...); without one the question is general.
- "Not covered" is decided by the subject vocabulary: when the message names a covered
  subject and no uncovered topic, the source does have something to say.
In both cases the next-best question intent is used. Plain Python, for tests.
"""
from __future__ import annotations

import re

from bot import content

QUESTION_PREFIX = "ask_"


class IntentGuard:
    def __init__(self, person_words: list[str] | None = None):
        words = person_words or content.load_yaml(content.CONTENT_DIR / "personal.yml")["person_words"]
        self._person = re.compile(r"(?<![\w'])(" + "|".join(re.escape(w) for w in words) + r")(?![\w'])", re.I)

    def names_a_person(self, text: str) -> bool:
        return bool(self._person.search(text or ""))

    def adjust(self, intent: str | None, ranking: list[dict], text: str,
               subject: str | None, uncovered: str | None) -> str | None:
        """A replacement intent name, or None to keep the classifier's."""
        wrong = (intent == "personal_advice" and not self.names_a_person(text)) or \
                (intent == "ask_not_covered" and subject and not uncovered)
        if not wrong:
            return None
        for r in ranking:
            name = r.get("name") or ""
            if name != intent and name.startswith(QUESTION_PREFIX) and name != "ask_not_covered":
                return name
        return None
