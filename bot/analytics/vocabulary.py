"""The allowlist for redaction: common English words plus the project's own NET words.

Common English comes from spacy-lookups-data (already installed for the lemmatizer): its
`en_lexeme_prob` table gives how often each word form is seen, with upper and lower case
apart. We keep the COMMON_WORDS most frequent lower-case words, except those seen over three
times as often with a capital letter: that drops names and places ("john", "smith", "leeds",
"patel", "monday"), which are mostly written capitalised, while "brown", "bill" or "please"
(often first in a sentence) stay as everyday words; redact.py also removes a capitalised word
in mid-sentence. Then every word
of the subjects, uncovered topics and glossary (content/) is added, so "lanreotide" or
"somatuline" survive. The list is written to build/analytics/vocabulary.txt by `make build`
(3 s, once) and read in a few milliseconds after that; it is rebuilt when its inputs change.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from bot import PROJECT_ROOT, content

COMMON_WORDS = 40_000
NAME_MARGIN = 1.2   # natural log: a word seen e^1.2 = 3.3 times as often capitalised is a name
OUT = PROJECT_ROOT / "build" / "analytics" / "vocabulary.txt"
_WORD = re.compile(r"^[a-z]+$")
_SPLIT = re.compile(r"[^\w']+")


def lookups_table() -> Path:
    import spacy_lookups_data
    return Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"


def project_words() -> set[str]:
    """Every word of the subjects', uncovered topics' and glossary's names and labels."""
    phrases = []
    subjects = content.subjects()
    for group in ("subjects", "uncovered"):
        for spec in (subjects.get(group) or {}).values():
            phrases += [spec.get("label") or "", *(spec.get("names") or [])]
    for term in content.glossary():
        phrases += [term.get("term") or "", *(term.get("aliases") or [])]
    words = set()
    for phrase in phrases:
        words.update(w for w in _SPLIT.split(str(phrase).lower()) if w and not any(c.isdigit() for c in w))
    return words


def inputs_hash() -> str:
    h = hashlib.sha256(f"{COMMON_WORDS} {NAME_MARGIN}".encode())
    for p in (lookups_table(), content.CONTENT_DIR / "subjects.yml", content.CONTENT_DIR / "glossary.yml",
              Path(__file__)):
        h.update(p.name.encode())
        h.update(str(p.stat().st_size).encode())
        if p.suffix != ".gz":
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def common_words(limit: int = COMMON_WORDS) -> list[str]:
    with gzip.open(lookups_table(), "rt", encoding="utf-8") as f:
        prob = json.load(f)
    ranked = sorted(((p, w) for w, p in prob.items() if _WORD.match(w) and (len(w) > 1 or w in "ai")),
                    reverse=True)[:limit]
    return [w for p, w in ranked if prob.get(w.capitalize(), float("-inf")) - p <= NAME_MARGIN]


def build(out: Path = OUT) -> Path:
    """One word a line; the project's own words that are not common English start with "*"."""
    common = set(common_words())
    lines = sorted(common) + sorted("*" + w for w in project_words() - common)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(f"# inputs {inputs_hash()}\n" + "\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    return out


def _lines(path: Path) -> list[str]:
    if path.exists():
        lines = path.read_text(encoding="utf-8").splitlines()
        if lines and lines[0] == f"# inputs {inputs_hash()}":
            return lines[1:]
    build(path)
    return path.read_text(encoding="utf-8").splitlines()[1:]


@lru_cache(maxsize=1)
def vocabulary(path: Path = OUT) -> frozenset:
    """The allowlist, built first if missing or stale."""
    return frozenset(w.lstrip("*") for w in _lines(path))


@lru_cache(maxsize=1)
def terms(path: Path = OUT) -> frozenset:
    """The project's words that are not common English: drug and brand names, medical words."""
    return frozenset(w[1:] for w in _lines(path) if w.startswith("*"))


def main() -> int:
    vocabulary.cache_clear()
    terms.cache_clear()
    n = len(vocabulary())
    print(f"Redaction allowlist: {n} words ({OUT.relative_to(PROJECT_ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
