"""Follow-up questions that lean on the subject in context.

"What is carcinoid heart disease?" then "which side?": the classifier reads one message at a
time and may take "which side?" for chat or a symptom report. Two plain functions decide:
- `subject_in_context`: the NET subject the conversation is about (the last one answered or
  mentioned in the last few user turns), from a simple list the policy and the actions both
  build from their own event types.
- `FollowUp.reroute`: whether a message is a follow-up question that should be answered about
  that subject instead of getting a chat, "not understood" or symptom reply.
The phrase triage's verdict always stands; safety intents are never rerouted.
Word lists: content/follow_up.yml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from bot import content
from bot.understanding.subjects import GENERAL_SUBJECTS  # noqa: F401  (used here and by the actions)
from bot.understanding.text import ASKS_LATER, QUESTION

# "what about the scan", "what if it can't": a question without a question mark or word
ASKS_ABOUT = re.compile(r"^\W*(and |so |but )?(what about|how about|what if)\b", re.I)
# "and if that's not possible?", "what about the other one": the same kind of question as before
OPENER = re.compile(r"^\W*(and|so|but|what about|how about|what if|then)\b", re.I)
# "which NETs is it licensed for?" after "everolimus": the NETs are the answer asked for,
# "it" is still the subject in context
WHICH_KIND = re.compile(r"\b(which|what|all|every|any|only|just)\s+(kinds?\s+of\s+|types?\s+of\s+|sorts?\s+of\s+)?"
                        r"(nets?|neuroendocrine tumou?rs?|tumou?rs?|cancers?|patients|people)\b", re.I)
REFERS_BACK = re.compile(r"\b(it|they|them)\b", re.I)
# "does carcinoid affect it?", "what's that got to do with his treatment?"
POINTS_BACK = re.compile(r"\b(it|its|they|them|that|this|those|these|one)\b", re.I)
# "and the other new one?" after sunitinib: everolimus (`other` in content/subjects.yml)
THE_OTHER = re.compile(r"\bthe other\b(\s+(new|newer|long.acting))?(\s+(one|drug|medicine|jab|injection|tablet|"
                       r"procedure|treatment|option))?", re.I)
# "any other drugs apart from lanreotide?": the other drugs there are
ALTERNATIVES = re.compile(r"\bother (drugs?|medicines?|medications?|tablets|treatments|options)\b|"
                          r"\b(apart from|besides|except|instead of|alternatives? to)\b", re.I)
# "what else is taken into account?": the other things of the same kind
ELSE = re.compile(r"\bwhat else\b|\banything else\b|\bother (things|factors)\b", re.I)
# kinds of question about NETs as a whole
NET_LEVEL = {"outlook", "cure", "how_chosen"}
# "what then?", "and if they can't?", "suppose it shows damage, what happens next?"
THEN = re.compile(r"\bwhat (then|next|now)\b|\bthen what\b|\bwhat happens (next|then|after( that)?)\b"
                  r"|\b(what|and|but|so)? ?if (not|they (can'?t|cannot|don'?t|won'?t)|it (doesn'?t|does not|can'?t|cannot|isn'?t|won'?t)"
                  r"|that (doesn'?t|does not|fails|isn'?t|can'?t)|the \w+ (don'?t|doesn'?t|do not|fail|can'?t|stop))\b"
                  r"|\bshows? (damage|a problem|something|there is)\b", re.I)
# "is that the same for octreotide?", "is it the same if it's spread?"
SAME = re.compile(r"\b(is|are|would|does|will) (that|it|this|they|those) (be )?(the )?same (for|with|if|when|in|once|after)\b",
                  re.I)


@dataclass(frozen=True)
class Turn:
    """One step of history, oldest first: a user message (with the subject it named, if any)
    or the `subject` slot being set by an action."""
    kind: str                  # "user" | "slot"
    subject: str | None = None


def subject_in_context(history: Iterable[Turn], turns: int | None = None) -> str | None:
    """The most recent subject answered about or named by the user, looking back at most
    `turns` user messages (the current message is not part of `history`)."""
    limit = turns if turns is not None else settings()["context_turns"]
    seen_users = 0
    for step in reversed(list(history)):  # an action's slot comes after its user turn
        if step.subject:
            return step.subject
        if step.kind == "user":
            seen_users += 1
            if seen_users >= limit:
                return None
    return None


@lru_cache(maxsize=1)
def settings() -> dict:
    return content.load_yaml(content.CONTENT_DIR / "follow_up.yml")


def _words(words: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w'])(" + "|".join(re.escape(w) for w in words) + r")(?![\w'])", re.I)


class FollowUp:
    def __init__(self, cfg: dict | None = None):
        cfg = cfg or settings()
        self.reroutable = set(cfg["reroutable"])
        self._symptom = _words(cfg["symptom_words"])
        self._bot = _words(cfg["addresses_bot"])
        self._openers = re.compile(r"^\W*(" + "|".join(cfg["request_openers"]) + r")\b", re.I)

    def is_question(self, text: str) -> bool:
        return bool(QUESTION.search(text) or ASKS_LATER.search(text) or ASKS_ABOUT.search(text))

    def addresses_bot(self, text: str) -> bool:
        return bool(self._bot.search(self._openers.sub("", text)))

    def reroute(self, intent: str | None, text: str, triage_level: str | None,
                context_subject: str | None, uncovered: bool = False, off_topic: bool = False) -> bool:
        """True when the message is a question about the subject in context that the
        classifier took for chat, "not understood" or a symptom report."""
        text = text or ""
        if not context_subject or intent not in self.reroutable or uncovered or off_topic:
            return False
        if triage_level not in (None, "none"):
            return False  # the phrase triage heard a symptom or worse: its reply stands
        if not self.is_question(text) or self.addresses_bot(text):
            return False
        if intent == "report_symptom" and self._symptom.search(text):
            return False
        return True


def subject_for(named: str | None, in_context: str | None, text: str, aspect: str | None = None,
                subjects: dict | None = None) -> tuple[str | None, str | None]:
    """(subject, kind of question it forces or None) for a question that named `named` (or
    nothing) with `in_context` the subject in context. A general word does not replace the
    subject in context when the question points back at it ("does carcinoid affect it?" after
    the pulmonary valve; "what's the treatment for it?" after carcinoid heart disease), unless
    the kind of question is about NETs as a whole ("what can treatment still do in that
    situation?" asks about the aims of treatment)."""
    text = text or ""
    subjects = subjects if subjects is not None else (content.subjects().get("subjects") or {})
    broad = _broad_ancestor(named or in_context, subjects)
    if broad and ALTERNATIVES.search(text):
        return broad, None  # the drug overview names them all
    if not in_context:
        return named, None
    if named == "net" and WHICH_KIND.search(text) and REFERS_BACK.search(text):
        return in_context, "who_for"  # "is it used for all NETs or just some"
    other = (subjects.get(in_context) or {}).get("other")
    if other and (not named or named in GENERAL_SUBJECTS or named == in_context) and THE_OTHER.search(text):
        return other, None
    spec = subjects.get(in_context) or {}
    if named and named != in_context and (subjects.get(named) or {}).get("kind") == "condition" \
            and spec.get("kind") not in (None, "condition") and POINTS_BACK.search(text):
        # "why would someone with carcinoid heart disease take one?" after diuretics
        return in_context, None
    if not named and ELSE.search(text) and spec.get("parent") and spec["parent"] not in GENERAL_SUBJECTS:
        return spec["parent"], None  # "what else is taken into account?" after the Octreoscan
    # ("the outlook for those" asks for the outlook itself: "prognosis" is kept)
    broad_word = (subjects.get(named) or {}).get("broad")  # "what is that medicine actually for?"
    if (named in ("net", "treatment") or broad_word) and in_context not in GENERAL_SUBJECTS \
            and aspect not in NET_LEVEL and POINTS_BACK.search(text):
        return in_context, None
    return named or in_context, None


def _broad_ancestor(sid: str | None, subjects: dict) -> str | None:
    """The broad subject above a drug ("drug treatment for NETs" above lanreotide), if any."""
    seen = set()
    sid = (subjects.get(sid) or {}).get("parent") if sid else None
    while sid and sid not in seen:
        seen.add(sid)
        spec = subjects.get(sid) or {}
        if spec.get("broad"):
            return sid
        sid = spec.get("parent")
    return None


def topic_follow_up(named: str | None, in_context: str | None, last_aspect: str | None, text: str,
                    chain, cfg: dict | None = None) -> tuple[str, str | None, str] | None:
    """(subject, kind of question or None, why) for a follow-up that leans on the topic in
    context, or None. `chain(subject)`: the subject and its parents (KnowledgeService.chain).
    - "what then?" / "and if they can't?": what the source says comes next (`then`);
    - "is that the same for X?": the same kind of question about X (or the subject in context);
    - a general word that the topic makes specific (`topic_words`): "do they operate for that?"
      after carcinoid heart disease is about valve surgery."""
    if not in_context:
        return None
    cfg = cfg or settings()
    subjects = content.subjects().get("subjects") or {}
    general = named is None or named in GENERAL_SUBJECTS or bool((subjects.get(named) or {}).get("broad"))
    mapped = None
    for topic in chain(in_context):
        mapped = (cfg.get("topic_words") or {}).get(topic, {}).get(named) if named else None
        if mapped or (cfg.get("topic_words") or {}).get(topic):
            break
    if THEN.search(text or "") and (general or mapped):
        base = mapped or in_context
        step = (cfg.get("then") or {}).get(f"{base}/{last_aspect}") or (cfg.get("then") or {}).get(base)
        if step:
            return step["subject"], step["aspect"], f"then:{base}"
    if SAME.search(text or "") and last_aspect:
        return (named if named and not general else in_context), last_aspect, "same"
    if mapped:
        return mapped, None, f"topic:{named}->{mapped}"
    return None
