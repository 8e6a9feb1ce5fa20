"""Clinical sign-off of everything the bot says (docs/content.md, "Sign-off").

A unit of sign-off is one answer, one glossary entry, one subject label, one fixed reply, or a
whole file with a top-level `review:` block (the triage table and any content/triage*/ files,
topics, the jargon list, the source's provenance...). Its `review:` records

    {status: draft | approved | retired, reviewed_by, role, date, hash}

where `hash` is the hash of what the reviewer read. An approved unit whose text no longer
matches its hash is a draft again: `refresh()` (run by the build) writes it back as a draft
and says which entries changed, so an edit can never keep an old signature.
`approve()` records a decision (`python -m bot approve ID --by NAME --role ROLE`); the file is
edited in place, one line, so comments and layout stay as they are (bot/content/yaml_edit.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from bot import content
from bot.content import CONTENT_DIR, load_yaml, yaml_edit

STATUSES = ("draft", "approved", "retired")
SIGNED = ("approved", "retired")  # decisions that need a name, a role and a hash
# What the reviewer reads, per kind of unit: an edit to any of these undoes the sign-off.
FIELDS = {
    "answer": ("aspect", "subject", "question", "text", "next_step", "cites", "glossary"),
    "glossary": ("term", "aliases", "text"),
    "label": ("label",),
    "reply": ("messages", "buttons"),
}
# Files whose sign-off production mode requires: the triage phrases and its table of rules.
TRIAGE_GLOBS = ("triage.yml", "dispositions.yml", "people.yml", "triage*/**/*.yml", "triage*.yml")


class GovernanceError(ValueError):
    """An unknown id, a bad status, a sign-off without a name."""


def _normal(value):
    """Whitespace-insensitive, order-stable form of a YAML value (dates as text)."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {str(k): _normal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def text_hash(data) -> str:
    blob = json.dumps(_normal(data), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


@dataclass
class Unit:
    kind: str            # answer | glossary | label | reply | file
    key: str             # answer id, glossary term, subject id, reply name, file path under content/
    path: Path           # the YAML file it lives in
    where: tuple         # keys from the document's root to the entry (empty for a file)
    data: dict           # the entry as loaded

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def review(self) -> dict:
        r = self.data.get("review")
        return r if isinstance(r, dict) else {}

    def reviewed(self) -> dict:
        """What the reviewer signs: the kind's fields, or the whole file but its review."""
        if self.kind == "file":
            return {k: v for k, v in self.data.items() if k != "review"}
        return {f: self.data.get(f) for f in FIELDS[self.kind]}

    def hash(self) -> str:
        return text_hash(self.reviewed())

    def stale(self) -> bool:
        """Signed, but the text has changed since (or was never hashed)."""
        return self.review.get("status") in SIGNED and self.review.get("hash") != self.hash()

    @property
    def status(self) -> str:
        """The status that counts: a stale sign-off is a draft, so is an unknown status."""
        s = self.review.get("status")
        if s not in SIGNED or self.stale():
            return "draft"
        return s

    def signer(self) -> str:
        r = self.review
        if r.get("status") not in SIGNED:
            return ""
        return f"{r.get('reviewed_by')} ({r.get('role')}), {r.get('date')}"


def units(root: Path = CONTENT_DIR) -> list[Unit]:
    """Every unit of sign-off under `root` (content/), in a stable order."""
    out: list[Unit] = []
    docs = {path: load_yaml(path) for path in sorted(root.rglob("*.yml"))}
    load = docs.__getitem__
    for path in sorted((root / "answers").glob("*.yml")):
        for i, a in enumerate(load(path).get("answers") or []):
            out.append(Unit("answer", str(a.get("id")), path, ("answers", i), a))
    glossary = root / "glossary.yml"
    if glossary.exists():
        for i, g in enumerate(load(glossary).get("terms") or []):
            out.append(Unit("glossary", str(g.get("term")), glossary, ("terms", i), g))
    subjects = root / "subjects.yml"
    if subjects.exists():
        doc = load(subjects)
        for section in ("subjects", "uncovered"):
            for sid, s in (doc.get(section) or {}).items():
                out.append(Unit("label", sid, subjects, (section, sid), s))
    responses = root / "responses.yml"
    if responses.exists():
        for name, r in (load(responses).get("replies") or {}).items():
            out.append(Unit("reply", name, responses, ("replies", name), r))
    for path, doc in docs.items():
        if isinstance(doc, dict) and isinstance(doc.get("review"), dict):
            out.append(Unit("file", path.relative_to(root).as_posix(), path, (), doc))
    return out


def find(uid: str, root: Path = CONTENT_DIR) -> Unit:
    """A unit by its id ("answer:chd-what-is", "file:triage.yml"), or by its key alone when
    only one unit has that key ("chd-what-is")."""
    all_units = units(root)
    hits = [u for u in all_units if u.id == uid] or [u for u in all_units if u.key == uid]
    if not hits:
        raise GovernanceError(f"no answer, glossary entry, label, reply or file with id {uid!r}")
    if len(hits) > 1:
        raise GovernanceError(f"{uid!r} is ambiguous: say which of {', '.join(u.id for u in hits)}")
    return hits[0]


def review_block(status: str, by: str | None = None, role: str | None = None,
                 date: dt.date | str | None = None, hash_: str | None = None) -> dict:
    return {"status": status, "reviewed_by": by, "role": role,
            "date": str(date) if date else None, "hash": hash_}


def approve(uid: str, by: str, role: str, status: str = "approved", date: dt.date | None = None,
            root: Path = CONTENT_DIR) -> Unit:
    """Record a reviewer's decision in the unit's YAML, with the hash of what they read."""
    if status not in STATUSES:
        raise GovernanceError(f"status must be one of {', '.join(STATUSES)}")
    unit = find(uid, root)
    if status in SIGNED:
        if not (by or "").strip() or not (role or "").strip():
            raise GovernanceError("a sign-off needs the reviewer's name (--by) and role (--role)")
        block = review_block(status, by.strip(), role.strip(), date or dt.date.today(), unit.hash())
    else:
        block = review_block("draft", date=date or dt.date.today())
    yaml_edit.set_review(unit.path, unit.where, block)
    return find(unit.id, root)


@dataclass(frozen=True)
class Change:
    id: str
    was: str  # who had signed it, and when

    def __str__(self) -> str:
        return f"{self.id} changed after sign-off by {self.was}: it is a draft again"


def refresh(root: Path = CONTENT_DIR, today: dt.date | None = None) -> list[Change]:
    """Turn every stale sign-off back into a draft, in the YAML itself; say which."""
    changes = []
    for unit in units(root):
        if unit.stale():
            changes.append(Change(unit.id, unit.signer()))
            yaml_edit.set_review(unit.path, unit.where, review_block("draft", date=today or dt.date.today()))
    content.subjects.cache_clear()
    return changes


def triage_units(root: Path = CONTENT_DIR) -> list[Unit]:
    paths = {p for g in TRIAGE_GLOBS for p in root.glob(g)}
    return [u for u in units(root) if u.kind == "file" and u.path in paths]


def triage_problems(root: Path = CONTENT_DIR) -> list[str]:
    """Why the triage's clinical safety sign-off is missing (empty when it is in place)."""
    found = triage_units(root)
    if not found:
        return ["no triage file with a `review:` block was found under content/"]
    return [f"content/{u.key}: the triage needs the clinical safety officer's sign-off "
            f"(status is {u.status}{', changed since it was signed' if u.stale() else ''}); "
            f"record it with `python -m bot approve {u.id} --by NAME --role ROLE`"
            for u in found if u.status != "approved"]


def production_problems(settings_path: Path | str | None = None, root: Path = CONTENT_DIR) -> list[str]:
    """Why the bot must not start (empty when it may). Development mode: never a problem."""
    from bot import settings as st
    raw = st.read_raw(settings_path)
    if st.mode_of(raw, st.settings_path(settings_path)) != "production":
        return []
    where = st.settings_path(settings_path)
    return [f"{where}: {p}" for p in st.example_values(raw)] + triage_problems(root)


def summary(all_units: list[Unit]) -> dict[str, dict[str, int]]:
    """{kind: {status: count}} for the build log and the review pack."""
    out: dict[str, dict[str, int]] = {}
    for u in all_units:
        out.setdefault(u.kind, {s: 0 for s in STATUSES})[u.status] += 1
    return out


def withheld_ids(kb) -> tuple[set[str], set[str]]:
    """(answer ids, glossary terms) that production mode must not show: not approved."""
    answers = {r["id"] for r in kb.db["answers"].rows if r["review_status"] != "approved"}
    terms = {r["term"] for r in kb.db["glossary"].rows if r["review_status"] != "approved"}
    return answers, terms


def built_mode(db_path: Path | None = None) -> str | None:
    """The settings mode the knowledge base was built with (None: no knowledge base)."""
    import sqlite3

    from bot.content.knowledge_build import DB_PATH
    path = Path(db_path or DB_PATH)
    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute("select value from meta where key = 'mode'").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def approved_topics(topics: list[dict], root: Path = CONTENT_DIR) -> list[dict]:
    """The nurse topics whose answer is approved: production mode offers only these."""
    ok = {(u.data.get("aspect"), u.data.get("subject")) for u in units(root)
          if u.kind == "answer" and u.status == "approved"}
    return [t for t in topics if (t.get("aspect"), t.get("subject")) in ok]
