"""Sanity checks on the classifier's guess, from facts found by deterministic means.

- A named topic the source does not cover (side effects, PRRT...) makes it a "not covered"
  question, whatever the classifier thought (unless it is a safety or social message, or
  chat with no NET subject in it: "can dogs eat grapes"). With a person and a decision word
  ("can I stop my jab because of the side effects") it is personal advice instead.
- A message about something plainly other than NETs (content/subjects.yml `off_topic`: pets,
  gadgets, everyday illnesses) that names no NET subject is out of scope.
- "Personal advice" needs a person ("I", "my", "mum"...); without one the question is general.
- "Not covered" without an uncovered topic but with a covered subject: the source has
  something to say, so it is a question about that subject.
- An unsure guess about a named subject: the kind of question is read from cue words
  (content/aspects.yml `cues`) when they are clear, else the likeliest kind of question in the
  classifier's ranking (never chat). Chat or an unsure "symptom" guess for a question naming a
  subject, or chat only just ahead of such a question, becomes the question.
The order in which these checks apply is a table of named rules: bot/understanding/guard_rules.py.
Plain Python, for tests; the Rasa component is bot/rasa_ext/components/intent_guard.py.
"""
from __future__ import annotations

import re

from bot import content
from bot.understanding.text import HEARSAY, REQUEST, question_start, questions_last_first, words_regex

SAFETY = {"emergency", "emergency_crisis", "urgent_symptom", "report_symptom", "distress"}
SOCIAL = {"greet", "goodbye", "thank", "bot_challenge"}
UNSURE = 0.5  # below this top confidence, clear cue words decide the kind of question
CLOSE = 0.1   # "out of scope" this close to a question about a named subject is the question


