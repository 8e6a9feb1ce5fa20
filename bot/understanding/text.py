"""Text helpers every part of understanding shares: sentences, the question sentences of a long
message and where they start, and the regexes that tell a question, a request, a correction or
hearsay. Plain Python, no Rasa.

One sentence splitter for reading a message sentence by sentence (`sentences`). Three other
splits exist on purpose, each where its behaviour must stay as it is:
- bot/understanding/questions.py `SENTENCE_END` cuts right after a "?" even with no space
  ("echo?and how often"), to find every question PART of a message with its offsets;
  `sentences` keeps "echo?and how often" whole, and the intent guard's results depend on it.
- bot/safety/triage_context.py splits spaCy tokens (";" ends a sentence there too), because
  the triage reads tokens, and its phrase lists were tuned on that reading.
- bot/content/readability.py counts sentences as the shared grader's Flesch-Kincaid formula
  does, so content is held to the grader's own figure.
"""
from __future__ import annotations

import re

# a sentence ends after ".", "?" or "!" and a space, or at a line break
SENTENCE_END = re.compile(r"(?<=[.?!])\s+|\n+")
# a question, or a request for information ("tell me about carcinoid heart disease please")
QUESTION = re.compile(r"\?(\s|$)|^\W*(is|are|can|could|do|does|did|what|whats|what's|how|why|when|who|which|will|would|should"
                      r"|tell me|explain|describe|info|information|more about)\b", re.I)
# a question word later on: "disease mainly in the liver, what are the options"
ASKS_LATER = re.compile(r"\b(what|whats|what's|how|why|which)\b", re.I)
# a polite request for information: "can you tell me", "please explain to me"
REQUEST = re.compile(r"\b((can|could|would|will) you (please )?)?(tell|explain|say|show)( it| this| that)?( to)? (me|us)\b", re.I)
# a question asked without a question mark: "I was wondering why it matters so much."
INDIRECT = re.compile(r"^\W*(i was wondering|i wonder|i wondered|i('d| would) like to know|i want to know|"
                      r"can you tell me|could you tell me|please (tell me|explain)|just wanted to (check|ask|know))\b", re.I)
# where a patient heard of something: "someone on a forum said...", "a post in my support group"
HEARSAY = re.compile(r"\b(said|says|told|tells|mentioned|heard|read|reckons?|claims?|posts?|posted|saw|seen)\b", re.I)
# the question that ends a one-sentence message after words about feelings: "I'm fed up with
# the injections, what are they even for?", "im scared about my heart so what test do they use".
# After a comma, "but", "so" or "and"; a "wh" question needs no "?", a yes/no one does.
TRAILING_QUESTION = re.compile(
    r"(?:,|;|\s-|\bbut\b|\bso\b|\band\b)\s*((?:(?:what|whats|what's|how|why|when|who|which|where)\b[^,;]*?"
    r"|(?:is|are|can|could|do|does|did|will|would|should|has|have)\b[^,;]*?\?)\s*\??)\s*$", re.I)
# a correction of the last question: "sorry, I meant how is it diagnosed"
CORRECTION = re.compile(r"^\W*(sorry,? |no,? |oops,? )?(i meant|i mean|my mistake|what i meant)\b", re.I)


def sentences(text: str) -> list[str]:
    """The message's sentences, stripped, empty ones left out."""
    return [p.strip() for p in SENTENCE_END.split(text or "") if p.strip()]


def questions_last_first(text: str) -> list[str]:
    """The sentences that ask something (end with "?", or an indirect "I was wondering..."),
    last first; none for a one-sentence message."""
    found = sentences(text)
    if len(found) < 2:
        return []
    return [p for p in reversed(found) if p.endswith("?") or INDIRECT.search(p)]


def trailing_question(text: str) -> str | None:
    """The question clause that ends a one-sentence message (TRAILING_QUESTION), else None."""
    if len(sentences(text)) != 1:
        return None
    m = TRAILING_QUESTION.search(text.strip())
    return m.group(1).strip() if m and len(m.group(1).split()) >= 3 else None


def question_start(text: str, asked: list[str] | None = None) -> int | None:
    """Where the question sentences start in a message of several sentences, else None.
    `asked`: its questions_last_first, when already known."""
    asked = questions_last_first(text) if asked is None else asked
    return min(text.rfind(q) for q in asked) if asked else None


def words_regex(words, flags=re.I) -> re.Pattern | None:
    """One regex matching any of `words` as whole words ("\\b" at both ends), None for none."""
    words = [str(w) for w in words or []]
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", flags) if words else None
