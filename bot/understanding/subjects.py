"""Decide what a message is about, from the entity ruler's matches in a spaCy Doc.

Plain Python (no Rasa): the Rasa component and the tests both use it.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from bot import content
from bot.content.spacy_pipeline import SUBJECT, UNCOVERED

# subjects that say little about which one is meant ("treatment", "outlook", "tumour")
GENERAL_SUBJECTS = {"net", "treatment", "prognosis"}
# words that start a new clause: a "set aside" phrase before them does not reach past them
CLAUSE_WORDS = {"when", "if", "for", "that", "which", "who", "where", "because", "but", "while", "once"}


@dataclass(frozen=True)
class Found:
    subject: str | None = None           # the most specific covered subject named
    uncovered: str | None = None         # a topic the source does not cover, if named
    spans: tuple = field(default=())     # (start_char, end_char, label, id) of every match


class SubjectResolver:
    def __init__(self, vocab: dict | None = None, fuzzy_cutoff: float = 0.84):
        vocab = vocab or content.subjects()
        self.subjects = vocab["subjects"]
        self.depth = {sid: self._depth(sid) for sid in self.subjects}
        self.cutoff = fuzzy_cutoff
        # words that name a subject but also carry the kind of question ("outlook")
        self.unmasked = {sid for sid, s in self.subjects.items() if s.get("mask") is False}
        self.kind = {sid: s.get("kind") for sid, s in self.subjects.items()}
        # Misspellings beyond those listed ("lanrotide", "everolimas"): only long, specific
        # single-word names, so everyday words never fuzzy-match a drug.
        self.not_fuzzy = {str(w).lower() for w in vocab.get("fuzzy_exclude") or []}
        self.fuzzy_names = {
            n.lower(): sid for sid, s in self.subjects.items() if self.depth[sid] >= 3
            for n in s["names"] if " " not in str(n) and len(str(n)) >= 7
        }

    def _depth(self, sid: str) -> int:
        d, seen = 0, set()
        while self.subjects[sid].get("parent") and sid not in seen:
            seen.add(sid)
            sid, d = self.subjects[sid]["parent"], d + 1
        return d

    @staticmethod
    def _set_aside(doc, start: int) -> bool:
        """True when the words just before token `start` set the subject aside: "options
        apart from surgery or drugs", "something other than the jabs", "without a big operation",
        "tablets as well as the injections". A clause word ("when",
        "if", "for") in between ends the reach of the phrase."""
        words = [t.lower_ for t in doc[max(0, start - 6):start]]
        for i in range(len(words) - 1, -1, -1):
            if words[i] in CLAUSE_WORDS:
                return False
            if words[i] in ("besides", "except", "excluding", "without") or \
                    " ".join(words[i:i + 2]) in ("apart from", "other than", "instead of", "rather than",
                                                 "aside from", "outside of") or \
                    " ".join(words[i:i + 3]) == "as well as":
                return True
        return False

    def resolve(self, doc, focus: int | None = None) -> Found:
        """`focus`: where the question starts in a message of several sentences. A specific
        subject named in the question is what it is about, whatever the story named before:
        "...even with the injections. They mentioned tablets too. What drugs are there for
        pancreatic NETs?" is about pancreatic NETs. A general word or a broad one ("drugs")
        in the question leaves the choice to the whole message."""
        spans, named, uncovered = [], [], None
        covered_tokens, aside = set(), set()
        for ent in doc.ents:
            if ent.label_ not in (SUBJECT, UNCOVERED):
                continue
            spans.append((ent.start_char, ent.end_char, ent.label_, ent.ent_id_))
            covered_tokens.update(range(ent.start, ent.end))
            if ent.label_ == UNCOVERED:
                uncovered = uncovered or ent.ent_id_
            else:
                named.append((ent.ent_id_, ent.start_char))
                if self._set_aside(doc, ent.start):
                    aside.add(ent.ent_id_)
        for tok in doc:
            if tok.i in covered_tokens or not tok.is_alpha or len(tok.text) < 6 or tok.lower_ in self.not_fuzzy:
                continue
            hit = difflib.get_close_matches(tok.lower_, self.fuzzy_names, n=1, cutoff=self.cutoff)
            if hit:
                sid = self.fuzzy_names[hit[0]]
                spans.append((tok.idx, tok.idx + len(tok.text), SUBJECT, sid))
                named.append((sid, tok.idx))
        subjects = [sid for sid, _ in named]
        # a subject set aside ("apart from surgery") is what the question is not about
        pool = [s for s in subjects if s not in aside] or subjects
        best = self._choose(pool, subjects)
        if focus is not None:
            asked = [sid for sid, at in named if at >= focus and sid not in aside]
            in_question = self._choose(asked, subjects) if asked else None
            if in_question and in_question not in GENERAL_SUBJECTS and not self.subjects[in_question].get("broad"):
                best = in_question
        return Found(subject=best, uncovered=uncovered, spans=tuple(spans))

    def _choose(self, pool: list[str], subjects: list[str]) -> str | None:
        """The subject a message is about, of those named (`subjects`, in order)."""
        # the deepest subject is the most specific; on a tie a named thing beats a general word
        # ("treatments for liver mets" is about the liver), then the first one named wins
        best = max(pool, key=lambda s: (self.depth[s], s not in self.unmasked, -subjects.index(s)),
                   default=None)
        # a broad word for treatment next to a condition ("tablets for pancreatic NETs",
        # "medication to ease carcinoid heart disease") asks how that condition is treated
        if best and self.subjects[best].get("broad"):
            conditions = [s for s in pool if self.kind.get(s) == "condition" and self.depth[s] > 0]  # not "NETs" itself
            if conditions:
                best = max(conditions, key=lambda s: (self.depth[s], -subjects.index(s)))
        # two of a kind under one parent ("somatuline or sandostatin", "afinitor and sutent",
        # "chemo or the injections"): the question is about what they share, the parent
        parent = self.subjects.get(best, {}).get("parent") if best else None
        if parent and any(s != best and self.subjects[s].get("parent") == parent
                          and self.kind.get(s) == self.kind.get(best) for s in pool):
            best = parent
        return best

    def parents(self, sid: str) -> list[str]:
        """sid, then its parent, grandparent... (the answer lookup chain)."""
        chain = []
        while sid and sid not in chain:
            chain.append(sid)
            sid = self.subjects.get(sid, {}).get("parent")
        return chain
