"""Safety read across turns (bot/safety/across_turns.py), without Rasa."""
import pytest

from bot.safety.across_turns import UserTurn, escalation
from bot.safety.triage import shared_triage


@pytest.fixture(scope="module")
def triage():
    return shared_triage()


def turns(triage, *texts):
    out = []
    for t in texts:
        v = triage.check(t)
        out.append(UserTurn(t, v.disposition, len(v.situations)))
    return out


@pytest.mark.parametrize("texts,disposition", [
    (["im so fed up with all of this, whats the point", "i wont be around for my next scan anyway"], "crisis"),
    (["feeling really low since the results", "how often is lanreotide given",
      "not going to be around much longer"], "crisis"),
    (["my husband is on sunitinib", "he has a temperature of 38.5 tonight"], "urgent"),
    (["what is everolimus for", "im on it and feel really hot tonight"], "urgent"),
    (["i had my embolisation on monday", "now ive got a high temperature"], "urgent"),
])
def test_a_signal_read_with_the_turns_before_escalates(triage, texts, disposition):
    assert escalation(turns(triage, *texts), triage)[0] == disposition


@pytest.mark.parametrize("texts", [
    ["i have chest pain", "thanks"],                                  # already answered with 999
    ["what is lanreotide", "how often is it given"],                  # nothing noticed
    ["i wont be around next week, we are on holiday", "can i move my injection"],
    ["my ankles are swollen", "and my flushing is worse"],            # soon and soon: no more urgent
    ["i want to die", "i wont be around for my scan"],                # the crisis reply was already sent
])
def test_no_escalation_without_a_more_urgent_reading(triage, texts):
    assert escalation(turns(triage, *texts), triage) is None


def test_only_the_last_three_turns_count(triage):
    texts = ["im on chemo", "what is lanreotide", "how often is it given", "i have a temperature of 38.4"]
    assert escalation(turns(triage, *texts), triage) is None
    assert escalation(turns(triage, *texts[1:]), triage) is None
    assert escalation(turns(triage, "im on chemo", *texts[2:]), triage)[0] == "urgent"
