"""Read the reviewable content files under content/ (YAML, no medical text in code)."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import yaml

from bot.paths import CONTENT_DIR, PROJECT_ROOT  # noqa: F401  (PROJECT_ROOT: used through content.PROJECT_ROOT)

# libyaml's safe loader when PyYAML was built with it: the same result, several times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_LOADER) or {}


@lru_cache(maxsize=None)
def subjects() -> dict:
    """{'subjects': {id: {...}}, 'uncovered': {id: {...}}} from content/subjects.yml."""
    return load_yaml(CONTENT_DIR / "subjects.yml")


@lru_cache(maxsize=None)
def aspects() -> dict:
    return load_yaml(CONTENT_DIR / "aspects.yml")["aspects"]


def answers(root: Path = CONTENT_DIR) -> list[dict]:
    """Every answer of every content/answers/*.yml file, with the file's topic attached."""
    out = []
    for path in sorted((root / "answers").glob("*.yml")):
        doc = load_yaml(path)
        for a in doc.get("answers") or []:
            out.append({**a, "topic": doc.get("topic", path.stem), "file": path.name})
    return out


def glossary(root: Path = CONTENT_DIR) -> list[dict]:
    return load_yaml(root / "glossary.yml").get("terms") or []


def topics() -> list[dict]:
    return load_yaml(CONTENT_DIR / "topics.yml")["topics"]


def responses() -> dict:
    return load_yaml(CONTENT_DIR / "responses.yml")


@lru_cache(maxsize=None)
def people() -> tuple[str, ...]:
    """The one list of people a patient may write about (content/people.yml)."""
    return tuple(str(w) for w in load_yaml(CONTENT_DIR / "people.yml")["people"])


def triage_phrases() -> dict:
    return load_yaml(CONTENT_DIR / "triage.yml")


def dispositions() -> dict:
    """The safety triage's table: situations + modifiers -> disposition (content/dispositions.yml)."""
    return load_yaml(CONTENT_DIR / "dispositions.yml")


KB_INPUTS = ("subjects.yml", "aspects.yml", "source.yml", "glossary.yml", "answers/*.yml")


def kb_files(root: Path = CONTENT_DIR) -> list[Path]:
    """The files the knowledge base is built from (a change makes the database stale)."""
    return sorted(p for pattern in KB_INPUTS for p in root.glob(pattern))


def content_hash(extra: list[Path] = (), root: Path = CONTENT_DIR) -> str:
    h = hashlib.sha256()
    for p in [*kb_files(root), *extra]:
        if p.exists():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]
