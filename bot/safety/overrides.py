"""When the safety triage's verdict overrides the intent classifier, and how. Pure Python, for
tests; the Rasa component that applies it is bot/rasa_ext/components/safety_triage.py.

A disposition (content/dispositions.yml) forces its intent with confidence 1.0. A classifier-only
emergency is demoted (the next-best intent) when the triage read its red-flag words as negated,
when the classifier is unsure, when it is an information question about a named subject, or
when the patient downplays it; crisis is never downplayed.
"""
from __future__ import annotations

# disposition -> intent the rules answer (the table in content/dispositions.yml names them too;
# tests/safety/test_dispositions.py checks the two agree)
DISPOSITION_INTENT = {"emergency": "emergency", "crisis": "emergency_crisis", "urgent": "urgent_symptom",
                      "soon": "report_symptom"}
EMERGENCY_INTENTS = {"emergency", "emergency_crisis"}
DEMOTE = "__next_best__"
# A classifier-only "emergency" (no red-flag phrase matched) still escalates when the
# classifier is fairly sure: when in doubt, escalate. Below this, it was a guess about a
# message with no red flag in it ("I have a question about my injections").
CLASSIFIER_EMERGENCY_MIN = 0.6


def demoted_ranking(ranking: list[dict], info_question: bool) -> list[dict]:
    """The ranking without emergency intents. For a question about a named subject, the
    kinds of question come first: with no red flag found, "are sunitinib and everolimus used
    for NETs in the bowel?" is a question, not a symptom report."""
    rest = [r for r in ranking if r.get("name") not in EMERGENCY_INTENTS]
    if info_question:
        # "not covered" is not a kind of question: the answer action still says so when the
        # uncovered topic is in the question, and answers it when the topic was only in the story
        # ("I get hot flushes after meals... Do octreotide injections help with flushing?")
        asks = [r for r in rest if (r.get("name") or "").startswith("ask_")
                and r.get("name") not in ("ask_capabilities", "ask_not_covered")]
        rest = asks + [r for r in rest if r not in asks]
    return rest


def decide(disposition: str, negated: bool, predicted: str | None, confidence: float = 1.0,
           info_question: bool = False, downplayed: bool = False, context: str | None = None,
           cue: str | None = None) -> str | None:
    """The intent to force, DEMOTE (use the next-best non-emergency intent), or None to keep
    the classifier's. `info_question`: a question that names a covered subject ("is there any
    point having lanreotide if..."). `context`: the triage read its emergency phrase as past or
    hypothetical (bot/safety/triage.py). `cue`: the kind of question its cue words show, if any
    (content/aspects.yml). Pure, for tests."""
    if disposition == "soon" and context and info_question:
        # backstory, then a question: "when I collapsed last year they found my NET in the
        # pancreas. What drugs are there for pancreatic NETs?" gets the answer; when the
        # classifier took it for something else, only clear cue words make it the question
        # ("if my husband fainted after his injection, what should I do?" keeps the symptom reply)
        if (predicted or "").startswith("ask_"):
            return None
        if cue and predicted not in EMERGENCY_INTENTS:
            return f"ask_{cue}"
    if disposition in DISPOSITION_INTENT:
        return DISPOSITION_INTENT[disposition]
    if predicted in EMERGENCY_INTENTS:
        if negated:
            # "no chest pain, just asking about lanreotide": the classifier saw the red-flag
            # words; the triage saw the negation.
            return DEMOTE
        if confidence < CLASSIFIER_EMERGENCY_MIN or info_question:
            return DEMOTE
        if downplayed and predicted == "emergency":
            # no red-flag phrase, and the patient says it is not severe: the symptom reply
            # (which still says when to call 999); crisis is never downplayed
            return DEMOTE
    if predicted in ("report_symptom", "urgent_symptom") and disposition == "none" and info_question:
        # no symptom phrase found, and a question about a named subject: "is the short acting
        # octreotide still used" is a question, whatever "short" looked like to the classifier
        return DEMOTE
    if predicted == "urgent_symptom" and disposition == "none":
        # the urgent reply is for a fever the phrase list found; a guess gets the symptom reply,
        # whose safety net still says when a fever needs the 24-hour line
        return "report_symptom"
    return None
