"""The training data must not contain the evaluation set's messages.

The bot is judged on held-out patient messages written like ../shared/eval/dev_cases.yml;
a dev sentence in the training data would make the dev score say nothing about that.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev_cases.yml"


def _norm(text: str) -> str:
    return " ".join(str(text).lower().strip(" ?.!").split())


def _training_examples():
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                for line in block["examples"].splitlines():
                    if line.strip().startswith("- "):
                        yield path.name, line.strip()[2:]


@pytest.mark.skipif(not DEV.exists(), reason="../shared/eval/dev_cases.yml is not beside the repo")
def test_no_dev_set_message_is_in_the_training_data():
    cases = yaml.safe_load(DEV.read_text(encoding="utf-8"))["cases"]
    dev = {_norm(t) for c in cases for t in ([c["text"]] if c.get("text") else []) + list(c.get("turns") or [])}
    copied = [(f, t) for f, t in _training_examples() if _norm(t) in dev]
    assert not copied
