"""Plain language: every medical word of the reviewed list (content/jargon.yml) that an answer
uses is explained, in the answer or by its glossary link (bot/content/jargon.py)."""
from bot import content
from bot.content import jargon


def test_every_answer_explains_its_medical_words():
    problems = {a["id"]: jargon.unexplained(a) for a in content.answers()}
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, f"medical words used without a plain explanation or a glossary link: {problems}"


def test_the_check_can_fail_and_be_satisfied():
    def flagged(text, **extra):
        return jargon.unexplained({"text": text, **extra})

    assert flagged("Sunitinib is a tyrosine kinase inhibitor.") == ["tyrosine kinase inhibitor"]
    assert flagged("Sunitinib is a tyrosine kinase inhibitor.", glossary=["tyrosine kinase inhibitor"]) == []
    assert flagged("It helps carcinoid syndrome.") == ["carcinoid syndrome"]
    assert flagged("It helps carcinoid syndrome, a group of symptoms.") == []
    assert flagged("Water tablets (diuretics) can ease it.") == []
    assert flagged("Drugs called somatostatin analogues (SSAs) are used.") == []
    assert flagged("Somatostatin analogues (SSAs) help.") == ["somatostatin analogue"]
    assert flagged("It depends on the grade. Grade is about how fast the cells grow.") == []
    assert flagged("It has spread to the liver as metastases.") == ["metastases"]


def test_every_listed_word_has_a_glossary_entry_to_link():
    names = jargon.glossary_names()
    missing = [w.term for w in jargon.word_list() if w.term.lower() not in names]
    assert not missing, f"add a glossary entry for: {missing}"


def test_glossary_links_name_glossary_entries():
    names = jargon.glossary_names()
    bad = [(a["id"], t) for a in content.answers() for t in a.get("glossary") or [] if t.lower() not in names]
    assert not bad
