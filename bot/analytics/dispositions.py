"""Which safety disposition a turn ended in: ONE table, so the triage's names can change here only.

The triage records its disposition in the message's parse data (`triage.disposition`); for a
message without it (a button payload), the intent the safety rules answer is looked up in the
table of content/dispositions.yml.
"""
from __future__ import annotations

from bot import content

DISPOSITIONS = ("emergency", "crisis", "urgent", "soon", "none")

# intent the safety rules answer -> disposition, from the one table (content/dispositions.yml)
BY_INTENT = {spec["intent"]: name for name, spec in content.dispositions()["dispositions"].items()}


def disposition(intent: str | None, triage: dict | None = None) -> str:
    named = (triage or {}).get("disposition")
    if named in DISPOSITIONS:
        return named
    return BY_INTENT.get(intent or "", "none")
