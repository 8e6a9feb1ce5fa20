"""The deterministic triage, not the classifier, catches every safety phrasing in the NLU data.

The classifier is trained on these examples too, but the emergency path must not depend on
its confidence: each example labelled emergency / emergency_crisis / urgent_symptom /
report_symptom must be given that intent's disposition by the phrase triage (content/
dispositions.yml), and no other example may be sent to 999 or the crisis reply.
"""
from __future__ import annotations

import pytest
import yaml

from bot.paths import PROJECT_ROOT
from bot.safety.triage import Triage

NLU = PROJECT_ROOT / "data" / "nlu"
# intent -> dispositions its examples may get (a thought said with an act or a plan is an emergency)
LEVEL = {"emergency": {"emergency"}, "emergency_crisis": {"crisis", "emergency"}, "urgent_symptom": {"urgent"},
         "report_symptom": {"soon"}}


def _examples():
    for path in sorted(NLU.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                text = line.strip()[2:].strip()
                if text:
                    yield block["intent"], text


EXAMPLES = list(_examples())
SAFETY = [(i, t) for i, t in EXAMPLES if i in LEVEL]
OTHER = [(i, t) for i, t in EXAMPLES if i not in LEVEL]


@pytest.fixture(scope="module")
def triage() -> Triage:
    return Triage.from_content()


def test_there_are_safety_examples():
    assert len(SAFETY) >= 250 and len(OTHER) >= 1500


@pytest.mark.parametrize("intent,text", SAFETY)
def test_safety_example_is_caught_by_the_phrase_triage(triage, intent, text):
    assert triage.check(text).disposition in LEVEL[intent]


def test_no_other_example_is_an_emergency(triage):
    wrong = [(i, t) for i, t in OTHER if triage.check(t).disposition in ("emergency", "crisis")]
    assert not wrong
