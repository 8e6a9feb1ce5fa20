"""Safety triage (bot/triage.py + content/triage.yml) against the labelled corpus.

Run `pytest tests/test_triage.py -q`: the last test prints the detection figures even without -s.
"""
from __future__ import annotations

import dataclasses
import statistics
import time
from pathlib import Path

import pytest
import yaml

from bot import content
from bot.triage import Triage, Verdict

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "triage_corpus.yml").read_text(encoding="utf-8"))
URGENT = [(lv, cat, m) for lv in ("emergency", "crisis") for cat, ms in CORPUS[lv].items() for m in ms]
CONCERN = [(cat, m) for cat, ms in CORPUS["concern"].items() for m in ms]
BENIGN = CORPUS["none"]
MAX_BENIGN_FLAGGED = 0.03


@pytest.fixture(scope="module")
def triage() -> Triage:
    return Triage.from_content()


@pytest.fixture(scope="module")
def verdicts(triage):
    """Every corpus message checked once: {text: Verdict}."""
    texts = [m for *_, m in URGENT] + [m for _, m in CONCERN] + BENIGN
    return {t: triage.check(t) for t in texts}


def test_corpus_is_big_enough_and_covers_every_category(triage):
    assert len(URGENT) >= 170 and len(CONCERN) >= 40 and len(BENIGN) >= 120
    file_cats = {lv: set(cats) for lv, cats in content.triage_phrases()["levels"].items()}
    assert {c for lv, c, _ in URGENT if lv == "emergency"} == file_cats["emergency"]
    assert {c for lv, c, _ in URGENT if lv == "crisis"} == file_cats["crisis"]
    assert {c for c, _ in CONCERN} <= file_cats["concern"]


@pytest.mark.parametrize("level,category,text", URGENT)
def test_every_urgent_phrasing_is_detected_at_its_level(verdicts, level, category, text):
    assert verdicts[text].level == level, f"{text!r} -> {verdicts[text]}"


@pytest.mark.parametrize("category,text", CONCERN)
def test_concern_phrasings_are_concern_not_emergency(verdicts, category, text):
    assert verdicts[text].level == "concern", f"{text!r} -> {verdicts[text]}"


def test_benign_flagged_rate_is_low(verdicts):
    flagged = [(t, verdicts[t]) for t in BENIGN if verdicts[t].level != "none"]
    assert len(flagged) / len(BENIGN) <= MAX_BENIGN_FLAGGED, flagged
    assert not [t for t, v in flagged if v.level in ("emergency", "crisis")], flagged


def test_categories_are_reported(verdicts):
    wrong = [(c, t, verdicts[t].category) for lv, c, t in URGENT if verdicts[t].category != c]
    assert len(wrong) <= 0.05 * len(URGENT), wrong


@pytest.mark.parametrize("text", [
    "what is carcinoid heart disease", "does lanreotide help breathlessness?",
    "can carcinoid syndrome cause flushing", "what happens if the heart valves are damaged", "how long have I got",
    "can lanreotide cause chest pain?", "what are the signs of a carcinoid crisis?",
])
def test_information_questions_are_not_emergencies(triage, text):
    assert triage.check(text).level not in ("emergency", "crisis")


@pytest.mark.parametrize("text", [
    "no chest pain, just wondering about lanreotide", "I don't have chest pain", "i dont have chest pain",
    "I haven't collapsed", "he is not breathless", "never fainted",
])
def test_negated_mentions_do_not_escalate_but_are_reported(triage, text):
    v = triage.check(text)
    assert (v.level, v.negated) == ("none", True) and v.category, v


@pytest.mark.parametrize("text,level", [
    ("no chest pain but I can't breathe", "emergency"),         # only the first mention is negated
    ("No I cant breathe", "emergency"),                         # "no" answering, not negating
    ("I can't stop vomiting blood", "emergency"),
    ("can lanreotide cause chest pain? I have it now", "emergency"),  # personal cue anywhere escalates
    ("is chest pain dangerous?", "emergency"),                  # doubt cue: probably has it
    ("I'm not suicidal but I have been cutting myself", "crisis"),  # crisis ignores negation
])
def test_when_in_doubt_escalate(triage, text, level):
    assert triage.check(text).level == level


def test_ranking_crisis_over_emergency_over_concern(triage):
    assert triage.check("my ankles are swollen and I have chest pain").level == "emergency"
    assert triage.check("chest pain and I want to kill myself").level == "crisis"
    assert triage.check("really breathless on the stairs").level == "concern"   # exertion: not urgent
    assert triage.check("suddenly really breathless on the stairs").level == "emergency"


@pytest.mark.parametrize("text", ["", "   ", None, "😀🙂😱", "Я не могу дышать", "胸痛", "\x00\n\t", "?!" * 500,
                                  "a" * 100_000, ("hello 😀 胸が痛い lanreotide " * 4000)[:100_000]])
