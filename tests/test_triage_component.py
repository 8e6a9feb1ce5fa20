"""How the triage verdict overrides the classifier (pure decision function)."""
import pytest

from bot.nlu.safety_triage import decide


@pytest.mark.parametrize("level,negated,predicted,forced", [
    ("emergency", False, "ask_what_is", "emergency"),        # red flag beats the classifier
    ("emergency", False, "nlu_fallback", "emergency"),       # ...and low confidence
    ("crisis", False, "distress", "emergency_crisis"),
    ("concern", False, "ask_what_is", "report_symptom"),
    ("concern", False, "emergency", "report_symptom"),       # classifier alone does not over-triage a concern
    ("none", True, "emergency", "nlu_fallback"),             # "no chest pain, ..."
    ("none", False, "emergency", None),                      # classifier-only emergency stands
    ("none", False, "ask_how_often", None),
])
def test_decide(level, negated, predicted, forced):
    assert decide(level, negated, predicted) == forced
