"""Which safety disposition a turn ended in: ONE table, so the triage's names can change here only.

The triage records its disposition in the message's parse data (`triage.disposition`). When it
found nothing ("none") or recorded nothing (a button payload), the intent the safety rules
answered is looked up in the table of content/dispositions.yml: a symptom the classifier
recognised without a triage phrase still sent the symptom reply, and counts as "soon".
"""
from __future__ import annotations

from bot import content

DISPOSITIONS = ("emergency", "crisis", "urgent", "soon", "none")

# intent the safety rules answer -> disposition, from the one table (content/dispositions.yml)
BY_INTENT = {spec["intent"]: name for name, spec in content.dispositions()["dispositions"].items()}


def disposition(intent: str | None, triage: dict | None = None) -> str:
    named = (triage or {}).get("disposition")
    if named in DISPOSITIONS and named != "none":
        return named
    return BY_INTENT.get(intent or "", "none")
