"""The closed sets an analytics row may hold values from, so no free text can get in.

Every id in a turn row is checked against the project's own lists (domain intents and actions,
subject, aspect and uncovered-topic ids, answer ids). A value from anywhere else, such as a
patient-typed "/my_name_is_..." payload, becomes "other" or is dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot import PROJECT_ROOT, content

FEEDBACK_PATH = content.CONTENT_DIR / "feedback.yml"
RULE_ID = re.compile(r"^[a-z0-9_]{1,60}$")   # triage rule/category names (content/triage.yml)
OTHER = "other"


@dataclass(frozen=True)
class Known:
    intents: frozenset
    actions: frozenset
    subjects: frozenset
    aspects: frozenset
    uncovered: frozenset
    answer_topics: dict          # answer id -> its topic (the answers file's `topic:`)

    @classmethod
    def from_project(cls) -> "Known":
        domain = content.load_yaml(PROJECT_ROOT / "domain.yml")
        subjects = content.subjects()
        return cls(
            intents=frozenset(domain.get("intents") or ()) | {"nlu_fallback"},
            actions=frozenset(domain.get("actions") or ()),
            subjects=frozenset((subjects.get("subjects") or {}).keys()),
            aspects=frozenset(content.aspects().keys()),
            uncovered=frozenset((subjects.get("uncovered") or {}).keys()),
            answer_topics={a["id"]: a["topic"] for a in content.answers()},
        )

    def intent(self, name) -> str | None:
        if not name:
            return None
        return name if name in self.intents else OTHER

    def action(self, name) -> str | None:
        """Domain actions and responses (utter_*); anything else is "other"."""
        if not name:
            return None
        return name if name in self.actions or (isinstance(name, str) and name.startswith("utter_")
                                                and RULE_ID.match(name)) else OTHER

    @staticmethod
    def rule(name) -> str | None:
        return name if isinstance(name, str) and RULE_ID.match(name) else None

    def pick(self, value, allowed: frozenset) -> str | None:
        return value if isinstance(value, str) and value in allowed else None


@lru_cache(maxsize=1)
def known() -> Known:
    return Known.from_project()


@lru_cache(maxsize=1)
def feedback_texts() -> dict:
    return content.load_yaml(FEEDBACK_PATH)


def reasons() -> dict:
    return dict(feedback_texts()["helpful"]["reasons"])


def triggers() -> tuple:
    return tuple(feedback_texts()["consent"]["triggers"])
