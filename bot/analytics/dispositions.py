"""Which safety disposition a turn ended in: ONE table, so the triage's names can change here only.

The safety rules answer an intent (content/dispositions.yml names it for each disposition),
so the intent says what the patient was sent first; the triage's own record is the fallback.
"""
from __future__ import annotations

from bot import content

DISPOSITIONS = ("emergency", "crisis", "urgent", "soon", "none")

# intent the safety rules answer -> disposition, from the one table (content/dispositions.yml)
BY_INTENT = {spec["intent"]: name for name, spec in content.dispositions()["dispositions"].items()}


def disposition(intent: str | None, triage: dict | None = None) -> str:
    """What the patient was sent first. The safety rules answer the intent, which the triage
    forces for its own decisions and the classifier may choose on its own ("my ankles are a bit
    puffy" with no red-flag phrase still gets the symptom reply): the intent decides."""
    if intent in BY_INTENT:
        return BY_INTENT[intent]
    named = (triage or {}).get("disposition")
    return named if named in DISPOSITIONS else "none"
