"""Brand names, misspellings, UK/US spelling and plurals map to one canonical subject."""
import pytest

from bot.nlp import build_pipeline
from bot.subjects import SubjectResolver


@pytest.fixture(scope="module")
def resolve():
    nlp, r = build_pipeline(), SubjectResolver()
    return lambda text: r.resolve(nlp(text.lower()))


@pytest.mark.parametrize("text,subject", [
    ("what is Somatuline", "lanreotide"),
    ("lanriotide jab how often", "lanreotide"),
    ("lanrotide", "lanreotide"),            # not listed: fuzzy match
    ("Sandostatin LAR", "octreotide"),
    ("octreotid", "octreotide"),
    ("Sutent", "sunitinib"),
    ("Afinitor tablets", "everolimus"),
    ("everolimas", "everolimus"),
    ("embolization", "embolisation"),
    ("embolisation", "embolisation"),
    ("RFA", "ablation"),
    ("my injections", "ssa"),
    ("which heart valve", "chd"),
    ("how do they do an echo", "echo"),
    ("water tablets", "diuretic"),
    ("neuroendocrine tumor", "net"),
    ("carcinoid syndrome patients with heart disease", "chd"),   # most specific wins
    ("can liver metastases be operated on", "surgery"),
])
def test_subject(resolve, text, subject):
    assert resolve(text).subject == subject


@pytest.mark.parametrize("text,topic", [
    ("side effects of lanreotide", "side_effects"),
    ("what is lutathera", "prrt"),
    ("what should I eat", "diet"),
    ("is it hereditary", "inheritance"),
])
def test_uncovered(resolve, text, topic):
    assert resolve(text).uncovered == topic


def test_everyday_words_do_not_fuzzy_match(resolve):
    assert resolve("the weather is lovely today").subject is None
