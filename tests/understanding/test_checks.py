"""Yes/no and either/or verdicts from reviewed data (content/checks.yml, bot/understanding/checks.py)."""
import re

import pytest

from bot.content.readability import fk_grade
from bot.understanding.checks import Checks, spec
from tests.content.test_content import (  # noqa: F401 (fixtures)
    controlled_terms,
    glossary_groups,
    ngrams,
    passages,
    source_text,
    ungrounded,
    words,
)

VERDICTS = {"yes", "no", "sometimes", "not_always", "often_not", "not_said"}


@pytest.fixture(scope="module")
def checks(kb):
    return Checks(kb)


# ---------------------------------------------------------------- the data
def test_every_check_is_keyed_by_a_real_answer_and_has_a_known_verdict(kb):
    for answer_id, items in spec()["checks"].items():
        assert kb.by_id(answer_id), f"{answer_id}: no such answer"
        for item in items:
            assert str(item["answer"]) in VERDICTS and str(item["answer"]) in spec()["verdicts"]
            for p in item["if"] + item.get("unless", []):
                re.compile(p)
            assert not re.match(r"(yes|no)\b", item["says"], re.I), "the verdict word comes from `verdicts`"


def test_what_a_check_says_is_grounded_in_its_answers_passages_and_plain(kb, passages, source_text):  # noqa: F811 (fixtures)
    """The same checks as the answers: terms and numbers backed by the cited passages, no
    long runs copied from the source, reading grade 6 or lower."""
    terms, groups, src = controlled_terms(), glossary_groups(), ngrams(words(source_text))
    problems = []
    for answer_id, items in spec()["checks"].items():
        cited = " ".join(passages[c]["text"] for c in kb.by_id(answer_id).cites)
        for n, item in enumerate(items, 1):
            bad = ungrounded(item["says"], cited, terms, groups)
            if bad:
                problems.append(f"{answer_id}#{n}: {bad} not in the cited passages")
            if ngrams(words(item["says"])) & src:
                problems.append(f"{answer_id}#{n}: copied from the source")
            shown = f"{spec()['verdicts'][str(item['answer'])]} {item['says']}"  # as a yes/no question sees it
            if fk_grade(shown) > 6:
                problems.append(f"{answer_id}#{n}: reading grade {fk_grade(shown):.1f}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the verdicts
@pytest.mark.parametrize("question, subjects, verdict, answer_id", [
    ("does it go for the aortic valve", ["chd"], "no", "chd-what-is"),
    ("is somatuline a weekly jab", ["lanreotide"], "no", "lanreotide-how-often"),
    ("is sandostatin given once a month", ["octreotide"], "yes", "octreotide-how-often"),
    ("is chemo usually the first thing they try", ["chemotherapy"], "no", "chemotherapy-what-is"),
    ("does every person with carcinoid syndrome end up with heart trouble", ["chd", "carcinoid_syndrome"], "no", "chd-how-common"),
    ("is afinitor for bowel NETs", ["everolimus", "net"], "not_said", "everolimus-who-for"),
    ("do water tablets mend the valve", ["diuretic"], "no", "diuretic-what-for"),
    ("can they operate once it's in the liver", ["surgery", "liver"], "sometimes", "surgery-who-for"),
    ("is the outlook the same for all NETs", ["prognosis", "net"], "no", "prognosis-outlook"),
])
def test_a_yes_no_question_the_source_settles_gets_its_verdict_and_answer(checks, question, subjects, verdict, answer_id):
    found = checks.find(question, subjects)
    assert found and found.verdict == verdict
    assert found.text.startswith(spec()["verdicts"][verdict])
    assert checks.answer_for(found, subjects).id == answer_id


def test_an_either_or_question_gets_the_one_that_is_so_without_yes_or_no(checks):
    found = checks.find("is it the valves on the left or on the right", ["chd"])
    assert found.verdict == "yes" and "right side" in found.text
    assert not found.text.startswith("Yes")


def test_a_question_the_source_does_not_settle_says_so(checks):
    found = checks.find("is sutent taken as a tablet", ["sunitinib"])
    assert found.verdict == "not_said" and found.text.startswith("My information does not say")


@pytest.mark.parametrize("question, subjects", [
    ("what is lanreotide", ["lanreotide"]),                          # not a yes/no question
    ("does lanreotide work for everyone", ["lanreotide"]),            # no check for a drug's reach
    ("can they treat the liver without a big operation", ["surgery", "liver"]),  # sets surgery aside
    ("is there anything apart from surgery and the jabs", ["surgery", "ssa"]),
    ("does the grade matter for the outlook", []),                   # nothing named or in context
])
def test_no_verdict_where_no_check_settles_it(checks, question, subjects):
    assert checks.find(question, subjects) is None


def test_general_checks_need_a_general_subject_named(checks):
    """A check on the outlook of NETs does not answer a yes/no question about a drug."""
    assert checks.find("is the outlook the same for everyone on lanreotide", ["lanreotide"]) is None
    assert checks.find("is the outlook the same for everyone on lanreotide", ["prognosis", "lanreotide"])
