"""NETBOT_SETTINGS (a settings file path) is honoured by everything that reads settings:
the loader, the replies, and the web pages (which used to read config/settings.yml themselves)."""
from __future__ import annotations

import yaml

from bot import PROJECT_ROOT

EXAMPLE = PROJECT_ROOT / "config" / "settings.yml"


def write_settings(tmp_path, mode="development", **clinic):
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw["mode"] = mode
    raw["clinic"].update(clinic)
    raw["phones"]["treatment_line"] = "0300 555 0199"   # not an example number
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_loader_and_replies_read_netbot_settings(tmp_path, monkeypatch):
    from bot.answers.replies import Replies
    from bot.settings import Settings
    monkeypatch.setenv("NETBOT_SETTINGS", str(write_settings(tmp_path, nurse_line="0300 555 0177")))
    assert Settings.load().nurse_line == "0300 555 0177"
    assert "0300 555 0177" in Replies().messages("goodbye")[0]["text"]


def test_web_pages_read_netbot_settings_and_show_the_review_note(tmp_path, monkeypatch):
    from bot.web.pages import Site
    monkeypatch.setenv("NETBOT_SETTINGS", str(write_settings(tmp_path, nurse_line="0300 555 0177")))
    site = Site(bot_url="http://127.0.0.1:5005", public_url="http://127.0.0.1:8080")
    demo, nurses = site.demo_html(), site.nurses_html()
    assert "0300 555 0177" in demo and "0300 555 0177" in nurses
    assert 'data-review-note="The answers here are still waiting to be checked by the clinical team."' in demo
    assert "still waiting to be checked" in nurses and "reviewed source" not in nurses
    assert "written in about 2011" in nurses
    assert len(site.topics) == 9


def test_web_pages_in_production_offer_only_approved_topics_and_no_review_note(tmp_path, monkeypatch):
    from bot.web.pages import Site
    path = write_settings(tmp_path, "production", name="St Elsewhere NET Centre", nurse_line="0300 555 0177",
                          website="https://www.st-elsewhere.nhs.uk/net")
    monkeypatch.setenv("NETBOT_SETTINGS", str(path))
    site = Site(bot_url="http://127.0.0.1:5005", public_url="http://127.0.0.1:8080")
    assert 'data-review-note=""' in site.demo_html()
    assert "Only answers approved by the clinical team are shown" in site.nurses_html()
    assert site.topics == []  # nothing is approved yet


def test_web_pages_refuse_example_contacts_in_production(tmp_path, monkeypatch):
    import pytest

    from bot.settings import SettingsError
    from bot.web.pages import Site
    monkeypatch.setenv("NETBOT_SETTINGS", str(write_settings(tmp_path, "production")))
    with pytest.raises(SettingsError, match="example"):
        Site(bot_url="http://127.0.0.1:5005", public_url="http://127.0.0.1:8080")
