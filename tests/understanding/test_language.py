"""A message partly in another language gets a safety net first (bot/understanding/language.py, bot/rasa_ext/channels/rest.py)."""
import pytest
import yaml

from bot import PROJECT_ROOT
from bot.understanding.language import OtherLanguage


@pytest.fixture(scope="module")
def lang():
    return OtherLanguage()


@pytest.mark.parametrize("text,language", [
    ("Mama nie może oddychać i ma sine usta. she has carcinoid heart disease", "Polish"),
    ("mi hijo se está ahogando con un caramelo, no puede toser", "Spanish"),
    ("abbu ko achanak seene mein bohat tez dard ho raha hai", "Urdu and Hindi (in English letters)"),
    ("Mae Dad wedi llewygu a dydi o ddim yn deffro. he had his octreotide jab", "Welsh"),
    ("ma femme vomit du sang rouge, beaucoup, depuis 10 minutes", "French"),
])
def test_another_language_is_noticed(lang, text, language):
    assert lang.detect(text) == language


@pytest.mark.parametrize("text", [
    "I want to die", "my ma says the jab hurts", "is it non-functional or functional",
    "blood is pouring from my wound", "my mam has carcinoid heart disease", "Les and Des both have NETs",
    "el paso is where my dad had his surgery",
])
def test_english_is_not_taken_for_another_language(lang, text):
    assert lang.detect(text) is None


def test_no_english_probe_message_is_taken_for_another_language(lang):
    cases = yaml.safe_load((PROJECT_ROOT / "tests/e2e/probe_cases.yml").read_text())["cases"]
    flagged = [c["id"] for c in cases if lang.detect(" ".join(c.get("turns") or [c["text"]]))]
    # the probe set's mixed-language messages are the only ones
    assert set(flagged) <= {"x13a-emergency-32"} | {c["id"] for c in cases if c["id"].startswith("x20b-")}


def test_the_channel_puts_the_safety_net_first():
    from bot.rasa_ext.channels.rest import GuardedRestInput
    ch = GuardedRestInput()
    reply = [{"text": "Sorry, I can only help with questions about NET treatment."}]
    out = ch.with_safety_net("Mama nie może oddychać i ma sine usta", reply)
    assert "999" in out[0]["text"] and out[1:] == reply
    emergency = [{"text": "Call 999 now for an ambulance."}]
    assert ch.with_safety_net("Mama nie może oddychać. she cannot breathe", emergency) == emergency
    assert ch.with_safety_net("what is lanreotide", reply) == reply
