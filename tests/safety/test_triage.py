"""Safety triage (bot/safety/triage.py + content/triage.yml + content/dispositions.yml) against the
labelled corpus, by disposition. What the patient then sees first is tests/safety/test_dispositions.py.

Run `pytest tests/safety/test_triage.py -q`: the last test prints the detection figures even without -s.
"""
from __future__ import annotations

import dataclasses
import statistics
import time

import pytest
import yaml

from bot import content
from bot.paths import PROJECT_ROOT
from bot.safety.triage import Triage, Verdict

CORPUS = yaml.safe_load((PROJECT_ROOT / "tests" / "data" / "triage_corpus.yml").read_text(encoding="utf-8"))
CONTENT = content.CONTENT_DIR
RED_FLAGS = [(d, cat, m) for d in ("emergency", "crisis", "urgent", "soon") for cat, ms in CORPUS[d].items()
             for m in ms]
URGENT = [x for x in RED_FLAGS if x[0] in ("emergency", "crisis")]
CONCERN = [(cat, m) for d, cat, m in RED_FLAGS if d in ("urgent", "soon")]
BENIGN = CORPUS["none"]
MILD = CORPUS["mild"]
# benign sent to the team or GP: past emergencies ("my aunt had a heart attack years ago") get the
# `soon` reply by design (emergency_not_now), and the benign list is full of them
MAX_BENIGN_FLAGGED = 0.07
MAX_TO_999 = 0.01           # benign and mild sent to 999


@pytest.fixture(scope="module")
def triage() -> Triage:
    return Triage.from_content()


@pytest.fixture(scope="module")
def verdicts(triage):
    """Every corpus message checked once: {text: Verdict}."""
    texts = [m for *_, m in RED_FLAGS] + BENIGN + MILD
    return {t: triage.check(t) for t in texts}


def test_corpus_is_big_enough_and_covers_every_situation(triage):
    assert len(RED_FLAGS) >= 300 and len(BENIGN) + len(MILD) >= 300 and len(MILD) >= 80
    file_cats = {c for cats in content.triage_phrases()["levels"].values() for c in cats}
    found = {c for v in map(triage.check, [m for *_, m in RED_FLAGS]) for c, _ in v.situations}
    assert file_cats - {"oblique_farewell"} <= found, file_cats - found   # context across turns: tests/e2e


@pytest.mark.parametrize("disposition,category,text", RED_FLAGS)
def test_every_red_flag_gets_its_disposition(verdicts, disposition, category, text):
    assert verdicts[text].disposition == disposition, f"{text!r} -> {verdicts[text]}"


def test_benign_flagged_rate_is_low(verdicts):
    flagged = [(t, verdicts[t]) for t in BENIGN if verdicts[t].disposition != "none"]
    assert len(flagged) / len(BENIGN) <= MAX_BENIGN_FLAGGED, flagged
    assert not [t for t, v in flagged if v.disposition == "crisis"], flagged


def test_benign_and_mild_messages_are_rarely_sent_to_999(verdicts):
    to_999 = [t for t in BENIGN + MILD if verdicts[t].disposition == "emergency"]
    assert len(to_999) <= MAX_TO_999 * len(BENIGN + MILD), to_999


def test_every_decision_names_its_rule(verdicts):
    assert all(verdicts[m].rule for *_, m in RED_FLAGS)
    assert not any(verdicts[t].rule for t in BENIGN if verdicts[t].disposition == "none")


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
    ("I'm not suicidal but I have been thinking about ending it all", "crisis"),  # crisis ignores negation
])
def test_when_in_doubt_escalate(triage, text, level):
    assert triage.check(text).disposition == level


def test_the_most_urgent_disposition_wins(triage):
    assert triage.check("my ankles are swollen and I have chest pain").disposition == "emergency"
    assert triage.check("chest pain and I want to kill myself").disposition == "emergency"
    assert triage.check("really breathless on the stairs").disposition == "soon"   # exertion: not urgent
    assert triage.check("suddenly really breathless on the stairs").disposition == "emergency"
    assert triage.check("on chemo with a fever and my ankles are puffy").disposition == "urgent"


