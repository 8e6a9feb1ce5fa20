"""Direct answers to yes/no and either/or questions, from reviewed data (content/checks.yml).

"Is lanreotide a daily injection?" deserves "No." first, then the fact, when the source settles
it; "is sunitinib a tablet?" deserves "My information does not say." Nothing here is generated:
each verdict and sentence is written and reviewed in content/checks.yml, keyed by the answer
whose facts settle it. Plain Python, no Rasa.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot import content
from bot.understanding.questions import either_or, yes_no
from bot.understanding.subjects import GENERAL_SUBJECTS

CHECKS_FILE = content.CONTENT_DIR / "checks.yml"


@dataclass(frozen=True)
class Verdict:
    answer_id: str     # the answer whose facts settle it
    verdict: str       # yes | no | sometimes | not_always | not_said
    text: str          # what is said first
    rule: str          # which check: "<answer id>#<n>", for the record of why


@lru_cache(maxsize=1)
def spec() -> dict:
    return content.load_yaml(CHECKS_FILE)


class Checks:
    def __init__(self, kb, data: dict | None = None):
        """`kb`: the KnowledgeService (answer ids -> subject and kind of question)."""
        data = data or spec()
        self.kb = kb
        self.verdicts = data["verdicts"]
        self.aside = re.compile(data["aside"], re.I) if data.get("aside") else None
        self.checks = []  # (answer id, n, [regex], [unless regex], verdict, says), in the order written
        for answer_id, items in (data.get("checks") or {}).items():
            for n, item in enumerate(items, 1):
                rxs = [re.compile(p, re.I) for p in item["if"]]
                unless = [re.compile(p, re.I) for p in item.get("unless") or []]
                self.checks.append((answer_id, n, rxs, unless, str(item["answer"]), item["says"]))
        self._subject_of = {}

    def subject_of(self, answer_id: str) -> str | None:
        if answer_id not in self._subject_of:
            ans = self.kb.by_id(answer_id)
            self._subject_of[answer_id] = ans.subject if ans else None
        return self._subject_of[answer_id]

    def reach(self, subjects: list[str]) -> set[str]:
        """The subjects whose checks apply: those named and their parents, but a general one
        (NETs, treatment, the outlook) only when it is named itself."""
        out = set()
        if any(s in GENERAL_SUBJECTS for s in subjects):
            out |= GENERAL_SUBJECTS  # "does the outlook depend on the grade" is about NETs' outlook
        for s in subjects:
            for p in self.kb.chain(s):
                if p == s or p not in GENERAL_SUBJECTS:
                    out.add(p)
        return out

    def find(self, question: str, subjects: list[str]) -> Verdict | None:
        """The verdict for a yes/no or either/or `question` about `subjects` (named in it, or
        in context), or None when it is not such a question or no check settles it."""
        question = question or ""
        if not yes_no(question) or not subjects or (self.aside and self.aside.search(question)):
            return None  # "...without a big operation?" asks about the other options
        reach = self.reach(subjects)
        hits = [c for c in self.checks
                if self.subject_of(c[0]) in reach and all(rx.search(question) for rx in c[2])
                and not any(rx.search(question) for rx in c[3])]
        if not hits:
            return None
        choice = hits[0]
        pick = either_or(question)
        if pick:  # "the left side or the right?": the one that is so
            choice = next((c for c in hits if c[4] == "yes"), hits[0])
        answer_id, n, _, _, verdict, says = choice
        text = says if pick and verdict == "yes" else f"{self.verdicts[verdict]} {says}"
        return Verdict(answer_id, verdict, text, f"{answer_id}#{n}")

    def answer_for(self, verdict: Verdict, subjects: list[str]):
        """The answer to give after the verdict: the same kind of answer about the first of
        `subjects` under the check's own subject, when there is one, else the check's own answer."""
        own = self.kb.by_id(verdict.answer_id)
        for s in subjects:  # the subject the question is about comes first
            if own and own.subject in self.kb.chain(s):
                ans = self.kb.answer(own.aspect, s)
                if ans and ans.exact:
                    return ans
        return own
