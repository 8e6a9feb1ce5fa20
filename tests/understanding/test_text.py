"""Shared text helpers (bot/understanding/text.py): the question that ends a one-sentence message."""
import pytest

from bot.understanding.text import trailing_question


@pytest.mark.parametrize("text, clause", [
    ("I'm upset I have to have injections at all when I feel well, what are they even for?",
     "what are they even for?"),
    ("im scared about my heart so what test do they use to check it", "what test do they use to check it"),
    ("I'm worried sick about my dad, what is carcinoid heart disease?", "what is carcinoid heart disease?"),
    ("I am so scared, can it be cured?", "can it be cured?"),
    ("so fed up - how often do people have the jabs", "how often do people have the jabs"),
])
def test_the_question_after_the_feelings(text, clause):
    assert trailing_question(text) == clause


@pytest.mark.parametrize("text", [
    "i feel awful and tired",                       # no question
    "so fed up, is it normal",                      # a yes/no question needs its "?"...
    "thanks so much, but why",                      # ...and a clause of three words or more
    "I'm upset. What are they for?",                # several sentences: questions_last_first reads those
])
def test_no_trailing_question(text):
    assert trailing_question(text) is None
