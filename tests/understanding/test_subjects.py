"""Brand names, misspellings, UK/US spelling and plurals map to one canonical subject."""
import pytest

from bot.content.spacy_pipeline import build_pipeline
from bot.paths import PROJECT_ROOT
from bot.understanding.subjects import SubjectResolver


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
    # a named thing beats a general word at the same depth: treatments *for the liver*
    ("are there treatments just for the tumours in the liver", "liver"),
    ("what treatments are there for liver mets", "liver"),
    ("can they burn the tumours off", "ablation"),
    ("does it matter how far its spread", "treatment_choice"),
    # a subject set aside is not what the question is about
    ("any options apart from surgery or drugs when the tumours are mostly in the liver", "liver"),
    ("is there anything other than octreotide for carcinoid heart disease", "chd"),
    ("options apart from surgery", "surgery"),          # nothing else named: still surgery
    ("can they treat net in the liver without a big operation", "liver"),
    ("are there tablets for pancreatic nets as well as the injections", "pancreatic_net"),
    # two of a kind under one parent: what they share
    ("difference between somatuline and sandostatin", "ssa"),
    ("what are afinitor and sutent", "targeted_drugs"),
    ("chemo or the injections, which is used more", "drug_therapy"),
    ("rfa or embolisation", "liver_directed"),
    ("surgery for pancreatic nets", "surgery"),         # not of a kind: the most specific
    ("carcinoid syndrome patients with heart disease", "chd"),   # most specific wins
    ("can liver metastases be operated on", "surgery"),
    # a broad treatment word next to a condition: how that condition is treated
    ("is there medication to ease carcinoid heart disease", "chd"),
    ("what drugs are used for pancreatic NETs", "pancreatic_net"),
    ("what medicines treat carcinoid syndrome", "carcinoid_syndrome"),
    ("what is the main drug treatment for neuroendocrine tumours", "drug_therapy"),  # NETs as a whole
])
def test_subject(resolve, text, subject):
    assert resolve(text).subject == subject


@pytest.mark.parametrize("text,topic", [
    ("side effects of lanreotide", "side_effects"),
    ("can lanreotide affect fertility", "side_effects"),
    ("is there a facebook group for carcinoid", "support"),
    ("can you catch it from someone", "causes"),
    ("what is lutathera", "prrt"),
    ("what should I eat", "diet"),
    ("is it hereditary", "inheritance"),
    ("can I keep my injections out of the fridge", "injections"),
    ("how long will I be in hospital after the operation", "procedures"),
    ("can I take paracetamol with sunitinib", "medicines_together"),
    ("is there a support group", "support"),
    ("can I go swimming on everolimus", "daily_life"),
])
def test_uncovered(resolve, text, topic):
    assert resolve(text).uncovered == topic


def test_everyday_words_do_not_fuzzy_match(resolve):
    assert resolve("the weather is lovely today").subject is None
    assert resolve("how long does a chest infection last").subject is None   # not "injection"
    assert resolve("a chest injecton").subject == "ssa"


# Questions the source DOES answer, phrased with everyday words that sit close to the
# uncovered lists: none may be taken for an uncovered topic (that would hide the answer).
@pytest.mark.parametrize("text", [
    "how does lanreotide work",
    "can you stay on lanreotide for long periods",
    "how are the lumps in the liver treated",
    "does catching it early help",
    "does octreotide still work after a few years",
    "which side of the heart is affected",
    "what are the new drugs for pancreatic NETs",
    "do the injections help the flushing on my skin",
    "what can be done if the valves are leaking",
    "how is carcinoid heart disease tested for",
    "can you recover from a NET",
    "how do they treat heart problems caused by carcinoid",
    "how often do they inject lanreotide",
    "why do people get the long acting injection instead of the short one",
])
def test_covered_questions_name_no_uncovered_topic(resolve, text):
    assert resolve(text).uncovered is None


def test_no_training_question_the_source_answers_names_an_uncovered_topic(resolve):
    """Every example of an answerable intent, checked against the uncovered lists."""
    import yaml
    nlu = PROJECT_ROOT / "data" / "nlu" / "questions.yml"
    hits = []
    for block in yaml.safe_load(nlu.read_text(encoding="utf-8"))["nlu"]:
        if block.get("intent", "").startswith("ask_"):
            for line in block["examples"].splitlines():
                text = line.strip()[2:].strip()
                if text and resolve(text).uncovered:
                    hits.append((block["intent"], text, resolve(text).uncovered))
    assert not hits


def test_every_masked_subject_has_a_kind():
    """The classifier sees the kind in place of the name; a missing kind would fall back to a
    generic placeholder that no training example of that shape uses."""
    from bot import content
    from bot.rasa_ext.components.subject_extractor import placeholder
    kinds = {"condition", "drug", "procedure", "test", "concept"}
    for sid, s in content.subjects()["subjects"].items():
        if s.get("mask") is not False and s.get("covered", True):
            assert s.get("kind") in kinds, sid
    assert placeholder("SUBJECT", "drug") == "__drug__"
    assert placeholder("SUBJECT", None) == "__subject__"


def test_extractor_gives_a_span_for_a_parent_chosen_for_two_children():
    # "somatuline or sandostatin" -> ssa, which has no match of its own in the text; the Rasa
    # component must still give it a span (it raised StopIteration here once)
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.shared.nlu.constants import ENTITIES, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa_ext.components.subject_extractor import SubjectExtractor
    text = "difference between somatuline and sandostatin"
    msg = Message(data={TEXT: text})
    msg.set(SPACY_DOCS[TEXT], build_pipeline()(text))
    SubjectExtractor({"mask_tokens": False}).process([msg])
    ent = next(e for e in msg.get(ENTITIES) if e["entity"] == "subject")
    assert ent["value"] == "ssa" and text[ent["start"]:ent["end"]] == "somatuline"


@pytest.mark.parametrize("text,whole,asked", [
    # a specific subject in the question beats what the story named
    ("I was told my pancreatic NET has grown even with the injections. What drugs are there for "
     "pancreatic NETs?", "ssa", "pancreatic_net"),
    # a broad or general word in the question leaves the choice to the whole message
    ("I have carcinoid heart disease. What drugs help?", "chd", "chd"),
    ("My mum is on lanreotide. How is treatment chosen?", "lanreotide", "lanreotide"),
])
def test_a_specific_subject_in_the_question_comes_first(text, whole, asked):
    from bot.understanding.text import question_start
    nlp, r = build_pipeline(), SubjectResolver()
    doc = nlp(text.lower())
    assert r.resolve(doc).subject == whole
    assert r.resolve(doc, focus=question_start(text)).subject == asked
