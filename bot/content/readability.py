"""Flesch-Kincaid reading grade.

Written here rather than taken from textstat because the project's acceptance check
(shared/eval/run_eval.py) grades replies with this exact formula and a plain vowel-group
syllable count; textstat's dictionary-based counts give different numbers. Content tests
hold every answer to the same yardstick the evaluation uses.
"""
import re

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
_URL = re.compile(r"https?://\S+")


def syllables(word: str) -> int:
    w = word.lower()
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


def fk_grade(text: str) -> float | None:
    """Grade for `text`; sentences end at . ! ? or a new line. None if there are no words."""
    text = _URL.sub("", text)
    sentences = [s for s in re.split(r"[.!?\n]+", text) if _WORD.search(s)]
    words = _WORD.findall(text)
    if not words or not sentences:
        return None
    syl = sum(syllables(w) for w in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syl / len(words) - 15.59
