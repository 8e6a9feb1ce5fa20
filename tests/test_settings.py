"""One settings file: a changed number reaches every escalation message."""
import re

import pytest
import yaml

from bot import content
from bot.answers.replies import Replies
from bot.content.domain_build import render_domain
from bot.settings import Settings, SettingsError

ESCALATIONS = ["emergency", "emergency_crisis", "urgent", "symptom", "distress", "kb_unavailable", "too_long"]


@pytest.fixture
def changed(tmp_path):
    raw = yaml.safe_load(open(content.PROJECT_ROOT / "config" / "settings.yml"))
    raw["phones"].update(emergency="112", urgent_advice="0300 TEST", urgent_advice_name="the advice line",
                         treatment_line="0800 ONCOLOGY",
                         crisis_lines=[{"name": "Crisisline", "number": "0800 TEST"},
                                       {"name": "Textline", "number": "text 8888"}])
    raw["clinic"].update(nurse_line="0777 888 4444", nurse_hours="weekdays 8 to 6")
    path = tmp_path / "settings.yml"
    path.write_text(yaml.safe_dump(raw))
    return Settings.load(path)


def all_text(replies: Replies) -> dict:
    return {name: "\n".join(m["text"] for m in replies.messages(name, topic="x", aspect="x", term="x", meaning="x",
                                                                  next_step="x", parts="x", lines="x"))
            for name in replies.spec}


def test_changed_numbers_reach_every_escalation(changed):
    texts = all_text(Replies(changed))
    for name in ["emergency", "emergency_crisis", "urgent", "kb_unavailable", "too_long", "symptom", "distress"]:
        assert "112" in texts[name], name
    assert "Crisisline, 0800 TEST; or Textline, text 8888" in texts["emergency_crisis"]
    assert "Crisisline" in texts["emergency"] and "Crisisline on 0800 TEST" in texts["distress"]
    assert "0800 ONCOLOGY" in texts["urgent"] and "0800 ONCOLOGY" in texts["symptom"]
    for name in ["symptom", "distress", "not_covered", "personal", "out_of_scope_again",
                 "bot_challenge", "goodbye", "kb_unavailable"]:
        assert "0777 888 4444" in texts[name], name
    assert "0300 TEST" in texts["symptom"]


def test_no_number_is_hard_coded(changed):
    default = Settings.load()
    for name, text in all_text(Replies(changed)).items():
        for old in {default.emergency, default.urgent_advice, default.nurse_line, default.treatment_line, "116 123",
                    "85258"}:
            assert old not in text, f"{name} still says {old}"


def test_domain_responses_use_settings(changed, tmp_path):
    out = tmp_path / "domain" / "responses.yml"
    render_domain(out, Replies(changed))
    doc = yaml.safe_load(out.read_text())
    first = doc["responses"]["utter_emergency"][0]["text"]
    assert first.startswith("Call 112 now")


def test_answers_carry_no_phone_numbers():
    for a in content.answers():
        assert not re.search(r"\d{3}", a["next_step"]), a["id"]


def test_missing_settings_is_a_clear_error(tmp_path):
    with pytest.raises(SettingsError, match="missing"):
        Settings.load(tmp_path / "none.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("clinic: {name: X}\n")
    with pytest.raises(SettingsError, match="nurse_line"):
        Settings.load(bad)


def test_crisis_lines_and_the_urgent_line(tmp_path):
    raw = yaml.safe_load(open(content.PROJECT_ROOT / "config" / "settings.yml"))
    del raw["phones"]["crisis_lines"]
    raw["phones"].update(crisis_line="Lifeline on 13 11 14", treatment_line="")
    path = tmp_path / "settings.yml"
    path.write_text(yaml.safe_dump(raw))
    s = Settings.load(path)   # a single crisis_line string still works
    assert s.crisis_lines == (("Lifeline", "13 11 14"),) and s.crisis_line == "Lifeline on 13 11 14"
    assert s.urgent_call == "NHS 111 on 111"   # no treatment line: the 111 equivalent
    raw["phones"]["crisis_lines"] = [{"name": "No number"}]
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(SettingsError, match="crisis_lines"):
        Settings.load(path)
