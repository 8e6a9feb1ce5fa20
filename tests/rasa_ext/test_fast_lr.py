"""The fast classifier builds exactly the matrix Rasa's own classifier builds."""
import numpy as np
import scipy.sparse as sp
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.components.fast_logistic_regression import FastLogisticRegressionClassifier


def message(values):
    m = Message(data={TEXT: "x"})
    m.add_features(Features(sp.coo_matrix(np.array([values])), "sentence", TEXT, "cvf"))
    return m


def test_same_matrix_as_rasa():
    msgs = [message([1, 0, 2, 0]), message([0, 3, 0, 1])]
    ours = FastLogisticRegressionClassifier._create_X(None, msgs)
    theirs = LogisticRegressionClassifier._create_X(None, msgs)
    assert (ours != theirs).nnz == 0 and ours.shape == theirs.shape
    one = FastLogisticRegressionClassifier._create_X(None, msgs[:1])
    assert (one != LogisticRegressionClassifier._create_X(None, msgs[:1])).nnz == 0


def test_same_matrix_as_rasa_with_several_featurizers():
    def msg(*blocks):
        m = Message(data={TEXT: "x"})
        for i, values in enumerate(blocks):
            m.add_features(Features(sp.coo_matrix(np.array([values])), "sentence", TEXT, f"f{i}"))
            # sequence features are ignored by both
            m.add_features(Features(sp.coo_matrix(np.ones((2, len(values)))), "sequence", TEXT, f"f{i}"))
        return m
    msgs = [msg([1, 0, 2], [0, 0], [5]), msg([0, 3, 0], [1, 1], [0])]
    ours = FastLogisticRegressionClassifier._create_X(None, msgs)
    theirs = LogisticRegressionClassifier._create_X(None, msgs)
    assert ours.shape == theirs.shape and (ours != theirs).nnz == 0
    assert ours.toarray().tolist() == [[1, 0, 2, 0, 0, 5], [0, 3, 0, 1, 1, 0]]


def test_same_matrix_as_rasa_with_a_dense_block():
    # the sentence encoder adds a dense sentence vector; Rasa puts dense after sparse
    def msg(sparse, dense):
        m = Message(data={TEXT: "x"})
        m.add_features(Features(np.array([dense], dtype=np.float32), "sentence", TEXT, "enc"))
        m.add_features(Features(sp.coo_matrix(np.array([sparse])), "sentence", TEXT, "cvf"))
        return m
    msgs = [msg([1, 0, 2], [0.5, 0.0, -0.25]), msg([0, 3, 0], [0.0, 1.5, 0.0])]
    ours = FastLogisticRegressionClassifier._create_X(None, msgs)
    theirs = LogisticRegressionClassifier._create_X(None, msgs)
    assert ours.shape == theirs.shape and abs(ours - theirs).max() < 1e-6
    assert ours.toarray().tolist() == [[1, 0, 2, 0.5, 0.0, -0.25], [0, 3, 0, 0.0, 1.5, 0.0]]
