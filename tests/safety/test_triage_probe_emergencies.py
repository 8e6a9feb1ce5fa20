"""Every emergency, crisis and urgent message in our probe set gets its disposition from the
phrase triage alone (content/triage.yml + content/dispositions.yml).

The e2e probe test runs the whole bot, where the classifier can cover for a phrase the triage
lacks (a retrain on 2026-11-28 showed that for "blood is pouring from my wound"). The emergency
path must not depend on the classifier, so it is checked here without it. (Non-urgent symptom
reports may be recognised by the classifier too; only emergencies carry this rule.)
"""
from __future__ import annotations

import pytest
import yaml

from bot.paths import PROJECT_ROOT
from bot.safety.triage import Triage

PROBES = PROJECT_ROOT / "tests" / "e2e" / "probe_cases.yml"
CASES = yaml.safe_load(PROBES.read_text(encoding="utf-8"))["cases"]
EMERGENCIES = [(c["id"], c.get("turns") or [c["text"]]) for c in CASES if c["kind"] == "emergency"]
# a crisis said together with an act or a plan is an emergency: 999 first is right for both
WANT = {"emergency": {"emergency"}, "crisis": {"crisis", "emergency"}, "urgent": {"urgent"}}
SAFETY = [(c["id"], c["kind"], c.get("turns") or [c["text"]]) for c in CASES if c["kind"] in WANT]


@pytest.fixture(scope="module")
def triage() -> Triage:
    return Triage.from_content()


def test_the_probe_set_has_emergencies():
    assert len(EMERGENCIES) >= 50


@pytest.fixture(scope="module")
def language():
    from bot.understanding.language import OtherLanguage
    return OtherLanguage()


@pytest.mark.parametrize("case_id,kind,turns", SAFETY, ids=[c[0] for c in SAFETY])
def test_probe_safety_case_gets_its_disposition_from_the_phrase_triage(triage, language, case_id, kind, turns):
    # in a conversation, the signal is in one of the turns (usually the last). A message
    # partly in another language may hide its red flag from the English phrases: the channel
    # then puts "If this is an emergency ... call 999 now" first (bot/understanding/language.py), which
    # depends on neither the classifier nor the action server either.
    assert any(triage.check(t).disposition in WANT[kind] or language.detect(t) for t in turns), turns


def test_only_a_few_probe_emergencies_rely_on_the_language_safety_net(triage, language):
    relying = [cid for cid, turns in EMERGENCIES
               if not any(triage.check(t).disposition == "emergency" for t in turns)]
    assert all(any(language.detect(t) for t in turns) for cid, turns in EMERGENCIES if cid in relying)
    assert len(relying) <= 25, relying
