"""The rule policy's shortcut sees the same recent states as Rasa's full computation."""

import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import PROJECT_ROOT
from bot.rasa_ext.policies.recent_rules import KEEP_TURNS, recent

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def long_tracker(turns=12):
    t = DialogueStateTracker("x", DOMAIN.slots)
    t.update(ActionExecuted("action_listen"))
    for i in range(turns):
        intent = ["ask_what_is", "ask_how_often", "greet", "emergency"][i % 4]
        t.update(UserUttered(f"m{i}", {"name": intent, "confidence": 1.0}))
        t.update(ActionExecuted("action_answer"))
        t.update(BotUttered(f"r{i}"))
        t.update(SlotSet("subject", f"s{i}"))
        t.update(ActionExecuted("action_listen"))
    t.update(UserUttered("last", {"name": "ask_cure", "confidence": 1.0}))
    return t


def test_recent_states_equal_full_states():
    t = long_tracker()
    full = DOMAIN.states_for_tracker_history(t)
    short = DOMAIN.states_for_tracker_history(recent(t, DOMAIN))
    assert len(short) < len(full)
    assert short[-KEEP_TURNS:] == full[-KEEP_TURNS:]


def test_short_conversations_are_untouched():
    t = long_tracker(turns=1)
    assert recent(t, DOMAIN) is t


def test_every_rule_spans_at_most_one_user_turn():
    for path in (PROJECT_ROOT / "data").rglob("*.yml"):
        for rule in (yaml.safe_load(path.read_text()) or {}).get("rules") or []:
            steps = rule.get("steps") or []
            assert sum(1 for s in steps if "intent" in s or "user" in s) <= 1, rule["rule"]
            assert not rule.get("conversation_start"), rule["rule"]