class IntentGuard:
    def __init__(self, person_words: list[str] | None = None, aspects: dict | None = None):
        personal = content.load_yaml(content.CONTENT_DIR / "personal.yml")
        words = person_words or [*personal["person_words"], *content.people()]
        self._person = re.compile(r"(?<![\w'])(" + "|".join(re.escape(w) for w in words) + r")(?![\w'])", re.I)
        self._own_outlook = words_regex(personal["prognosis_words"])
        self._decision = words_regex(personal["decision_words"])
        aspects = aspects or content.aspects()
        self._aspect_intents = {f"ask_{name}" for name in aspects}
        self._cues = [(name, re.compile("|".join(spec["cues"]), re.I))
                      for name, spec in aspects.items() if spec.get("cues")]
        self._strong = [(name, re.compile("|".join(spec["strong_cues"]), re.I))
                        for name, spec in aspects.items() if spec.get("strong_cues")]
        vocab = content.subjects()
        # general words that are also subjects ("treatment", "outlook"): "what's the treatment for
        # an ear infection" names no NET subject
        self._general = {sid for sid, spec in (vocab.get("subjects") or {}).items() if spec.get("mask") is False}
        subjects = vocab.get("subjects") or {}
        self._conditions = {sid for sid, spec in subjects.items() if spec.get("kind") == "condition" and spec.get("parent")}
        broad = [n for spec in subjects.values() if spec.get("broad") for n in spec["names"]]
        self._broad = words_regex(broad)
        # uncovered topics that are often just where the question came from ("on a forum")
        self._context_topics = {tid for tid, spec in (vocab.get("uncovered") or {}).items() if spec.get("context")}
        # uncovered topics that give way to a covered kind of question ("the normal gap between
        # the injections" asks how often they are given)
        self._yields = {tid: set(spec.get("yields_to") or []) for tid, spec in (vocab.get("uncovered") or {}).items()}
        # uncovered topics that only ever concern NETs (PRRT, tumour markers): never chat
        self._net_specific = {tid for tid, spec in (vocab.get("uncovered") or {}).items() if spec.get("net_specific")}
        off_topic = vocab.get("off_topic") or []
        self._off_topic = words_regex(off_topic)
        extra = content.load_yaml(content.CONTENT_DIR / "aspects.yml")
        capability = extra.get("capability_cues") or []
        self._capability = re.compile("|".join(capability), re.I) if capability else None
        injection = extra.get("injection_cues") or []
        self._injection = re.compile("|".join(f"(?:{c})" for c in injection), re.I) if injection else None
        other = extra.get("other_condition") or {}
        self._other_asks = re.compile(
            r"\b(?:" + "|".join(re.escape(w) for w in other.get("asks") or []) + r")\b(?:\s+\w+){0,3}?\s+(?:for|of|with)\s+"
            r"(?P<obj>[\w'-]+(?:\s+[\w'-]+){0,3})", re.I) if other.get("asks") else None
        self._other_skip = {w.lower() for w in other.get("skip") or []}
        self._not_condition = {str(w).lower() for w in other.get("not_a_condition") or []}
        # a word of a NET subject's name ("nets", "liver", "octreotide") after "for" is no other condition
        self._net_words = {str(n).lower() for sid, spec in subjects.items() if sid not in self._general
                           for n in spec["names"] if " " not in str(n)}

    def names_a_person(self, text: str) -> bool:
        return bool(self._person.search(text or ""))

    def decides_for_someone(self, text: str) -> bool:
        """A person and a decision word: "can I double my dose?" is for their care team."""
        return self.names_a_person(text) and bool(self._decision.search(text or ""))

    def own_outlook(self, text: str) -> bool:
        """Outlook words ("how long have I got", "will I still be alive")."""
        return bool(self._own_outlook.search(text or ""))

    def broad_word(self, text: str) -> bool:
        """A broad word for a kind of treatment ("drugs", "medication")."""
        return bool(self._broad and self._broad.search(text or ""))

    def strong_cue(self, text: str) -> str | None:
        """The kind of question a strong cue names ("hoping to achieve with the treatment")."""
        return next((name for name, rx in self._strong if rx.search(text or "")), None)

    def is_condition(self, subject: str | None) -> bool:
        return subject in self._conditions

    def is_general(self, subject: str | None) -> bool:
        """A general word that is also a subject ("treatment", "outlook"): it names no NET subject."""
        return subject in self._general

    def asks_about(self, intent: str | None) -> bool:
        """A kind of question about a subject (ask_how_often, ask_what_is...)."""
        return intent in self._aspect_intents

    def context_topic(self, uncovered: str | None) -> bool:
        """An uncovered topic that is often just where a question came from ("on a forum")."""
        return uncovered in self._context_topics

    def net_specific(self, uncovered: str | None) -> bool:
        """An uncovered topic that only ever concerns NETs (PRRT, tumour markers): never chat."""
        return uncovered in self._net_specific

    def off_topic(self, text: str) -> bool:
        """Names something plainly other than NETs (pets, gadgets, everyday illnesses)."""
        return bool(self._off_topic and self._off_topic.search(text or ""))

    def injection(self, text: str) -> bool:
        """Tries to change what the bot is or does: "ignore your previous instructions..."."""
        return bool(self._injection and self._injection.search(text or ""))

    def other_condition(self, text: str, subject: str | None) -> bool:
        """Asks about the treatment, cure or outlook OF something that is not a NET subject:
        "what's the treatment for head lice", "prognosis for parkinsons". `subject`: the one
        named, if any (a general word such as "treatment" or "outlook" names none)."""
        if subject and subject not in self._general or not self._other_asks:
            return False
        for m in self._other_asks.finditer(text or ""):
            words = [w for w in m.group("obj").lower().split() if w not in self._other_skip]
            if words and words[0] not in self._not_condition and not self.names_a_person(words[0]) \
                    and not any(w.strip("?.,!'") in self._net_words for w in words):
                return True
        return False

    def about_the_bot(self, text: str) -> bool:
        """Asks what the bot can answer ("what can you help with", "questions about what?")."""
        return bool(self._capability and self._capability.search(text or ""))

    def cue_aspect(self, text: str) -> str | None:
        """The kind of question cue words point to. In a message of several sentences the
        question itself (the last sentence with "?") is read first: "...she was diagnosed last
        month... can it be cured?" asks about a cure, not a diagnosis."""
        for part in questions_last_first(text or "") + [text or ""]:
            hit = next((name for name, rx in self._cues if rx.search(part)), None)
            if hit:
                return hit
        return None

    def question_cue(self, text: str, asked: list[str] | None = None) -> str | None:
        """Cue words in the question sentences alone of a message of several sentences (or in
        `asked`, the questions already found)."""
        for part in (questions_last_first(text or "") if asked is None else asked):
            hit = next((name for name, rx in self._cues if rx.search(part)), None)
            if hit:
                return hit
        return None

    def backstory_question(self, intent: str | None, text: str, uncovered: str | None,
                           uncovered_at: int | None) -> tuple[str, bool] | None:
        """(intent, drop the uncovered topic) for a long message whose backstory misled the
        classifier, or None. "...I started planning my funeral... Is it true people can live a
        long time even when it has spread?" reads as distress; "...They've done loads of
        tests... What do they base the treatment decision on?" names an uncovered topic (tests)
        only in the story. The question sentences, with clear cue words, decide instead:
        - distress: the question is answered (the answer ends with the team's number);
        - personal advice: only when the question names no person and no decision ("Can you
          tell me what those two drugs are?"); "Is it safe to stop?" stays personal;
        - not covered: only when the uncovered topic is named before the question and not in it.
        """
        asked = questions_last_first(text or "")
        cue = self.question_cue(text, asked) if asked else None
        if not cue or intent not in {"distress", "personal_advice", "ask_not_covered"} | self._aspect_intents:
            return None
        question = REQUEST.sub(" ", text[question_start(text, asked):])  # "can you tell me" is no person
        if intent == "personal_advice" and (self.names_a_person(question) or self._decision.search(question)):
            return None
        if intent == "ask_not_covered" or uncovered:
            if not (uncovered and self.only_in_story(text, uncovered_at)) or self.off_topic(text):
                return None
            # the classifier's own kind of question stands; "not covered" gives way to the cue
            return (intent if intent in self._aspect_intents else f"ask_{cue}"), True
        return (f"ask_{cue}", False) if intent not in self._aspect_intents else None

    def heard_of(self, text: str, subject: str | None, uncovered: str | None) -> bool:
        """The uncovered topic is only where the patient heard of a covered subject ("someone
        on a forum said water tablets help with carcinoid heart disease. Is that true?"), or
        the question is of a kind the topic gives way to (`yields_to` in content/subjects.yml)."""
        if not (uncovered and subject):
            return False
        cue = self.cue_aspect(text)
        if uncovered in self._context_topics and HEARSAY.search(text or ""):
            # with clear cue words only: "...said lanreotide causes hair loss, is that true?"
            # asks about a side effect, which is not covered either
            return cue is not None
        return cue in self._yields.get(uncovered, ())

    def only_in_story(self, text: str, at: int | None) -> bool:
        """Whether something named at offset `at` comes before the question sentences of a
        message of several sentences whose question has clear cue words."""
        asked = questions_last_first(text or "")
        return bool(at is not None and asked and self.question_cue(text)
                    and at < question_start(text, asked))

    def best_aspect(self, ranking: list[dict], exclude: str | None = None) -> str | None:
        """The classifier's likeliest kind of question about a subject (not chat or 'not covered')."""
        return next((r["name"] for r in ranking if r.get("name") in self._aspect_intents
                     and r.get("name") != exclude), None)

    @staticmethod
    def implausible(subject: str | None, uncovered: str | None) -> set[str]:
        """Intents that cannot be right: "not covered" when a covered subject is named and no
        uncovered topic is. Kept out of the ranking, so they cannot make a clear question look
        ambiguous to the FallbackClassifier."""
        return {"ask_not_covered"} if subject and not uncovered else set()

    def adjust(self, intent: str | None, ranking: list[dict], text: str,
               subject: str | None, uncovered: str | None, subject_at: int | None = None,
               uncovered_at: int | None = None) -> tuple[str, float] | None:
        """(intent, confidence) to use instead of the classifier's, or None to keep it: the
        first rule of bot/understanding/guard_rules.py that applies decides. `subject_at`,
        `uncovered_at`: where the subject and the uncovered topic are named in the text, when
        known. An uncovered topic named only in a backstory is ignored by the caller when the
        result's intent is a question about a subject (see backstory_question)."""
        from bot.understanding.guard_rules import decide
        return decide(self, intent, ranking, text, subject, uncovered, subject_at, uncovered_at).result
