"""Ingest the source article: drop web boilerplate, apply reviewed corrections, cut passages.

The article is messy (boilerplate at the end, a typo, headings lost): the passage map in
content/source.yml says where each passage starts, so ingestion never guesses.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content import CONTENT_DIR, load_yaml


class SourceMissing(FileNotFoundError):
    """The source article is not where the settings say."""


class SourceMismatch(ValueError):
    """A passage anchor in content/source.yml is not in the article."""


def source_spec() -> dict:
    return load_yaml(CONTENT_DIR / "source.yml")


def source_path() -> Path:
    spec = source_spec()["source"]
    return Path(os.environ.get("NETBOT_SOURCE") or (PROJECT_ROOT / spec["default_path"])).resolve()


def clean_text(raw: str, spec: dict) -> str:
    text = raw.replace("\r\n", "\n")
    marker = spec.get("end_marker")
    if marker and marker in text:
        text = text[: text.index(marker)]
    for wrong, right in (spec.get("corrections") or {}).items():
        text = text.replace(wrong, right)
    return text


def split_passages(text: str, passages: list[dict]) -> dict[str, str]:
    """{passage id: text}. A passage ends where the next one starts or its paragraph ends."""
    flat = re.sub(r"[ \t]+", " ", text)
    starts = []
    for p in passages:
        i = flat.find(p["starts"])
        if i < 0:
            raise SourceMismatch(f"passage '{p['id']}': anchor {p['starts']!r} not in the source")
        starts.append(i)
    out = {}
    for k, p in enumerate(passages):
        begin = starts[k]
        ends = [s for s in starts if s > begin]
        para_end = flat.find("\n\n", begin)
        candidates = [e for e in ends + [para_end] if e > begin]
        end = min(candidates) if candidates else len(flat)
        out[p["id"]] = " ".join(flat[begin:end].split())
    return out


def load_passages(path: Path | None = None) -> dict[str, dict]:
    """{id: {"id", "title", "text"}} in source order. Raises SourceMissing with a clear hint."""
    spec = source_spec()
    path = Path(path) if path else source_path()
    if not path.exists():
        raise SourceMissing(
            f"The source article is not at {path}. Put the shared folder beside the project "
            f"(../shared) or set NETBOT_SOURCE to the article's path."
        )
    text = clean_text(path.read_text(encoding="utf-8"), spec["source"])
    texts = split_passages(text, spec["passages"])
    return {p["id"]: {"id": p["id"], "title": p["title"], "label": p.get("label", p["title"]),
                      "text": texts[p["id"]]} for p in spec["passages"]}


def placeholders(spec: dict | None = None) -> dict:
    """{source_name}, {source_posted}, {source_posted_year}, {source_written} for the replies:
    what is known about the article (content/source.yml), so no reply states its age itself."""
    src = (spec or source_spec())["source"]
    posted = src["posted"]
    if isinstance(posted, str):
        posted = dt.date.fromisoformat(posted)
    return {"source_name": src["name"], "source_posted": f"{posted.day} {posted:%B %Y}",
            "source_posted_year": str(posted.year), "source_written": src["written"]}


def parts(labels) -> str:
    """'part on the heart', 'parts on surgery, drug treatment and liver treatment'."""
    labels = list(dict.fromkeys(labels)) or ["treatment"]
    if len(labels) == 1:
        return f"part on {labels[0]}"
    return f"parts on {', '.join(labels[:-1])} and {labels[-1]}"
