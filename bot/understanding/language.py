"""Notice a message written partly or wholly in a language other than English.

The bot reads English only. A red flag in another language cannot be caught by the phrase
triage, so the REST channel puts a safety net first in the reply ("I can only read English.
If this is an emergency, call 999 now."). A word list per language (content/languages.yml)
rather than a language-detection package: the messages are short and mixed ("Mama nie może
oddychać. she has carcinoid heart disease"), where whole-text detectors answer "English".
"""
from __future__ import annotations

import re

from bot import content

WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


class OtherLanguage:
    def __init__(self, languages: dict | None = None, min_words: int = 2):
        languages = languages or content.load_yaml(content.CONTENT_DIR / "languages.yml")["languages"]
        self.words = {name: {str(w).lower() for w in words} for name, words in languages.items()}
        self.min_words = min_words

    def detect(self, text: str) -> str | None:
        """The language with at least `min_words` different marker words in `text`, if any."""
        tokens = {t.lower() for t in WORD.findall(text or "")}
        best, count = None, 0
        for name, words in self.words.items():
            n = len(tokens & words)
            if n >= self.min_words and n > count:
                best, count = name, n
        return best
