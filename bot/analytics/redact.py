"""Redact a question a patient agreed to share: keep allowlisted words, replace the rest.

Only words in the allowlist (vocabulary.py: common English plus the project's NET words) are
kept. Everything else becomes a placeholder: [email], [link], [number] for anything with a
digit (phone and NHS numbers, postcodes, dates, doses), and [word] for any other word (names,
places, rare words, misspellings). Also replaced: a capitalised word inside a sentence ("my
consultant Dr Grace Brown"), a run of three or more number words ("nine four three"), and
month and day names (they are not in the list). Runs of the same placeholder merge into one.
Nothing here is logged. Pure; tests in tests/analytics/test_redact.py.
"""
from __future__ import annotations

import re

from bot.analytics.vocabulary import terms, vocabulary

MAX_CHARS = 2000
TOKEN = re.compile(r"""
    (?P<email>[^\s@]+@[^\s@]+)
  | (?P<link>(?:https?://|www\.)\S+)
  | (?P<number>[^\W_]*\d(?:[\w/.:+\-]*\w)?)
  | (?P<word>[^\W\d_]+(?:['\u2019][^\W\d_]+)*)
  | (?P<punct>[.,?!;:()\-])
  | (?P<other>\S)
""", re.X)
SENTENCE_END = {".", "?", "!"}
SUFFIXES = {"s", "t", "re", "ve", "ll", "d", "m"}   # it's, don't, we're, I've, you'll, I'd, I'm
NUMBER_WORDS = {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "double", "triple", "hundred", "thousand"}


def _known(word: str, words: frozenset) -> bool:
    low = word.lower().replace("\u2019", "'")
    if low in words:
        return True
    head, _, tail = low.partition("'")
    if tail == "t" and head.endswith("n") and head[:-1] in words:   # isn't, doesn't, wouldn't
        return True
    return bool(tail) and head in words and tail in SUFFIXES


def redact(text: str, words: frozenset | None = None) -> str:
    words = vocabulary() if words is None else words
    text = (text or "")[:MAX_CHARS]
    letters = [c for c in text if c.isalpha()]
    shouting = bool(letters) and sum(c.isupper() for c in letters) > 0.6 * len(letters)
    out: list[str] = []
    sentence_start = True
    for m in TOKEN.finditer(text):
        kind, tok = m.lastgroup, m.group()
        if kind == "word":
            capital_inside = tok[0].isupper() and not tok.isupper() and not sentence_start and not shouting \
                and tok not in ("I", "I'm", "I've", "I'd", "I'll") and tok.lower() not in terms()
            out.append(tok if _known(tok, words) and not capital_inside else "[word]")
            sentence_start = False
        elif kind == "punct":
            out.append(tok)
            sentence_start = tok in SENTENCE_END
        elif kind == "other":
            continue  # emoji, symbols: dropped
        else:
            out.append(f"[{kind}]")
            sentence_start = False
    out = _number_runs(out)
    merged: list[str] = []
    for tok in out:
        if merged and tok.startswith("[") and merged[-1] == tok:
            continue
        merged.append(tok)
    return _join(merged)



def _number_runs(tokens: list[str]) -> list[str]:
    out, run = [], []
    for tok in tokens + [""]:
        if tok.lower() in NUMBER_WORDS:
            run.append(tok)
            continue
        out += ["[number]"] if len(run) >= 3 else run
        run = []
        if tok:
            out.append(tok)
    return out


def _join(tokens: list[str]) -> str:
    text = ""
    for tok in tokens:
        if text and tok not in (".", ",", "?", "!", ";", ":", ")") and not text.endswith("("):
            text += " "
        text += tok
    return text.strip()
