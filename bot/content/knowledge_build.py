"""Build the SQLite knowledge base (build/knowledge.db) from content/ with sqlite-utils.

Tables: passages, subjects, subject_names, answers, glossary (the last three with
full-text search) and meta (content hash, build time) so the service can spot a stale file.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlite_utils

from bot import content
from bot.content import CONTENT_DIR, governance
from bot.content.source import load_passages
from bot.paths import KNOWLEDGE_DB

DB_PATH = KNOWLEDGE_DB
SCHEMA_VERSION = "2"  # 2: answers.glossary (links), meta.mode


class ContentError(ValueError):
    """The content files disagree with each other (an unknown subject, a missing cite...)."""


def _review(unit: governance.Unit | None) -> dict:
    """The sign-off that counts (bot/content/governance.py): a text changed since it was signed is a draft."""
    if unit is None:
        return {"review_status": "draft", "reviewed_by": None, "review_date": ""}
    r = unit.review if unit.status != "draft" else {}
    return {"review_status": unit.status, "reviewed_by": r.get("reviewed_by"),
            "review_date": str(r.get("date") or "")}


def check_content(answers: list[dict], vocab: dict, aspects: dict, passages: dict,
                  glossary: list[dict] = ()) -> None:
    errors, seen = [], {}
    terms = {str(g.get("term")).lower() for g in glossary}
    for a in answers:
        where = f"{a.get('file')}:{a.get('id')}"
        if a.get("subject") not in vocab["subjects"]:
            errors.append(f"{where}: unknown subject {a.get('subject')!r}")
        if a.get("aspect") not in aspects:
            errors.append(f"{where}: unknown aspect {a.get('aspect')!r}")
        for c in a.get("cites") or []:
            if c not in passages:
                errors.append(f"{where}: cites unknown passage {c!r}")
        for t in a.get("glossary") or []:
            if str(t).lower() not in terms:
                errors.append(f"{where}: links unknown glossary term {t!r}")
        if not a.get("cites"):
            errors.append(f"{where}: cites no passage")
        key = (a.get("aspect"), a.get("subject"))
        if key in seen:
            errors.append(f"{where}: same aspect and subject as {seen[key]}")
        seen[key] = where
    if errors:
        raise ContentError("Content problems:\n  " + "\n  ".join(errors))


def build(db_path: Path = DB_PATH, root: Path = CONTENT_DIR, mode: str = "development") -> dict:
    """Rebuild the database from scratch; return counts for the build log. Retired answers and
    glossary entries are left out; each row keeps the sign-off status that counts, which
    production mode uses to withhold drafts (bot/answers/composer.py)."""
    vocab, aspects, passages = content.subjects(), content.aspects(), load_passages()
    signed = {(u.kind, u.key): u for u in governance.units(root)}
    answers = [a for a in content.answers(root)
               if _review(signed.get(("answer", str(a.get("id")))))["review_status"] != "retired"]
    glossary = [g for g in content.glossary(root)
                if _review(signed.get(("glossary", str(g.get("term")))))["review_status"] != "retired"]
    check_content(answers, vocab, aspects, passages, glossary)

    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite_utils.Database(tmp)
    db["passages"].insert_all(passages.values(), pk="id")
    db["passages"].enable_fts(["title", "text"])
    db["subjects"].insert_all(
        [{"id": sid, "label": s["label"], "parent": s.get("parent"), "covered": True}
         for sid, s in vocab["subjects"].items()]
        + [{"id": sid, "label": s["label"], "parent": None, "covered": False}
           for sid, s in (vocab.get("uncovered") or {}).items()], pk="id")
    db["subject_names"].insert_all(
        [{"name": str(n).lower(), "subject": sid}
         for section in ("subjects", "uncovered") for sid, s in (vocab.get(section) or {}).items()
         for n in s["names"]], pk=("name", "subject"), ignore=True)
    db["answers"].insert_all(
        [{"id": a["id"], "aspect": a["aspect"], "subject": a["subject"], "question": a["question"],
          "text": " ".join(a["text"].split()), "next_step": a["next_step"],
          "cites": json.dumps(a["cites"]), "topic": a["topic"],
          "glossary": json.dumps([str(t) for t in a.get("glossary") or []]),
          **_review(signed.get(("answer", str(a["id"]))))} for a in answers],
        pk="id")
    db["answers"].create_index(["aspect", "subject"], unique=True)
    db["answers"].enable_fts(["question", "text"])
    db["glossary"].insert_all(
        [{"term": g["term"].lower(), "aliases": json.dumps([x.lower() for x in g.get("aliases") or []]),
          "text": " ".join(g["text"].split()), **_review(signed.get(("glossary", str(g["term"]))))}
         for g in glossary], pk="term")
    db["glossary"].enable_fts(["term", "aliases", "text"])
    drafts = sum(1 for u in signed.values() if u.status == "draft")
    db["meta"].insert_all([
        {"key": "schema_version", "value": SCHEMA_VERSION},
        {"key": "content_hash", "value": content.content_hash(root=root)},
        {"key": "mode", "value": mode},
        {"key": "built_at", "value": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
    ], pk="key")
    db.close()
    tmp.replace(db_path)  # atomic: a running action server never sees a half-built file
    return {"passages": len(passages), "answers": len(answers), "glossary": len(glossary),
            "subjects": len(vocab["subjects"]), "drafts": drafts}
