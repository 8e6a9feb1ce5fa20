"""The clinician's review pack: one printable HTML document (`make review-pack`).

For each topic, every answer as the patient sees it (answer, word meanings, next step, source
line), the source passage(s) it cites, its reading grade, the medical words it does not
explain, its sign-off status and who signed it, and empty boxes for the reviewer's decision.
Then the glossary, the subject labels, the fixed replies, the file-level sign-offs (triage...)
and how the answers read the source where it is unclear. Decisions go back into the YAML with
`python -m bot approve ID --by NAME --role ROLE`, never by hand.

Rendered with Jinja2 (autoescaped), from the built knowledge base, so what the pack shows is
what the bot says.
"""
from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot import PROJECT_ROOT, content
from bot.answers.composer import Composer
from bot.answers.knowledge import KnowledgeService
from bot.answers.replies import Replies
from bot.content import governance, jargon, source
from bot.content.readability import fk_grade
from bot.settings import Settings

OUT = PROJECT_ROOT / "build" / "review-pack.html"
TEMPLATES = Path(__file__).resolve().parent / "templates"
# what a reply needs to be shown as a patient would see it
SAMPLE = {"topic": "PRRT", "aspect": "how often sunitinib is given", "term": "indolent",
          "meaning": "Slow to grow.", "next_step": "(the answer's next step)", "parts": "part on the heart",
          "lines": "(the linked words and their meanings)"}


def _grade(text: str) -> float | None:
    g = fk_grade(text)
    return round(g, 1) if g is not None else None


def answer_cards(kb: KnowledgeService, comp: Composer, units: dict, passages: dict) -> OrderedDict:
    """{topic title: [card]} in the order of content/answers/*.yml."""
    topics: OrderedDict = OrderedDict()
    for a in content.answers():
        shown = kb.by_id(a["id"])
        messages = comp.answer(a["aspect"], shown) if shown else []
        unit = units.get(f"answer:{a['id']}")
        seen = " ".join(m["text"] for m in messages)
        topics.setdefault(a["topic"], []).append({
            "id": a["id"], "uid": f"answer:{a['id']}", "question": a["question"],
            "messages": [m["text"] for m in messages],
            "passages": [passages[c] for c in a["cites"] if c in passages],
            "grade": _grade(a["text"]), "grade_all": _grade(seen),
            "unexplained": jargon.unexplained(a),
            "glossary": a.get("glossary") or [],
            "status": unit.status if unit else "draft", "signer": unit.signer() if unit else "",
            "stale": unit.stale() if unit else False, "hash": unit.hash() if unit else "",
        })
    return topics


def build_context(settings: Settings | None = None) -> dict:
    settings = settings or Settings.load()
    kb = KnowledgeService()
    replies = Replies(settings)
    comp = Composer(kb, replies)
    comp.withheld, comp.withheld_terms = set(), set()  # the pack shows every draft
    all_units = governance.units()
    units = {u.id: u for u in all_units}
    passages = source.load_passages()
    spec = source.source_spec()

    def unit_row(u: governance.Unit, shown: str) -> dict:
        return {"uid": u.id, "key": u.key, "shown": shown, "status": u.status, "signer": u.signer(),
                "stale": u.stale(), "hash": u.hash()}

    glossary = [unit_row(u, u.data.get("text", "")) | {"aliases": u.data.get("aliases") or [],
                                                      "grade": _grade(u.data.get("text", ""))}
                for u in all_units if u.kind == "glossary"]
    labels = [unit_row(u, u.data.get("label", "")) | {"section": u.where[0]}
              for u in all_units if u.kind == "label"]
    fixed = []
    for u in all_units:
        if u.kind == "reply":
            texts = [m["text"] for m in replies.messages(u.key, **SAMPLE)]
            fixed.append(unit_row(u, "\n\n".join(texts)) | {"domain": bool(u.data.get("domain")),
                                                            "grade": _grade(" ".join(texts))})
    files = [unit_row(u, "") for u in all_units if u.kind == "file"]
    return {
        "generated": dt.datetime.now().strftime("%d %B %Y, %H:%M"),
        "clinic": settings.clinic_name, "mode": settings.mode,
        "source": spec["source"] | source.placeholders(), "interpretations": spec.get("interpretations") or [],
        "topics": answer_cards(kb, comp, units, passages),
        "glossary": glossary, "labels": labels, "replies": fixed, "files": files,
        "summary": governance.summary(all_units),
        "jargon": [w.term for w in jargon.word_list()],
    }


def render(context: dict) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("review-pack.html").render(**context)


def write(out: Path | str | None = None) -> Path:
    path = Path(out) if out else OUT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(build_context()), encoding="utf-8")
    return path
