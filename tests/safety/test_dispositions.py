"""The disposition table (content/dispositions.yml) and what the patient reads FIRST.

Every rule's examples get its disposition by that rule; every counter-example does not. Every
red-flag message of the corpus is checked on the first bubble of the reply its disposition
sends: `emergency` says "call 999 now" with no "if"; `crisis` names a crisis line; `urgent`
names the 24-hour line and "now" and has no unconditional 999; `soon` has no unconditional 999.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import content
from bot.answers.replies import Replies
from bot.paths import PROJECT_ROOT
from bot.safety.dispositions import ORDER, DispositionTable, Finding
from bot.safety.overrides import DISPOSITION_INTENT
from bot.safety.triage import Triage
from bot.settings import Settings

TABLE = DispositionTable(content.dispositions())
EXAMPLES = [(r.name, r.disposition, m) for r in TABLE.rules for m in r.examples]
COUNTER = [(r.name, r.disposition, m) for r in TABLE.rules for m in r.counter_examples]
CORPUS = yaml.safe_load((PROJECT_ROOT / "tests" / "data" / "triage_corpus.yml").read_text(encoding="utf-8"))
RED_FLAGS = [(d, m) for d in ORDER for ms in CORPUS[d].values() for m in ms]
EMERGENCY_WORDS = re.compile(r"emergency|999|911|\b112\b|\b000\b|A&E|ambulance", re.I)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def unconditional_999(text: str, number: str = "999") -> bool:
    """A sentence that tells the reader to call the emergency number with no condition."""
    return any(number in s and not re.search(r"\bif\b|\bwhen\b|\bshould you\b", s, re.I)
               for s in sentences(text))


def first_bubble(replies: Replies, table: DispositionTable, disposition: str) -> str:
    """The first bubble of the domain response the rule for this disposition sends (Rasa's
    output channels send each paragraph of a response as its own message)."""
    return whole_reply(replies, table, disposition).split("\n\n")[0]


def whole_reply(replies: Replies, table: DispositionTable, disposition: str) -> str:
    return replies.domain_responses()[f"utter_{table.reply(disposition)}"][0]["text"]


def check_first_bubble(disposition: str, text: str, s: Settings) -> list[str]:
    """What is wrong with this first bubble for this disposition (empty when right)."""
    problems = []
    if disposition == "emergency":
        first = sentences(text)[0]
        if not (s.emergency in first and re.search(r"\bnow\b", first) and not re.search(r"\bif\b", first, re.I)):
            problems.append("the first sentence is not 'call <emergency> now' without an if")
    elif disposition == "crisis":
        if s.crisis_lines[0][1] not in text:
            problems.append("the crisis line is not in the first bubble")
        if unconditional_999(text, s.emergency):
            problems.append("an unconditional emergency call for thoughts with no act or plan")
    elif disposition == "urgent":
        first = sentences(text)[0]
        if not (re.search(r"\bnow\b", first) and (s.treatment_line or s.urgent_advice) in first):
            problems.append("the first sentence does not say to call the 24-hour line now")
        if unconditional_999(text, s.emergency):
            problems.append("an unconditional 999 on an urgent (not emergency) message")
    elif disposition == "soon":
        if unconditional_999(text, s.emergency) or s.nurse_line not in text:
            problems.append("soon must name the team and give 999 only with a condition")
    return problems


@pytest.fixture(scope="module")
def triage() -> Triage:
    return Triage.from_content()


@pytest.fixture(scope="module")
def replies() -> Replies:
    return Replies()


def test_table_and_triage_agree():
    levels = content.triage_phrases()["levels"]
    situations = {c for lv in levels.values() for c in lv}
    DispositionTable(content.dispositions(), situations)  # raises on a situation not in triage.yml
    ruled = {c for r in TABLE.rules for c in r.situations}
    assert situations <= ruled, f"situations with no rule: {situations - ruled}"
    assert {d: TABLE.intent(d) for d in ORDER} == DISPOSITION_INTENT


def test_every_disposition_reply_is_a_domain_response(replies):
    domain = replies.domain_responses()
    assert all(f"utter_{TABLE.reply(d)}" in domain for d in ORDER)


def test_every_rule_has_examples():
    assert all(r.examples for r in TABLE.rules), [r.name for r in TABLE.rules if not r.examples]


@pytest.mark.parametrize("rule,disposition,text", EXAMPLES)
def test_rule_examples_get_the_rule(triage, rule, disposition, text):
    v = triage.check(text)
    assert (v.disposition, v.rule) == (disposition, rule), v


@pytest.mark.parametrize("rule,disposition,text", COUNTER)
def test_rule_counter_examples_do_not(triage, rule, disposition, text):
    assert triage.check(text).rule != rule


@pytest.mark.parametrize("disposition", ORDER)
def test_first_bubble_of_each_disposition(replies, disposition):
    assert check_first_bubble(disposition, first_bubble(replies, TABLE, disposition), replies.settings) == []
    if disposition != "emergency":   # 999 only with a condition in the whole reply
        assert not unconditional_999(whole_reply(replies, TABLE, disposition), replies.settings.emergency)


@pytest.mark.parametrize("disposition,text", RED_FLAGS)
def test_corpus_red_flag_first_bubble(triage, replies, disposition, text):
    got = triage.check(text).disposition
    assert got == disposition
    assert check_first_bubble(got, first_bubble(replies, TABLE, got), replies.settings) == []


def test_first_bubbles_follow_the_settings(tmp_path):
    """Another country's numbers, no treatment line (111 instead), other crisis lines."""
    raw = yaml.safe_load(Path(content.CONTENT_DIR.parent / "config" / "settings.yml").read_text())
    raw["phones"].update(emergency="911", urgent_advice="311", urgent_advice_name="the advice line",
                         treatment_line="", crisis_lines=[{"name": "988 Lifeline", "number": "call or text 988"}],
                         emergency_note="")
    path = tmp_path / "settings.yml"
    path.write_text(yaml.safe_dump(raw))
    s = Settings.load(path)
    r = Replies(s)
    for d in ORDER:
        assert check_first_bubble(d, first_bubble(r, TABLE, d), s) == [], d
    assert "the advice line on 311" in first_bubble(r, TABLE, "urgent")
    assert "999" not in " ".join(first_bubble(r, TABLE, d) for d in ORDER)
    assert "988 Lifeline" in first_bubble(r, TABLE, "crisis")
    triage = Triage(content.triage_phrases(), table=content.dispositions(), emergency_number="911")
    assert triage.check("please call 911 for me").disposition == "emergency"


def test_the_crisis_reply_speaks_to_carers_too(replies):
    text = whole_reply(replies, TABLE, "crisis")
    assert "worried about someone" in text and "the person you are worried about" in text


def test_most_urgent_rule_wins_and_names_itself():
    modifiers = {"anticancer"}
    d = TABLE.decide([Finding("fever"), Finding("swelling")], modifiers)
    assert (d.disposition, d.rule, d.category) == ("urgent", "fever_on_anticancer_drugs", "fever")
    d = TABLE.decide([Finding("suicidal_thoughts"), Finding("chest_pain")], set())
    assert (d.disposition, d.rule) == ("emergency", "emergency_now")
    assert TABLE.decide([Finding("oblique_farewell")], set()).disposition == "none"


def test_a_bad_table_is_refused():
    spec = content.dispositions()
    with pytest.raises(ValueError, match="unknown modifier"):
        DispositionTable({**spec, "rules": [{"name": "x", "situation": ["fever"], "when": ["nope"],
                                             "disposition": "urgent"}]})
    with pytest.raises(ValueError, match="not in triage.yml"):
        DispositionTable({**spec, "rules": [{"name": "x", "situation": ["nope"], "disposition": "urgent"}]},
                         {"fever"})
