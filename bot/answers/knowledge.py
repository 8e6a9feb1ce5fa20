"""KnowledgeService: the one class that reads the knowledge base.

Actions ask it for (aspect, subject) answers; it walks the subject's parent chain, falls back
to the closest overview, and says when the source does not cover something.
"""
from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from bot import content
from bot.content.knowledge_build import DB_PATH, SCHEMA_VERSION

OVERVIEW_ASPECTS = ("what_is", "how_treated", "who_for", "what_for")
BUILD_HINT = "Build it with `make build` (or `python -m bot build`)."


class KnowledgeBaseUnavailable(RuntimeError):
    """Missing, stale or broken knowledge base; the message says how to fix it."""


@dataclass(frozen=True)
class Answer:
    id: str
    aspect: str
    subject: str
    question: str
    text: str
    next_step: str
    cites: tuple[str, ...]
    passage_labels: tuple[str, ...]  # plain names of the cited parts, without repeats
    exact: bool  # False: no answer for this aspect, this is the subject's overview


class KnowledgeService:
    def __init__(self, db_path: Path | str = DB_PATH, check_fresh: bool = True):
        path = Path(db_path)
        if not path.exists():
            raise KnowledgeBaseUnavailable(f"No knowledge base at {path}. {BUILD_HINT}")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self._terms: list[tuple[str, str, str]] | None = None  # glossary names, longest first
        try:
            meta = {r["key"]: r["value"] for r in self.db["meta"].rows}
        except sqlite3.DatabaseError as e:
            raise KnowledgeBaseUnavailable(f"Knowledge base {path} is unreadable ({e}). {BUILD_HINT}")
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise KnowledgeBaseUnavailable(f"Knowledge base {path} has an old layout. {BUILD_HINT}")
        if check_fresh and meta.get("content_hash") != content.content_hash():
            raise KnowledgeBaseUnavailable(
                f"Knowledge base {path} is older than the files in content/. {BUILD_HINT}")
        self.built_at = meta.get("built_at")
        self._subjects = {r["id"]: r for r in self.db["subjects"].rows}
        self._passages = {r["id"]: r for r in self.db["passages"].rows}

    # --- subjects -------------------------------------------------------------
    def label(self, subject: str) -> str:
        row = self._subjects.get(subject)
        return row["label"] if row else subject

    def is_covered(self, subject: str) -> bool:
        row = self._subjects.get(subject)
        return bool(row and row["covered"])

    def chain(self, subject: str) -> list[str]:
        out = []
        while subject in self._subjects and subject not in out:
            out.append(subject)
            subject = self._subjects[subject]["parent"]
        return out

    # --- answers --------------------------------------------------------------
    def _row(self, aspect: str, subject: str) -> dict | None:
        rows = list(self.db["answers"].rows_where("aspect = ? and subject = ?", [aspect, subject]))
        return rows[0] if rows else None

    def _answer(self, row: dict, exact: bool) -> Answer:
        cites = tuple(json.loads(row["cites"]))
        return Answer(id=row["id"], aspect=row["aspect"], subject=row["subject"],
                      question=row["question"], text=row["text"], next_step=row["next_step"],
                      cites=cites, exact=exact,
                      passage_labels=tuple(dict.fromkeys(self._passages[c]["label"] for c in cites
                                                         if c in self._passages)))

    def answer(self, aspect: str, subject: str) -> Answer | None:
        """The answer for aspect x subject, else a parent's, else the closest overview."""
        chain = self.chain(subject)
        for s in chain:
            row = self._row(aspect, s)
            if row:
                return self._answer(row, exact=True)
        for s in chain:
            for a in OVERVIEW_ASPECTS:
                row = self._row(a, s)
                if row:
                    return self._answer(row, exact=False)
        return None

    def closest(self, aspects: list[str], subject: str) -> tuple[str, Answer] | None:
        """Of several readings of a question, the one whose answer is most about `subject`
        itself (fewest steps up its parent chain); ties go to the earlier reading."""
        chain = self.chain(subject)
        best = None
        for rank, aspect in enumerate(dict.fromkeys(aspects)):
            ans = self.answer(aspect, subject)
            if ans and ans.exact and ans.subject in chain:
                key = (chain.index(ans.subject), rank)
                if best is None or key < best[0]:
                    best = (key, aspect, ans)
        return (best[1], best[2]) if best else None

    def by_id(self, answer_id: str) -> Answer | None:
        rows = list(self.db["answers"].rows_where("id = ?", [answer_id]))
        return self._answer(rows[0], exact=True) if rows else None

    def search(self, text: str, limit: int = 2) -> list[Answer]:
        """Answers whose words best match `text` (full-text search), for suggestions."""
        words = [w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split() if len(w) > 2]
        if not words:
            return []
        query = " OR ".join(f'"{w}"' for w in words[:20])
        try:
            rows = list(self.db["answers"].search(query, limit=limit))
        except sqlite3.OperationalError:
            return []
        return [self._answer(r, exact=True) for r in rows]

    def glossary(self, term: str) -> str | None:
        term = term.lower().strip()
        row = next(self.db["glossary"].rows_where("term = ?", [term]), None)
        if row:
            return row["text"]
        for r in self.db["glossary"].rows:
            if term in json.loads(r["aliases"]):
                return r["text"]
        return None

    def find_term(self, text: str) -> tuple[str, str] | None:
        """(term, plain meaning) of the longest glossary word or alias named in `text`."""
        if self._terms is None:
            names = []
            for r in self.db["glossary"].rows:
                for name in [r["term"], *json.loads(r["aliases"])]:
                    names.append((str(name).lower(), r["term"], r["text"]))
            self._terms = sorted(names, key=lambda n: -len(n[0]))
        low = (text or "").lower()
        for name, term, meaning in self._terms:
            if re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", low):
                return term, meaning
        return None

    def counts(self) -> dict:
        return {t: self.db[t].count for t in ("answers", "glossary", "passages", "subjects")}
