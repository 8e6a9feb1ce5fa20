"""The content findings of ../shared/reviews/clinical-review.md stay fixed (docs/content.md lists
each finding and what was done). Safety findings (F01-F03, F12, F34-F39) are tested with the triage."""
from __future__ import annotations

import re

import pytest

from bot import content
from bot.settings import Settings

ANSWERS = {a["id"]: a for a in content.answers()}
GLOSSARY = {g["term"]: g for g in content.glossary()}


def text(answer_id: str) -> str:
    return " ".join(ANSWERS[answer_id]["text"].split())


def sentences(t: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", t) if s]


@pytest.fixture(scope="module")
def resolve():
    from bot.content.spacy_pipeline import build_pipeline
    from bot.understanding.subjects import SubjectResolver
    nlp, resolver = build_pipeline(), SubjectResolver()
    return lambda t: resolver.resolve(nlp(t)).subject


# F04 (major): "heart disease", "cardiac" and "CHD" (coronary heart disease to many) must not lead
# to a valve-surgery answer that never names carcinoid heart disease
def test_f04_bare_heart_words_are_not_carcinoid_heart_disease(resolve):
    names = [str(n).lower() for n in content.subjects()["subjects"]["chd"]["names"]]
    for bare in ("heart disease", "cardiac", "chd", "hart disease"):
        assert bare not in names
    assert "chd" not in [a.lower() for a in GLOSSARY["carcinoid heart disease"]["aliases"]]
    assert resolve("what is CHD") != "chd"
    assert resolve("is cardiac surgery risky") != "chd"


def test_f04_every_heart_answer_names_carcinoid_heart_disease():
    heart = {"chd", "echo", "diuretic", "valve_surgery"}
    missing = [i for i, a in ANSWERS.items() if a["subject"] in heart and "carcinoid heart disease" not in text(i).lower()]
    assert not missing


# F05 (major): the source is from about 2011; nothing is "new", licences are what "the article says"
def test_f05_no_drug_is_called_new_and_licences_are_dated():
    for i in ANSWERS:
        assert not re.search(r"\bnew(er)? drugs?\b|\bis a new\b|\btwo new\b", text(i), re.I), i
    for i in ("targeted-drugs-what-is", "targeted-drugs-who-for", "sunitinib-what-is", "sunitinib-who-for",
              "everolimus-what-is", "everolimus-who-for"):
        assert "The article says" in text(i) and "the article is old" in text(i).lower().replace("but it is old", "the article is old"), i
    titles = [t["title"] for t in content.topics()]
    assert not any("newer" in t.lower() for t in titles)


def test_f05_source_line_is_honest_about_the_age():
    from bot.answers.replies import Replies
    spec = content.load_yaml(content.CONTENT_DIR / "source.yml")["source"]
    assert str(spec["posted"]) == "2020-10-02" and "2011" in spec["written"] and "recently" in spec["written_evidence"]
    r = Replies()
    assert "(2020)" not in r.messages("source_line", parts="part on the heart")[0]["text"]
    note = r.messages("source_note")[0]["text"]
    assert "written in about 2011" in note and "2020" in note and "team" in note
    asked = " ".join(m["text"] for m in r.messages("source"))
    assert "2 October 2020" in asked and "about 2011" in asked


# F06 (major): grade is how fast the cells grow, not how normal they look
def test_f06_grade_is_growth_not_differentiation():
    assert "fast" in GLOSSARY["grade"]["text"] and "look like normal" not in GLOSSARY["grade"]["text"]
    assert "look" in GLOSSARY["well-differentiated"]["text"]
    for i in ("treatment-choice-what-is", "treatment-how-chosen"):
        grade = [s for s in sentences(text(i)) if s.startswith("Grade")]
        assert grade and "fast" in grade[0] and "normal" not in grade[0], i


# F07 (major) and F15: symptom relief from SSAs only for hormone-making tumours / carcinoid syndrome
def test_f07_ssa_symptom_relief_is_limited_to_hormone_symptoms():
    for i, a in ANSWERS.items():
        if a["subject"] not in ("ssa", "octreotide", "lanreotide"):
            continue
        for s in sentences(text(i)):
            if re.search(r"ease symptoms|ease the symptoms", s):
                assert re.search(r"hormone|carcinoid syndrome", s), (i, s)
    assert "make hormones" in text("ssa-what-for") and "cause symptoms" not in text("ssa-what-for").split(".")[2]


# F08 (major): the liver answer starts with the mainstay, somatostatin analogues
def test_f08_liver_treatment_names_ssas_first():
    t = text("liver-how-treated")
    assert t.startswith("Most people have drugs called somatostatin analogues")
    assert "ssa" in ANSWERS["liver-how-treated"]["cites"]


# F09 (major): pancreatic NETs: surgery first, then SSAs (symptoms and growth), then "some people"
def test_f09_pancreatic_answer_puts_surgery_first():
    t = text("pancreatic-net-how-treated")
    assert t.startswith("If the NET may be cured, surgery is used")
    assert "hold back tumour growth" in t and "some people" in t
    assert "surgery" in ANSWERS["pancreatic-net-how-treated"]["cites"]


# F10 (major): "how long have I got?" gets its own reply (the action test checks it end to end)
def test_f10_personal_outlook_reply_acknowledges_and_supports():
    from bot.answers.replies import Replies
    first, support = Replies().messages("personal_outlook")
    assert first["text"].startswith("That is a big question") and "do not change or stop" not in first["text"]
    assert "{crisis_line}" in content.responses()["replies"]["personal_outlook"]["messages"][1]["text"]
    assert "talk it through" in support["text"]


# F11 (major): the switch exists (tests/content/test_governance.py), the example number is Ofcom's drama range
def test_f11_no_documented_switch_that_does_not_exist_and_drama_number():
    docs = (content.PROJECT_ROOT / "docs" / "content.md").read_text(encoding="utf-8")
    assert "NETBOT_REQUIRE_APPROVED=1`." not in docs
    assert Settings.load(content.PROJECT_ROOT / "config" / "settings.yml").nurse_line.startswith("01632 960")


# minor findings
def test_f13_f14_heart_wording():
    for i in ("chd-what-is", "chd-how-common", "chd-who-for"):
        assert "mostly" in text(i) and "hit most often" not in text(i), i
    for i, a in ANSWERS.items():
        assert "lasting fix" not in text(i), i


def test_f16_f17_f20_wording():
    assert "not used much now" not in text("ssa-how-often")
    assert "does not say how often the short" in text("octreotide-how-often")
    for i in ("treatment-how-chosen", "treatment-choice-how-chosen"):
        assert "four things" not in text(i).lower() and "such as an Octreoscan" in text(i), i
    assert "These are the types of drug they are" not in text("targeted-drugs-what-is")
    assert ANSWERS["targeted-drugs-what-is"].get("glossary")  # the class names are explained


def test_f19_citations_match_the_text():
    assert "targeted" not in ANSWERS["net-how-treated"]["cites"]
    from bot.content.source import parts
    assert parts(["a", "b", "c"]) == "parts on a, b and c"


def test_f21_f22_f23_f24_f25_wording():
    assert "radio waves" in text("ablation-what-is")
    assert text("embolisation-what-is").startswith("Transarterial embolisation blocks the blood supply")
    assert "pass more water" in text("diuretic-what-for") and "They give relief" not in text("diuretic-what-for")
    assert "a cure is often not possible" in text("liver-what-is")
    assert "it may also be an option" in text("surgery-what-is")
    for i in ("prognosis-outlook", "net-outlook", "prognosis-what-is"):
        assert "For other tumours, the outlook can be different" in text(i), i


def test_f26_f27_f28_glossary():
    assert GLOSSARY["functional NET"]["text"] == "A NET that makes hormones that cause symptoms."
    assert "functional" not in [a.lower() for a in GLOSSARY["functional pancreatic NET"]["aliases"]]
    assert "Potentially curative" in GLOSSARY["curative"]["text"]
    assert text("carcinoid-syndrome-what-is").startswith("Carcinoid syndrome is a group of symptoms")


def test_f29_f30_labels():
    subjects, uncovered = content.subjects()["subjects"], content.subjects()["uncovered"]
    for sid in ("sunitinib", "everolimus", "embolisation"):
        assert "(" not in subjects[sid]["label"], sid
    assert uncovered["prrt"]["label"] == "PRRT"
    assert "blood supply" not in subjects["embolisation"]["names"]
    assert "Octreoscan" in uncovered["tests"]["label"]


def test_f32_readings_of_the_source_are_recorded_for_sign_off():
    readings = content.load_yaml(content.CONTENT_DIR / "source.yml")["interpretations"]
    assert {r["passage"] for r in readings} >= {"ssa", "surgery", "prognosis"}


def test_f37_greeting_claims_no_endorsement():
    greet = content.responses()["replies"]["greet"]["messages"][0]["text"]
    assert "from the {team_name}" not in greet and "{source_name}" in greet
