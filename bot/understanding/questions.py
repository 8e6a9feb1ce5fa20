"""The questions in one message, and what shape each one has. Plain Python, no Rasa.

Patients often send two or three questions at once: "what is octreotide and how often is it
given?", "1) what is RFA 2) who decides", "What is a pancreatic NET? Which drugs are licensed
for them?". `split` finds each question's place in the text (sentences, numbered items, and
"and" or a comma between two question clauses); sentences that only tell a story are left out.
`yes_no` and `either_or` tell a question that wants "yes" or "no" (or one of two things) first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# words that open a question clause
QWORD = (r"what|whats|what's|how|who|whose|which|why|when|where|is|are|was|can|could|does|do|did|will|"
         r"would|should|has|have|explain|tell me|describe|define")
OPENS_QUESTION = re.compile(rf"^\W*(?:and |also |so |but |plus |then )?(?:{QWORD})\b", re.I)
# an item marker: "1.", "2)", "(3)", "Q1", "a)", "b."; at the start or after a space
ITEM = re.compile(r"(?:(?<=\s)|^)(?:\(?\d{1,2}[).:]|q\d{1,2}\b[).:]?|\(?[a-c]\))\s*", re.I)
# a sentence end; a question mark may be followed straight by text ("echo?and")
SENTENCE_END = re.compile(r"(?<=[?])\s*|(?<=[.!])\s+|\n+")
# "and" / a comma / "also" / "+" before a new question clause; needs a word after the question word
JOIN = re.compile(rf"(?:,\s*(?:and\s+|also\s+|plus\s+)?|\s+(?:and|also|plus|&|\+)\s+(?:also\s+)?|\s+-\s+)"
                  rf"(?=(?:{QWORD})\b\W*\w)", re.I)
# "lanreotide - what is it", "octreotide: how often": a topic, then the question
TOPIC_FIRST = re.compile(rf"^[^?.!]{{1,40}}?(?:\s-\s|:\s*|,\s*)(?:{QWORD})\b", re.I)
# "and afinitor?", "what about octreotide?": the same kind of question about something else
ELLIPSIS = re.compile(r"^\W*(?:and|or|also|plus|what about|how about|same for)\b", re.I)
AUX = r"is|are|was|were|does|do|did|can|could|will|would|should|has|have|had|must|may|might"
YES_NO = re.compile(rf"^\W*(?:(?:and|so|but|also|ok|okay|hi|please)\W+)?(?:{AUX})(?:n'?t)?\b"
                    # "if it has spread, can it still be cured", "once it's in the liver is that it"
                    rf"|^\W*(?:if|when|once|suppose|say|after)\b[^?]*?(?:,\s*|\s)(?:{AUX})(?:n'?t)?\s+"
                    rf"(?:there|it|they|that|this|he|she|you|i|we|someone|people|surgery|treatment)\b", re.I)
EITHER_OR = re.compile(r"\bor\b", re.I)


@dataclass(frozen=True)
class Part:
    start: int     # where the question starts in the message
    end: int
    text: str


def _pieces(text: str, start: int, end: int, pattern: re.Pattern) -> list[tuple[int, int]]:
    out, at = [], start
    for m in pattern.finditer(text, start, end):
        if m.start() > at:
            out.append((at, m.start()))
        at = m.end()
    if at < end:
        out.append((at, end))
    return out


def asks(piece: str) -> bool:
    """A piece of text that asks something: ends with "?" or opens like a question."""
    piece = piece.strip()
    return piece.endswith("?") or bool(OPENS_QUESTION.search(piece)) or bool(ELLIPSIS.search(piece)) \
        or bool(TOPIC_FIRST.search(piece))


def split(text: str) -> list[Part]:
    """The question parts of a message, in order; [] when it has fewer than two."""
    text = text or ""
    spans: list[tuple[int, int]] = []
    for s, e in _pieces(text, 0, len(text), ITEM):
        for s2, e2 in _pieces(text, s, e, SENTENCE_END):
            spans.extend(_clauses(text, s2, e2))
    parts = []
    for s, e in spans:
        raw = text[s:e]
        lead = len(raw) - len(raw.lstrip(" ,;:-"))
        piece = raw.strip(" ,;:-")
        if piece and re.search(r"[A-Za-z]", piece) and asks(piece):
            parts.append(Part(s + lead, s + lead + len(piece), piece))
    return parts if len(parts) > 1 else []


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence split before "and how...", ", what...": only when the first clause asks too
    ("what is lanreotide and how often is it given"), not "tell me when and where"."""
    pieces = _pieces(text, start, end, JOIN)
    # a topic named first ("lanreotide - what is it...", "hi, two things - how...") goes with
    # the question after it
    if len(pieces) > 2 and not asks(text[pieces[0][0]:pieces[0][1]]) \
            and len(text[pieces[0][0]:pieces[0][1]].split()) <= 4:
        pieces = [(pieces[0][0], pieces[1][1])] + pieces[2:]
    if len(pieces) < 2 or not asks(text[pieces[0][0]:pieces[0][1]]):
        return [(start, end)]
    # a clause too short to be a question of its own ("what and why") stays with the one before
    out = [pieces[0]]
    for s, e in pieces[1:]:
        if len(text[s:e].split()) < 2:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def yes_no(question: str) -> bool:
    """Wants "yes" or "no" first: "is lanreotide given daily?", "does it affect the left side"."""
    return bool(YES_NO.search(question or ""))


def either_or(question: str) -> bool:
    """Asks which of two: "is it the left side or the right?"."""
    return yes_no(question) and bool(EITHER_OR.search(question or ""))


def elliptical(question: str) -> bool:
    """"and afinitor?": the kind of question of the part before, about something else."""
    return bool(ELLIPSIS.search(question or "")) and not re.search(
        rf"\b(?:{QWORD})\b", ELLIPSIS.sub("", question, count=1), re.I)
