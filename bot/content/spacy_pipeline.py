"""The project's spaCy pipeline, built in code (spaCy models cannot be downloaded here).

A blank English pipeline with a lookup lemmatizer (tables from spacy-lookups-data, copied
into the saved pipeline so they are not needed at run time) and an entity ruler whose
patterns come from content/subjects.yml: every name of a subject becomes a SUBJECT entity
whose `ent_id_` is the canonical subject id; topics the source does not cover become
UNCOVERED entities. Rasa's SpacyNLP loads the saved pipeline from build/spacy_model.
"""
from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from bot import content
from bot.paths import SPACY_MODEL_DIR

MODEL_DIR = SPACY_MODEL_DIR
SUBJECT, UNCOVERED = "SUBJECT", "UNCOVERED"


def ruler_patterns(vocab: dict | None = None) -> list[dict]:
    """Entity-ruler patterns: each name matched on lower-cased tokens and on lemmas."""
    vocab = vocab or content.subjects()
    nlp = spacy.blank("en")  # tokenizer only: split names exactly as messages are split
    patterns = []
    for label, section in ((SUBJECT, "subjects"), (UNCOVERED, "uncovered")):
        for sid, spec in (vocab.get(section) or {}).items():
            for name in spec["names"]:
                toks = [t.text.lower() for t in nlp.make_doc(str(name))]
                patterns.append({"label": label, "id": sid, "pattern": [{"LOWER": t} for t in toks]})
                # plural/inflected forms ("injections", "operated") via the lemma
                if len(toks) == 1 and len(toks[0]) > 3:
                    patterns.append({"label": label, "id": sid, "pattern": [{"LEMMA": toks[0]}]})
    return patterns


def build_pipeline(vocab: dict | None = None) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler")
    nlp.initialize()  # loads the lookup tables; also empties the ruler, so patterns come after
    ruler.add_patterns(ruler_patterns(vocab))
    return nlp


def save_pipeline(path: Path = MODEL_DIR) -> Path:
    nlp = build_pipeline()
    path.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path


def load_pipeline(path: Path = MODEL_DIR) -> Language:
    if not (path / "config.cfg").exists():
        raise FileNotFoundError(f"No spaCy pipeline at {path}. Build it with `make build`.")
    return spacy.load(path)
