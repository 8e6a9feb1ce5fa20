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
Plain Python, for tests; the Rasa component is bot/rasa_ext/components/intent_guard.py.
"""
from __future__ import annotations

import re

from bot import content

SAFETY = {"emergency", "emergency_crisis", "urgent_symptom", "report_symptom", "distress"}
# a question, or a request for information ("tell me about carcinoid heart disease please")
QUESTION = re.compile(r"\?(\s|$)|^\W*(is|are|can|could|do|does|did|what|whats|what's|how|why|when|who|which|will|would|should"
                      r"|tell me|explain|describe|info|information|more about)\b", re.I)
# a question word later on: "disease mainly in the liver, what are the options"
ASKS_LATER = re.compile(r"\b(what|whats|what's|how|why|which)\b", re.I)
SOCIAL = {"greet", "goodbye", "thank", "bot_challenge"}
# a polite request for information: "can you tell me", "please explain to me"
REQUEST = re.compile(r"\b((can|could|would|will) you (please )?)?(tell|explain|say|show)( it| this| that)?( to)? (me|us)\b", re.I)
UNSURE = 0.5  # below this top confidence, clear cue words decide the kind of question
CLOSE = 0.1   # "out of scope" this close to a question about a named subject is the question


# a question asked without a question mark: "I was wondering why it matters so much."
INDIRECT = re.compile(r"^\W*(i was wondering|i wonder|i wondered|i('d| would) like to know|i want to know|"
                      r"can you tell me|could you tell me|please (tell me|explain)|just wanted to (check|ask|know))\b", re.I)
# where a patient heard of something: "someone on a forum said...", "a post in my support group"
HEARSAY = re.compile(r"\b(said|says|told|tells|mentioned|heard|read|reckons?|claims?|posts?|posted|saw|seen)\b", re.I)
# a correction of the last question: "sorry, I meant how is it diagnosed"
CORRECTION = re.compile(r"^\W*(sorry,? |no,? |oops,? )?(i meant|i mean|my mistake|what i meant)\b", re.I)


def questions_last_first(text: str) -> list[str]:
    """The sentences that ask something (end with "?", or an indirect "I was wondering..."),
    last first; none for a one-sentence message."""
    sentences = [p.strip() for p in re.split(r"(?<=[.?!])\s+|\n+", text) if p.strip()]
    if len(sentences) < 2:
        return []
    return [p for p in reversed(sentences) if p.endswith("?") or INDIRECT.search(p)]


class IntentGuard:
    def __init__(self, person_words: list[str] | None = None, aspects: dict | None = None):
        personal = content.load_yaml(content.CONTENT_DIR / "personal.yml")
        words = person_words or personal["person_words"]
        self._person = re.compile(r"(?<![\w'])(" + "|".join(re.escape(w) for w in words) + r")(?![\w'])", re.I)
        self._own_outlook = re.compile(r"\b(" + "|".join(re.escape(w) for w in personal["prognosis_words"]) + r")\b", re.I)
        self._decision = re.compile(r"\b(" + "|".join(re.escape(w) for w in personal["decision_words"]) + r")\b", re.I)
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
        self._broad = re.compile(r"\b(" + "|".join(re.escape(n) for n in broad) + r")\b", re.I) if broad else None
        # uncovered topics that are often just where the question came from ("on a forum")
        self._context_topics = {tid for tid, spec in (vocab.get("uncovered") or {}).items() if spec.get("context")}
        # uncovered topics that give way to a covered kind of question ("the normal gap between
        # the injections" asks how often they are given)
        self._yields = {tid: set(spec.get("yields_to") or []) for tid, spec in (vocab.get("uncovered") or {}).items()}
        # uncovered topics that only ever concern NETs (PRRT, tumour markers): never chat
        self._net_specific = {tid for tid, spec in (vocab.get("uncovered") or {}).items() if spec.get("net_specific")}
        off_topic = vocab.get("off_topic") or []
        self._off_topic = re.compile(r"\b(" + "|".join(re.escape(w) for w in off_topic) + r")\b", re.I) \
            if off_topic else None
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

    def question_cue(self, text: str) -> str | None:
        """Cue words in the question sentences alone of a message of several sentences."""
        for part in questions_last_first(text or ""):
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
        cue = self.question_cue(text) if asked else None
        if not cue or intent not in {"distress", "personal_advice", "ask_not_covered"} | self._aspect_intents:
            return None
        question = REQUEST.sub(" ", text[self._question_start(text, asked):])  # "can you tell me" is no person
        if intent == "personal_advice" and (self.names_a_person(question) or self._decision.search(question)):
            return None
        if intent == "ask_not_covered" or uncovered:
            if not (uncovered and self.only_in_story(text, uncovered_at)) or self.off_topic(text):
                return None
            # the classifier's own kind of question stands; "not covered" gives way to the cue
            return (intent if intent in self._aspect_intents else f"ask_{cue}"), True
        return (f"ask_{cue}", False) if intent not in self._aspect_intents else None

    @staticmethod
    def _question_start(text: str, asked: list[str]) -> int:
        return min(text.rfind(q) for q in asked)

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
                    and at < self._question_start(text, asked))

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
        """(intent, confidence) to use instead of the classifier's, or None to keep it.
        `subject_at`, `uncovered_at`: where the subject and the uncovered topic are named in
        the text, when known. An uncovered topic named only in a backstory is ignored by the
        caller when the result's intent is a question about a subject (see backstory_question)."""
        top = ranking[0].get("confidence", 0.0) if ranking else 0.0
        if intent not in SAFETY | {"personal_advice"} and not uncovered \
                and (not subject or subject in self._general) \
                and (self.injection(text) or self.other_condition(text, subject)):
            # "ignore your previous instructions and...", "what's the treatment for head lice"
            return None if intent == "out_of_scope" else ("out_of_scope", max(top, UNSURE))
        story = self.backstory_question(intent, text, uncovered, uncovered_at)
        if story:
            return story[0], max(top, UNSURE)
        cue = self.cue_aspect(text)
        if intent not in SAFETY - {"distress"} and cue and CORRECTION.search(text or ""):
            return f"ask_{cue}", max(top, UNSURE)  # "sorry, I meant how is it diagnosed"
        if intent not in SAFETY | SOCIAL and self.heard_of(text, subject, uncovered):
            # the forum is only the source: the question about the subject is answered
            if intent in self._aspect_intents:
                return None
            best = f"ask_{cue}" if cue else self.best_aspect(ranking)
            return (best, max(top, UNSURE)) if best else None
        strong = next((name for name, rx in self._strong if rx.search(text or "")), None)
        if strong and intent != f"ask_{strong}" and not uncovered and intent not in SAFETY | SOCIAL \
                and (not subject or subject in self._general or subject == "net") \
                and not (self.names_a_person(text) and self._decision.search(text or "")):
            # about treatment in general: "what are they hoping to achieve with the treatment"
            return f"ask_{strong}", max(top, UNSURE)
        if intent == "distress" and subject and not uncovered and subject_at is not None:
            # "I'm a nervous wreck before my appointment. What is radiofrequency ablation?": the
            # feelings first, then a question naming a subject; the question is answered (the
            # answer ends with the team's number). "...Is it normal to feel like this?" names
            # no subject in the question and still gets the supportive reply.
            asked = questions_last_first(text)
            if asked and text.rfind(asked[0]) <= subject_at:
                cue = self.cue_aspect(text)
                best = f"ask_{cue}" if cue else self.best_aspect(ranking)
                if best:
                    return best, max(top, UNSURE)
        if intent in ("ask_not_covered", "out_of_scope", "ask_outlook") and not uncovered \
                and self.names_a_person(text) and self._own_outlook.search(text or ""):
            # "will I still be alive in 5 years": one person's outlook, never "not covered"
            return "personal_advice", max(top, UNSURE)
        if (not subject or subject in self._general) and intent not in SAFETY | SOCIAL and self._off_topic \
                and self._off_topic.search(text or ""):
            # "can dogs eat grapes", "what's the treatment for acne": about something other than NETs
            return None if intent == "out_of_scope" else ("out_of_scope", max(top, UNSURE))
        context_only = uncovered in self._context_topics and subject and intent in self._aspect_intents \
            and (top >= UNSURE or HEARSAY.search(text or ""))
        if uncovered and intent not in SAFETY | SOCIAL \
                and (subject or intent != "out_of_scope" or uncovered in self._net_specific) \
                and not context_only:
            decision = self.names_a_person(text) and self._decision.search(text or "")
            target = "personal_advice" if decision else "ask_not_covered"
            return (target, max(top, 0.9)) if target != intent else None
        if subject in self._conditions and intent in ("ask_what_is", "ask_who_for", "ask_what_for") \
                and self._broad and self._broad.search(text or "") \
                and self.cue_aspect(text) in (None, "how_treated"):
            # "what drugs help carcinoid heart disease", "is there medication to ease it": how the
            # condition is treated (the subject resolver picked the condition over the drug word)
            return "ask_how_treated", max(top, UNSURE)
        decides_for_someone = self.names_a_person(text) and self._decision.search(text or "")
        if intent not in SAFETY | SOCIAL and decides_for_someone and len(ranking) > 1 \
                and top - ranking[1].get("confidence", 0.0) < CLOSE \
                and "personal_advice" in (intent, ranking[1].get("name")):
            # a close call with "personal advice" for "can I space my jabs out": a person and a
            # decision word settle it (the reply then points to their team)
            return "personal_advice", max(top, UNSURE)
        personal = intent == "personal_advice" and self.names_a_person(text)
        wrong = (intent == "personal_advice" and not personal) or \
                (intent == "ask_not_covered" and subject and not uncovered)
        if wrong:
            cue = self.cue_aspect(text)
            if cue:
                return f"ask_{cue}", max(top, UNSURE)
            best = self.best_aspect(ranking, exclude=intent)
            return (best, max(top, UNSURE)) if best else None
        about_the_bot = intent == "ask_capabilities" and self._capability and self._capability.search(text or "")
        asks = QUESTION.search(text or "") or ASKS_LATER.search(text or "")
        if subject and asks and intent in SOCIAL | {"out_of_scope", "ask_capabilities"} \
                and not about_the_bot:
            # "is chemo more useful for pancreatic NETs" is a question, not a thank-you
            cue = self.cue_aspect(text)
            return (f"ask_{cue}" if cue else self.best_aspect(ranking) or "ask_what_is"), UNSURE
        if subject and intent == "report_symptom" and top < UNSURE and QUESTION.search(text or ""):
            # an unsure "symptom" guess for a question about a named subject ("are sunitinib and
            # everolimus used for NETs in the bowel?"); symptom phrases are still caught by the
            # phrase triage, which runs after this and overrides it
            cue = self.cue_aspect(text)
            best = f"ask_{cue}" if cue else self.best_aspect(ranking)
            if best:
                return best, UNSURE
        if subject and intent == "out_of_scope" and len(ranking) > 1:
            # a close call between chat and a question that names a NET subject: the question
            runner = ranking[1]
            if runner.get("name") in self._aspect_intents and top - runner.get("confidence", 0.0) < CLOSE:
                return runner["name"], max(top, UNSURE)
        if subject and top < UNSURE and intent in self._aspect_intents:
            cue = self.cue_aspect(text)
            if cue:
                # cue words that agree with the unsure guess confirm it (no false "ambiguous")
                return f"ask_{cue}", UNSURE
        return None
