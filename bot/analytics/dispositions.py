"""Which safety disposition a turn ended in: ONE table, so the triage's names can change here only.

Today the NLU intents that the safety rules answer are `emergency`, `emergency_crisis` and
`report_symptom` (bot/nlu/safety_triage.py); the triage is moving to the dispositions
emergency / crisis / urgent / soon. When the triage itself records a disposition in the
message's parse data (`triage.disposition`), that wins; else the intent is looked up here.
"""
from __future__ import annotations

DISPOSITIONS = ("emergency", "crisis", "urgent", "soon", "none")

# intent the safety rules answer -> disposition
BY_INTENT = {
    "emergency": "emergency",
    "emergency_crisis": "crisis",
    "urgent": "urgent",
    "report_symptom": "soon",
}


def disposition(intent: str | None, triage: dict | None = None) -> str:
    named = (triage or {}).get("disposition")
    if named in DISPOSITIONS:
        return named
    return BY_INTENT.get(intent or "", "none")
