"""Answers chosen by their reviewed example questions (bot/answers/matcher.py), without Rasa."""
from __future__ import annotations

import glob
from pathlib import Path

import pytest
import yaml

from bot.answers.matcher import MARGIN, MIN_SCORE, ExampleMatcher

ROOT = Path(__file__).resolve().parents[2]
TOY = {
    "drug-how-often": ["How often is the drug given?", "how many weeks between injections",
                       "how frequently do I get the jab"],
    "drug-what-is": ["What is the drug?", "what kind of medicine is it", "tell me about this medicine"],
}


def answers():
    return [a for f in sorted(glob.glob(str(ROOT / "content" / "answers" / "*.yml")))
            for a in yaml.safe_load(Path(f).read_text(encoding="utf-8"))["answers"]]


def test_a_question_like_one_answers_examples_prefers_it():
    m = ExampleMatcher(TOY, {"drug-how-often": "how_often", "drug-what-is": "what_is"})
    found = m.prefer("how many weeks are there between the injections", "drug-what-is", set(TOY))
    assert found and found.aspect == "how_often" and found.like == "drug-how-often"
    assert found.score >= MIN_SCORE and found.score - found.chosen_score >= MARGIN
    why = found.why("drug-what-is")["examples"]
    assert why["aspect"] == "how_often" and why["over"] == "drug-what-is"


def test_subject_names_are_masked_by_their_kind():
    m = ExampleMatcher(TOY, names={"lanreotide": "drug", "somatuline autogel": "drug"})
    assert m.mask("How often is Somatuline Autogel given?") == m.mask("how often is lanreotide given") \
        == "how often is drug given"


def test_typos_and_endings_still_match():
    scores = ExampleMatcher(TOY).scores("how freqently do i get my jabs")
    assert scores["drug-how-often"] > scores["drug-what-is"]


def test_the_chosen_answer_stays_unless_another_is_clearly_more_like_the_question():
    m = ExampleMatcher(TOY)
    assert m.prefer("what kind of medicine is the jab", "drug-what-is", set(TOY)) is None
    assert m.prefer("where can I park", "drug-how-often", set(TOY)) is None   # like neither
    assert m.prefer("", "drug-what-is", set(TOY)) is None


def test_only_candidates_are_chosen():
    m = ExampleMatcher(TOY)
    assert m.prefer("how many weeks between injections", "drug-what-is", {"drug-what-is"}) is None
    assert set(m.scores("how often", among={"drug-what-is"})) == {"drug-what-is"}


def test_no_examples_no_preference():
    assert ExampleMatcher({}).prefer("how often", "x", {"y"}) is None


def test_every_answer_has_reviewed_example_questions():
    few = [a["id"] for a in answers() if len(a.get("examples") or []) < 4]
    assert not few, f"answers with fewer than 4 example questions: {few}"
    for a in answers():
        assert all(isinstance(q, str) and 3 <= len(q.split()) <= 20 for q in a["examples"]), a["id"]
        assert len(set(a["examples"])) == len(a["examples"]), a["id"]


def test_a_held_out_example_still_finds_its_answer(kb):
    """Leave one out: each example, removed from the matcher, is still most like an example of
    its own kind of question among the answers about the same subject and its parents. Kinds
    whose examples overlap this much would make the choice a coin toss."""
    rows = {a["id"]: a for a in answers()}
    misses, total = [], 0
    aspects, names = kb.aspects(), kb.names()
    for aid, a in rows.items():
        for i, q in enumerate(a["examples"]):
            examples = {k: [v["question"], *v["examples"]] for k, v in rows.items()}
            examples[aid] = [a["question"], *a["examples"][:i], *a["examples"][i + 1:]]
            scores = ExampleMatcher(examples, aspects, names).scores(q, kb.about(a["subject"]))
            total += 1
            best = max(scores, key=scores.get)
            if aspects[best] != a["aspect"]:
                misses.append((aid, q, best))
    assert len(misses) <= 0.25 * total, f"{len(misses)}/{total} held-out examples chose another kind: {misses}"


def test_composer_prefers_the_answer_the_question_is_like(kb):
    from bot.answers.composer import Composer
    from bot.answers.replies import Replies
    comp = Composer(kb, Replies())
    chosen = kb.by_id("lanreotide-what-is")
    better, why = comp.prefer("how many weeks between each lanreotide jab", "lanreotide", chosen)
    assert better.id == "lanreotide-how-often" and why["examples"]["over"] == "lanreotide-what-is"
    # an overview given because the source has no answer of the kind asked is left alone
    overview = kb.answer("how_common", "surgery")
    assert not overview.exact and comp.prefer("how common is surgery", "surgery", overview) is None


def test_the_knowledge_base_lists_answers_about_a_subject_and_its_parents(kb):
    about = kb.about("lanreotide")
    assert {"lanreotide-how-often", "ssa-what-for", "drug-therapy-what-is"} <= about
    assert "chd-what-is" not in about and kb.about("no-such-subject") == set()


@pytest.mark.parametrize("aid", ["chd-how-diagnosed", "diuretic-what-for"])
def test_examples_are_stored_with_the_answer(kb, aid):
    ex = kb.examples()[aid]
    assert ex[0] == kb.by_id(aid).question and len(ex) >= 5
