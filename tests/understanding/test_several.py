"""Several questions in one message (bot/rasa_ext/components/question_parts.py finds them, bot/understanding/several.py plans
the answers, bot/answers/composer.py composes them)."""
import pytest

from actions.answer import ActionAnswer
from actions.services import checks, composer, guard
from bot import content
from bot.content.spacy_pipeline import load_pipeline
from bot.rasa_ext.components.question_parts import question_parts
from bot.understanding.several import MAX_ANSWERS, plan
from bot.understanding.subjects import SubjectResolver


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def planned(nlp, text, intent_aspect=None, subject=None, in_context=None):
    comp = composer()
    parts = question_parts(nlp(text), SubjectResolver())
    return plan(parts, text, intent_aspect, subject, in_context, guard(), checks(),
                lambda a, s, q: ActionAnswer.choose(comp, a, s, q), content.aspects(), comp.kb.chain)


def ids(items):
    return [p.answer.id for p in items]


def test_each_part_knows_where_it_is_and_what_it_names(nlp):
    text = "what is sutent and how common is carcinoid heart disease?"
    parts = question_parts(nlp(text), SubjectResolver())
    assert [(text[p["start"]:p["end"]], p["subject"]) for p in parts] == [
        ("what is sutent", "sunitinib"), ("how common is carcinoid heart disease?", "chd")]


def test_two_questions_get_two_answers_in_the_order_asked(nlp):
    assert ids(planned(nlp, "how is carcinoid heart disease found? and how is it treated?")) == \
        ["chd-how-diagnosed", "chd-how-treated"]


def test_a_later_question_inherits_the_subject_named_before(nlp):
    assert ids(planned(nlp, "what is sandostatin and how often do people have it")) == \
        ["octreotide-what-is", "octreotide-how-often"]


def test_an_elliptical_question_keeps_the_kind_of_question(nlp):
    assert ids(planned(nlp, "what is sutent? and afinitor?")) == ["sunitinib-what-is", "everolimus-what-is"]


def test_a_general_word_in_a_later_question_means_the_subject_before(nlp):
    # ("CHD" alone no longer means carcinoid heart disease: many use it for coronary heart disease)
    assert ids(planned(nlp, "carcinoid heart - how do they spot it and whats the treatment")) == \
        ["chd-how-diagnosed", "chd-how-treated"]


def test_at_most_three_answers_and_no_repeats(nlp):
    text = "1) what is RFA 2) what is TAE 3) what is an echo 4) what are water tablets 5) what is RFA"
    got = ids(planned(nlp, text))
    assert len(got) == MAX_ANSWERS == len(set(got))


def test_a_yes_no_part_gets_its_verdict(nlp):
    got = planned(nlp, "what is lanreotide? is it a weekly jab?")
    assert ids(got) == ["lanreotide-what-is", "lanreotide-how-often"]
    assert got[1].verdict.verdict == "no" and got[1].why["check"].startswith("ssa-how-often")


def test_parts_that_do_not_resolve_confidently_are_left_out(nlp):
    # an uncovered topic, and a question with no clear kind: only the clear one is planned
    got = planned(nlp, "what is lanreotide, and is it ok with my diet? and hmm?")
    assert ids(got) == ["lanreotide-what-is"]


def test_the_composed_reply_has_a_source_per_answer_and_one_next_step(nlp):
    got = planned(nlp, "what is an echo? what are water tablets for?")
    msgs = composer().several(got)
    texts = [m["text"] for m in msgs]
    assert sum(t.startswith("Source:") for t in texts) == 2
    assert sum(t.startswith("Next step:") for t in texts) == 1 and texts[-1].startswith("Next step:")
    # which answer and why is recorded with each source line, never the patient's words
    records = [m["choice"] for m in msgs if m.get("choice")]
    assert [r["answer_id"] for r in records] == ["echo-what-is", "diuretic-what-for"]
    assert all("what are water tablets" not in str(r) for r in records)


def test_a_broad_word_asking_for_the_other_options_is_not_the_subject_before(nlp):
    got = ids(planned(nlp, "who can have chemo? and what are the other drugs?"))
    assert got[0].startswith("chemotherapy-") and got[1] == "drug-therapy-what-is"
