"""The sentence encoder featurizer: masked subjects read as plain words, one dense sentence
vector per message, and vectors that put paraphrases nearer than different questions."""
import numpy as np
import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_encoder import SentenceEncoderFeaturizer, masked_text


def tokens(*pairs):
    out, at = [], 0
    for text, lemma in pairs:
        out.append(Token(text, at, lemma=lemma))
        at += len(text) + 1
    return out


def msg(text, toks=None):
    m = Message(data={TEXT: text})
    if toks is not None:
        m.set(TOKENS_NAMES[TEXT], toks)
    return m


def test_masked_subject_reads_as_one_plain_word_for_its_kind():
    m = msg("how often is sandostatin lar given", tokens(
        ("how", "how"), ("often", "often"), ("is", "be"), ("sandostatin", "__drug__"),
        ("lar", "__drug__"), ("given", "give")))
    assert masked_text(m) == "how often is medicine given"
    m = msg("what is carcinoid heart disease", tokens(
        ("what", "what"), ("is", "be"), ("carcinoid", "__condition__"), ("heart", "__condition__"),
        ("disease", "__condition__")))
    assert masked_text(m) == "what is condition"


def test_two_subjects_side_by_side_stay_two_words():
    m = msg("sunitinib or surgery", tokens(("sunitinib", "__drug__"), ("or", "or"), ("surgery", "__procedure__")))
    assert masked_text(m) == "medicine or treatment"


def test_without_tokens_the_raw_text_is_used():
    assert masked_text(msg("hello there")) == "hello there"


@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoderFeaturizer({**SentenceEncoderFeaturizer.get_default_config(), "scale": 2.0})


def vector(encoder, text):
    m = msg(text)
    encoder.process([m])
    [f] = [f for f in m.features if f.origin == "sentence_encoder"]
    assert f.type == "sentence" and f.is_dense() and f.features.shape == (1, 512)
    return f.features[0]


def test_one_scaled_dense_sentence_vector_per_message(encoder):
    v = vector(encoder, "how often do I have the injection")
    assert np.linalg.norm(v) == pytest.approx(2.0, rel=1e-3)  # unit vector times the scale


def test_paraphrases_are_nearer_than_other_questions(encoder):
    a = vector(encoder, "how often do I have the injection")
    same = vector(encoder, "how frequently is the jab given")
    other = vector(encoder, "can this cancer ever be cured")
    assert float(a @ same) > float(a @ other) + 0.5  # scale 2: cosines times 4


def test_training_examples_get_the_same_vectors_as_live_messages(encoder):
    texts = ["what is an echocardiogram", "thanks so much", ""]
    data = TrainingData([msg(t) for t in texts])
    encoder.process_training_data(data)
    trained = [next((f.features[0] for f in e.features if f.origin == "sentence_encoder"), None)
               for e in data.training_examples]
    assert trained[2] is None  # nothing to read, nothing added
    for text, v in zip(texts[:2], trained[:2]):
        assert np.allclose(v, vector(encoder, text), atol=1e-5)
