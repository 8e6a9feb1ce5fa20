"""Answer each of several questions in one message. Plain Python, no Rasa.

"what is octreotide and how often is it given?" gets both answers, in the order asked, at most
three, without repeating an answer; a part is answered only when it resolves confidently: cue
words (or, for the first part, the classifier's kind of question) and an answer about exactly
that subject, or a reviewed yes/no check (bot/understanding/checks.py). With fewer than two such answers the
message is answered as one question, as before. Safety comes first elsewhere: the phrase
triage reads the whole message before any of this runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from bot import content
from bot.understanding.follow_up import ALTERNATIVES, NET_LEVEL
from bot.understanding.questions import elliptical, yes_no
from bot.understanding.subjects import GENERAL_SUBJECTS

MAX_ANSWERS = 3


@lru_cache(maxsize=1)
def general_words() -> dict:
    """{general subject: the kind of question it also is} (content/aspects.yml)."""
    return content.load_yaml(content.CONTENT_DIR / "aspects.yml").get("general_words") or {}


@dataclass
class Planned:
    aspect: str
    answer: object               # bot.answers.knowledge.Answer
    verdict: object = None       # bot.understanding.checks.Verdict
    why: dict = field(default_factory=dict)


def plan(parts: list[dict], text: str, intent_aspect: str | None, message_subject: str | None,
         in_context: str | None, guard, checks, choose, aspects: dict, chain,
         general: dict | None = None) -> list[Planned]:
    """`parts`: [{start, end, subject, uncovered}] from bot.rasa_ext.components.question_parts; `choose(aspect,
    subject, text)` -> (aspect, Answer) as the answer action chooses for one question;
    `chain(subject)`: it and its parents; `general`: {general subject: kind of question} (default: content/aspects.yml)."""
    general = general if general is not None else general_words()
    out, seen = [], set()
    last_subject, last_aspect = None, None
    for i, part in enumerate(parts):
        question = text[part["start"]:part["end"]]
        if part.get("uncovered"):
            continue  # "...and is it safe in pregnancy?": for the care team, not answered here
        named = part.get("subject")
        inherited = last_subject or message_subject or in_context
        subject = named or inherited
        cue = guard.cue_aspect(question)
        aspect = cue or (last_aspect if elliptical(question) else None) \
            or (intent_aspect if i == 0 else None) \
            or ("what_is" if named and named not in GENERAL_SUBJECTS and yes_no(question) else None)
        # ("...and are the jabs used as well?": what the source says about the jabs)
        if named in GENERAL_SUBJECTS and inherited and inherited not in GENERAL_SUBJECTS \
                and aspect not in NET_LEVEL:
            subject = inherited  # "CHD - how do they spot it and what's the treatment"
            if aspect in (None, "what_is") and named in general:
                aspect = general[named]
        elif named and inherited and named != inherited and named in chain(inherited) \
                and not ALTERNATIVES.search(question):  # "...and what other drugs are there?" asks for the rest
            subject = inherited  # "what is lanreotide? is it a weekly jab?": the jab is lanreotide
        if not subject and aspect:
            subject = aspects.get(aspect, {}).get("default_subject")
        if not subject:
            continue
        about = list(dict.fromkeys(s for s in (subject, named) if s))
        verdict = checks.find(question, about) if checks else None
        why = {"part": [part["start"], part["end"]], "subject": subject,
               "subject_from": "named" if subject == named else "earlier question or context"}
        if verdict:
            answer = checks.answer_for(verdict, about)
            aspect = answer.aspect if answer else aspect
            why.update(check=verdict.rule)
        elif aspect:
            aspect, answer = choose(aspect, subject, question)
            why.update(aspect_from="cue words" if cue else "previous question" if aspect == last_aspect
                       else "classifier")
        else:
            continue  # no clear kind of question: not answered confidently
        if answer is None or not answer.exact:
            continue
        last_subject, last_aspect = subject, aspect
        if answer.id in seen:
            continue
        seen.add(answer.id)
        out.append(Planned(aspect, answer, verdict, why))
        if len(out) == MAX_ANSWERS:
            break
    return out
