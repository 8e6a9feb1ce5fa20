"""Plain-language check: medical words an answer uses without explaining them.

Readability formulas do not see jargon (clinical review section 5). content/jargon.yml lists
the medical words a reviewer agreed need explaining. An answer explains a word when

- it says so in place: "water tablets (diuretics)", "drugs called somatostatin analogues",
  "higher grade, which means...", "Sunitinib is a drug", "Licensed means...", or the next
  sentence starts "This means..." / "This is..."; or
- its `glossary:` list links the glossary entry of that word; the bot then shows the entry's
  plain meaning with the answer (bot/answers/composer.py).

The first use of a word must be explained; later uses may rely on it. tests/content/test_jargon.py
holds every answer to this, and the review pack lists what is left for the reviewer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot import content

# right after the word: a plain explanation in brackets, an apposition or a definition
AFTER = re.compile(r"^(\s*\((?![A-Z]+s?\))|,?\s+(called|also called|or|which|that is|meaning|means)\b"
                   r"|,?\s+(is|are)\s+(a|an|one|two|also|the main|drugs?|medicines?|about|how|what|"
                   r"made|used to|the long-acting)\b|,\s+(a|an)\s)")
ABBREVIATION = re.compile(r"^\s*\([A-Z]+s?\)")  # "somatostatin analogues (SSAs) are...": look past it
# right before the word: "drugs called", "a scan called an", "(" as in "water tablets (diuretics)",
# "called the tricuspid and", "its long-acting form, octreotide LAR"
BEFORE = re.compile(r"(\b(called|named|known as|such as)\s+(an?\s+|the\s+)?(\w+\s+(and\s+(the\s+)?)?)?"
                    r"|\(\s*|\b(form|kind|ones are)\s*,?\s*|\w,\s+or\s+|\bdrugs\b[^.]*\b(are|is)\s+)$")
# anywhere: a sentence that defines it ("Grade is about how fast...", "Licensed means...")
DEFINES = r"(?<![\w-]){}\s+(is|are)\s+(about|how|what)\b|(?<![\w-]){}\s+means\b"
# the next sentence says what it was: "This means it blocks...", "This is a scan..."
NEXT = re.compile(r"^\s*(this|that|these|it|they)\s+(is|are|means|mean|blocks|uses)\b", re.I)


@dataclass(frozen=True)
class Word:
    term: str            # the glossary term that explains it
    forms: tuple         # every way of writing it

    def first_use(self, text: str) -> re.Match | None:
        hits = [m for f in self.forms
                for m in [re.search(r"(?<![\w-])" + re.escape(f) + r"(?![\w-])", text, re.I)] if m]
        return min(hits, key=lambda m: (m.start(), -len(m.group()))) if hits else None


@lru_cache(maxsize=1)
def word_list() -> tuple[Word, ...]:
    doc = content.load_yaml(content.CONTENT_DIR / "jargon.yml")
    return tuple(Word(w["term"], tuple(w["words"])) for w in doc.get("words") or [])


def explained_in_place(text: str, m: re.Match) -> bool:
    before, after = text[:m.start()], ABBREVIATION.sub("", text[m.end():], count=1)
    if AFTER.search(after) or BEFORE.search(before):
        return True
    if re.match(r"^\s+(is|are)\b", after) and re.search(r"\bmeans?\b", after.split(".")[0]):
        return True
    rest = after.split(".", 1)
    return len(rest) == 2 and bool(NEXT.match(rest[1]))


def glossary_names() -> dict[str, str]:
    """Every glossary term and alias (lower case) -> its term."""
    out = {}
    for g in content.glossary():
        for name in [g["term"], *(g.get("aliases") or [])]:
            out[str(name).lower()] = g["term"]
    return out


def unexplained(answer: dict, words: tuple[Word, ...] | None = None,
                names: dict[str, str] | None = None) -> list[str]:
    """The listed medical words `answer` uses, first time, with no explanation."""
    names = glossary_names() if names is None else names
    linked = {names.get(str(t).lower(), str(t).lower()).lower() for t in answer.get("glossary") or []}
    text = " ".join(str(answer.get("text") or "").split())
    out = []
    for w in words or word_list():
        m = w.first_use(text)
        if not m:
            continue
        term = names.get(w.term.lower(), w.term).lower()
        if term in linked or explained_in_place(text, m) or any(
                re.search(DEFINES.format(re.escape(f), re.escape(f)), text, re.I) for f in w.forms):
            continue
        out.append(w.term)
    return out
