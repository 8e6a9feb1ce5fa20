"""What the words around a red-flag phrase say: a question, about a person, past, imagined, a
story, a pet, still going on. Word lists from content/triage.yml (`context`, `personal_cues`,
`question_starts`...); used by bot/safety/triage.py, which decides what the phrases mean.
"""
from __future__ import annotations

import re
from datetime import date

_SENT_END = {".", "?", "!", ";"}
# "had a stroke in 1962": a year before this one
_PAST_YEAR = re.compile(r" in (%s) " % "|".join(str(y) for y in range(1900, date.today().year)))
CONTEXTS = ("hypothetical", "long_ago", "recent", "resolved", "ongoing", "fiction", "animal", "person")


class ContextWords:
    def __init__(self, cfg: dict, toks, expand, words):
        """`toks`: text -> normalised tokens; `expand`: a template -> its <group> expansions;
        `words`: a list of phrases from the file (refusing YAML surprises)."""
        self.q_starts = [toks(s) for s in words(cfg, "question_starts")]
        self.q_lead_ins = set(words(cfg, "question_lead_ins"))
        self.personal = [" ".join(toks(x)) for s in words(cfg, "personal_cues") for x in expand(s)]
        self.impersonal = [" ".join(toks(s)) for s in words(cfg, "impersonal")]
        self.doubt = [" ".join(toks(s)) for s in words(cfg, "doubt_cues")]
        self.topic_cues = [toks(s) for s in words(cfg, "topic_cues")]
        ctx = cfg.get("context") or {}
        self.ctx = {k: [" ".join(toks(x)) for s in words(ctx, k) for x in expand(s)] for k in CONTEXTS}

    def topic(self, doc, start: int) -> bool:
        i = start
        while i > 0 and doc[i - 1].lower_ in ("a", "an", "the"):
            i -= 1
        words = [t.lower_ for t in doc[max(0, i - 3):i]]
        return any(words[-len(c):] == c for c in self.topic_cues)

    @staticmethod
    def near(doc, start: int, n: int = 4) -> list[str]:
        return [t.lower_ for t in doc[max(0, start - n):start]]

    def has_person(self, words: list[str]) -> bool:
        joined = f" {' '.join(words)} "
        return any(f" {c} " in joined for c in self.ctx["person"])

    def animal(self, words: list[str]) -> bool:
        """An animal among the words just before a phrase, with no person word after it."""
        joined = f" {' '.join(words)} "
        at = max((joined.rfind(f" {c} ") for c in self.ctx["animal"]), default=-1)
        return at >= 0 and not self.has_person(joined[at:].split()[1:])

    def sentences(self, doc):
        """Per token: (its sentence is an information question, that sentence has a personal cue,
        the sentence's context: "past", "hypothetical" or None, it has an `ongoing` word); whether the whole message has a
        personal or doubt cue (used for emergencies); and "fiction" when the message is a story."""
        out, bounds, start = [None] * len(doc), [], 0
        for t in doc:
            if t.text in _SENT_END or (t.is_space and "\n" in t.text):
                bounds.append((start, t.i + 1))
                start = t.i + 1
        bounds.append((start, len(doc)))
        personal_msg = False
        whole = f" {' '.join(t.lower_ for t in doc)} "
        for s, e in bounds:
            words = [t.lower_ for t in doc[s:e]]
            joined = f" {' '.join(words)} "
            for c in self.impersonal:  # "how do they treat it": not a report about someone
                joined = joined.replace(f" {c} ", "  ")
            personal = any(f" {c} " in joined for c in self.personal)
            personal_msg |= personal or any(f" {c} " in joined for c in self.doubt)
            out[s:e] = [(self.is_question(words), personal, self.context(joined), self.ongoing(joined))] * (e - s)
        return out, personal_msg, "fiction" if self.has(whole, "fiction") else None

    def is_question(self, words: list[str]) -> bool:
        while words and words[0] in self.q_lead_ins:
            words = words[1:]
        return any(words[:len(q)] == q and (len(words) == len(q) or words[len(q)] not in ("not", "n't"))
                   for q in self.q_starts)

    def has(self, joined: str, kind: str) -> bool:
        return any(f" {c} " in joined for c in self.ctx[kind])

    def positions(self, doc, kind: str) -> list[int]:
        """Token positions where a `kind` context phrase starts."""
        words = [t.lower_ for t in doc]
        cues = [c.split() for c in self.ctx[kind]]
        return [i for i in range(len(words)) if any(words[i:i + len(c)] == c for c in cues)]

    def ongoing(self, joined: str) -> bool:
        rest = joined
        for c in self.ctx["resolved"]:  # "fine now" must not count as the ongoing "now"
            rest = rest.replace(f" {c} ", "  ")
        return self.has(rest, "ongoing")

    def context(self, joined: str) -> str | None:
        """Why an emergency phrase in this sentence may not be happening now (see triage.yml)."""
        if self.has(joined, "hypothetical"):
            return "hypothetical"
        if self.ongoing(joined):
            return None
        long_ago = self.has(joined, "long_ago") or bool(_PAST_YEAR.search(joined))
        if long_ago:
            return "past"
        return "recent" if self.has(joined, "recent") else None