def test_odd_input_is_safe(triage, text):
    assert triage.check(text) == Verdict()


def test_red_flag_inside_a_huge_message_is_found(triage):
    filler = "how often is lanreotide given 😀 " * 3500                  # ~115 KB: several chunks
    v = triage.check(filler + " my husband has collapsed " + filler)
    assert (v.level, v.category) == ("emergency", "collapse")


def test_check_doc_agrees_with_check(triage):
    for text in ["My husband COLAPSED", "cant breath", "my ankles are swollen", "hello"]:
        assert triage.check_doc(triage.nlp(text)) == triage.check(text)
        normalised = triage.nlp(triage.normalise(text))
        assert triage.check_doc(normalised) == triage.check(text)


def test_verdict_is_small_and_frozen():
    v = Verdict("emergency", "chest_pain", "chest ... <chest_word>")
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.level = "none"


def test_phrases_really_come_from_the_file(triage, tmp_path, monkeypatch):
    phrases = content.triage_phrases()
    assert triage.check("my toes went tingly").level == "none"
    phrases["levels"]["emergency"]["stroke"]["phrases"].append("toes ... tingly")
    (tmp_path / "triage.yml").write_text(yaml.safe_dump(phrases), encoding="utf-8")
    monkeypatch.setattr(content, "CONTENT_DIR", tmp_path)
    changed = Triage.from_content(nlp=triage.nlp)
    assert changed.check("my toes went tingly") == Verdict("emergency", "stroke", "toes ... tingly")
    assert Triage.from_file(tmp_path / "triage.yml", nlp=triage.nlp).check("toes are tingly").level == "emergency"


def test_yaml_booleans_are_refused(triage, tmp_path):
    bad = tmp_path / "triage.yml"
    bad.write_text("negation_cues: [no, not]\nlevels: {}\n", encoding="utf-8")   # bare `no` is False in YAML
    with pytest.raises(ValueError, match="quote"):
        Triage.from_file(bad, nlp=triage.nlp)


def _timings(triage, n=3):
    texts = [m for *_, m in URGENT] + [m for _, m in CONCERN] + BENIGN
    out = []
    for _ in range(n):
        for t in texts:
            start = time.perf_counter()
            triage.check(t)
            out.append((time.perf_counter() - start) * 1000)
    return sorted(out)


def test_fast_enough(triage):
    ms = _timings(triage)
    assert statistics.median(ms) < 2.0, statistics.median(ms)


def test_zz_summary(verdicts, triage, capsys):
    """Print the figures (shown in normal pytest output, not only with -s)."""
    lines = ["", "Safety triage on tests/data/triage_corpus.yml", f"{'expected':38}  detected"]
    for lv, cats in (("emergency", CORPUS["emergency"]), ("crisis", CORPUS["crisis"]),
                     ("concern", CORPUS["concern"])):
        for cat, msgs in cats.items():
            hit = sum(verdicts[m].level == lv for m in msgs)
            same = sum(verdicts[m].level == lv and verdicts[m].category == cat for m in msgs)
            lines.append(f"  {lv + '/' + cat:36}  {hit:3}/{len(msgs):<3} {hit / len(msgs):6.1%}"
                         f"  (same category {same}/{len(msgs)})")
    urgent_hit = sum(verdicts[m].level == lv for lv, _, m in URGENT)
    concern_em = sum(verdicts[m].level == "emergency" for _, m in CONCERN)
    flagged = [t for t in BENIGN if verdicts[t].level != "none"]
    ms = _timings(triage, n=1)
    lines += [f"  emergency+crisis detected: {urgent_hit}/{len(URGENT)} ({urgent_hit / len(URGENT):.1%})",
              f"  concern flagged as emergency: {concern_em}/{len(CONCERN)}",
              f"  benign flagged: {len(flagged)}/{len(BENIGN)} ({len(flagged) / len(BENIGN):.1%}) {flagged}",
              f"  time per message: median {statistics.median(ms):.2f} ms, max {ms[-1]:.2f} ms"]
    with capsys.disabled():
        print("\n".join(lines))


@pytest.mark.parametrize("text,level", [
    ("bp 70/40 and he is very drowsy", "emergency"),      # readings: top number 90 or lower
    ("blood pressure 68 over 35 and grey", "emergency"),
    ("my bp was 130/85 at the gp", "none"),
    ("bp 165/100 at the pharmacy", "concern"),            # 150 or more: tell the team
    ("sats 84% on the finger thing", "emergency"),        # oxygen 91% or lower
    ("sats 97% this morning", "none"),
    ("sugar 2.1 and she is confused", "emergency"),       # a hypo with confusion
])
def test_numbers_in_a_message_are_read(triage, text, level):
    assert triage.check(text).level == level, triage.check(text)
