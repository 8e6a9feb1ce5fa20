"""docs/safety-report.md is what `make safety-report` writes now, and every example passes."""
from bot.safety.report import OUT, render
from bot.safety.triage import shared_triage


def test_the_committed_report_is_current():
    text = render()
    assert OUT.read_text(encoding="utf-8") == text, "run `make safety-report` and commit docs/safety-report.md"


def test_the_report_lists_every_rule_and_no_failure():
    text = render()
    assert "**FAIL**" not in text
    for rule in shared_triage().table.rules:
        assert f"`{rule.name}`" in text
    assert "Call 999 now" in text and "Decisions for the clinical safety officer" in text
