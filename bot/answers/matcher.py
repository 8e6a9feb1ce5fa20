"""Which answer a question is most like: similarity to each answer's reviewed example questions.

As Rasa's response selector and FAQ retrieval do, each answer carries example questions
(`examples:` in content/answers/*.yml, signed off with the answer: they decide where a
question goes). A question is compared with every example by TF-IDF over words, word pairs
and character n-grams (robust to typos and word endings); an answer's score is the best of its
examples' and its button title's. Plain Python (scikit-learn), no Rasa; about 0.3 ms a question.

The subject has already been decided (bot/understanding/subjects.py) and limits the candidates,
so subject names are replaced by their kind ("lanreotide" -> "drug") on both sides, as the
classifier sees them: the similarity is about what is asked, not what about.

`prefer` is the rule the answer action applies (docs/understanding.md): it keeps the kind of
question the classifier and the cue words chose unless the examples of another kind, among the
answers about the same subject or its parents, are clearly more like the question; the answer
of that kind most about the subject is then given. The examples correct a misreading rather
than replace the classifier.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

# An answer replaces the chosen one only when it is at least this like the question...
MIN_SCORE = 0.45
# ...and this much more like it than the chosen answer is.
MARGIN = 0.12
WORD_WEIGHT = 0.5   # the rest is character n-grams

_NOT_WORD = re.compile(r"[^a-z0-9%']+")


class Masker:
    """Lower case, punctuation out, subject names replaced by their kind."""

    def __init__(self, names: dict[str, str] | None = None):
        names = {normal_words(n): k for n, k in (names or {}).items() if normal_words(n)}
        self._rx = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                              + r")\b") if names else None
        self._names = names

    def __call__(self, text: str) -> str:
        t = normal_words(text)
        return self._rx.sub(lambda m: self._names[m.group(1)], t) if self._rx else t


def normal_words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", (text or "").lower()).split())


@dataclass(frozen=True)
class Preference:
    aspect: str          # the kind of question the examples prefer
    like: str            # the answer whose example was closest
    score: float
    chosen_score: float  # the chosen kind's best

    def why(self, chosen_id: str) -> dict:
        """For the tracker metadata: which kind of question the examples preferred, and by how much."""
        return {"examples": {"aspect": self.aspect, "like": self.like, "over": chosen_id,
                             "score": round(self.score, 2), "chosen_score": round(self.chosen_score, 2)}}


class ExampleMatcher:
    def __init__(self, examples: dict[str, list[str]], aspects: dict[str, str] | None = None,
                 names: dict[str, str] | None = None):
        """`examples`: {answer id: [its button title, its example questions...]}; `aspects`:
        {answer id: its kind of question}; `names`: {subject name: its kind} to mask."""
        self.mask = Masker(names)
        self.aspect = dict(aspects or {})
        self.owner: list[str] = []
        texts: list[str] = []
        for answer_id, questions in examples.items():
            for q in questions:
                if self.mask(q):
                    self.owner.append(answer_id)
                    texts.append(self.mask(q))
        self.words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[a-z0-9%']+")
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._w = self.words.fit_transform(texts) if texts else None
        self._c = self.chars.fit_transform(texts) if texts else None

    def scores(self, text: str, among: set[str] | None = None) -> dict[str, float]:
        """{answer id: similarity 0..1 of its closest example to `text`}, for `among` or all."""
        q = self.mask(text)
        if self._w is None or not q:
            return {}
        sim = WORD_WEIGHT * (self._w @ normalize(self.words.transform([q])).T).toarray().ravel() \
            + (1 - WORD_WEIGHT) * (self._c @ normalize(self.chars.transform([q])).T).toarray().ravel()
        out: dict[str, float] = {}
        for owner, s in zip(self.owner, sim):
            if (among is None or owner in among) and s > out.get(owner, -1.0):
                out[owner] = float(s)
        return out

    def prefer(self, text: str, chosen_id: str, candidates: set[str]) -> Preference | None:
        """Another kind of question, among `candidates`' kinds, whose examples are clearly more
        like `text` than those of the chosen answer's kind; else None."""
        scores = self.scores(text, candidates | {chosen_id})
        if not scores:
            return None
        by_kind: dict[str, tuple[float, str]] = {}
        for answer_id, s in scores.items():
            kind = self.aspect.get(answer_id, answer_id)
            if s > by_kind.get(kind, (-1.0, ""))[0]:
                by_kind[kind] = (s, answer_id)
        chosen_kind = self.aspect.get(chosen_id, chosen_id)
        best = max(by_kind, key=lambda k: by_kind[k][0])
        score, like = by_kind[best]
        chosen = by_kind.get(chosen_kind, (0.0, ""))[0]
        if best != chosen_kind and score >= MIN_SCORE and score - chosen >= MARGIN:
            return Preference(best, like, score, chosen)
        return None