@pytest.mark.parametrize("text", ["", "   ", None, "😀🙂😱", "Я не могу дышать", "胸痛", "\x00\n\t", "?!" * 500,
                                  "a" * 100_000, ("hello 😀 胸が痛い lanreotide " * 4000)[:100_000]])
def test_odd_input_is_safe(triage, text):
    assert triage.check(text) == Verdict()


def test_red_flag_inside_a_huge_message_is_found(triage):
    filler = "how often is lanreotide given 😀 " * 3500                  # ~115 KB: several chunks
    v = triage.check(filler + " my husband has collapsed " + filler)
    assert (v.disposition, v.category) == ("emergency", "collapse")


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
    monkeypatch.setattr(content, "dispositions", lambda: content.load_yaml(CONTENT / "dispositions.yml"))
    changed = Triage.from_content(nlp=triage.nlp)
    v = changed.check("my toes went tingly")
    assert (v.level, v.category, v.matched, v.disposition, v.rule) == \
        ("emergency", "stroke", "toes ... tingly", "emergency", "emergency_now")
    assert Triage.from_file(tmp_path / "triage.yml", nlp=triage.nlp).check("toes are tingly").level == "emergency"


def test_yaml_booleans_are_refused(triage, tmp_path):
    bad = tmp_path / "triage.yml"
    bad.write_text("negation_cues: [no, not]\nlevels: {}\n", encoding="utf-8")   # bare `no` is False in YAML
    with pytest.raises(ValueError, match="quote"):
        Triage.from_file(bad, nlp=triage.nlp)


def _timings(triage, n=3):
    texts = [m for *_, m in RED_FLAGS] + BENIGN
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
    for d in ("emergency", "crisis", "urgent", "soon"):
        for cat, msgs in CORPUS[d].items():
            hit = sum(verdicts[m].disposition == d for m in msgs)
            lines.append(f"  {d + '/' + cat:36}  {hit:3}/{len(msgs):<3} {hit / len(msgs):6.1%}")
    red_hit = sum(verdicts[m].disposition == d for d, _, m in RED_FLAGS)
    flagged = [t for t in BENIGN if verdicts[t].disposition != "none"]
    to_999 = [t for t in BENIGN + MILD if verdicts[t].disposition == "emergency"]
    ms = _timings(triage, n=1)
    lines += [f"  red flags with their disposition: {red_hit}/{len(RED_FLAGS)} ({red_hit / len(RED_FLAGS):.1%})",
              f"  benign + mild sent to 999: {len(to_999)}/{len(BENIGN + MILD)} {to_999}",
              f"  benign flagged: {len(flagged)}/{len(BENIGN)} ({len(flagged) / len(BENIGN):.1%}) {flagged}",
              f"  time per message: median {statistics.median(ms):.2f} ms, max {ms[-1]:.2f} ms"]
    with capsys.disabled():
        print("\n".join(lines))


@pytest.mark.parametrize("text,level", [
    ("bp 70/40 and he is very drowsy", "emergency"),      # readings: top number 90 or lower
    ("blood pressure 68 over 35 and grey", "emergency"),
    ("my bp was 130/85 at the gp", "none"),
    ("bp 165/100 at the pharmacy", "concern"),            # 150 or more: tell the team
    ("temp 38 point 4 and im on everolimus", "concern"),  # a fever: dispositions.yml makes it urgent
    ("thermometer says 102f", "concern"),
    ("sats 84% on the finger thing", "emergency"),        # oxygen 91% or lower
    ("sats 97% this morning", "none"),
    ("sugar 2.1 and she is confused", "emergency"),       # a hypo with confusion
])
def test_numbers_in_a_message_are_read(triage, text, level):
    assert triage.check(text).level == level, triage.check(text)
