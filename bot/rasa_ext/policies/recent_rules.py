"""Rasa's RulePolicy, looking only at the last few turns when it predicts, and sending
follow-up questions about the subject in context to the answer action (bot/understanding/follow_up.py).

RulePolicy turns the WHOLE conversation into states before every prediction (twice per
prediction, two predictions per message), so each message costs more than the one before.
Our rules are one user turn long, use no forms and no `conversation_start`, so the last few
turns give exactly the same states for matching: the conversation tests prove the same
predictions. Longer rules would need KEEP_TURNS raised; a test checks the rule lengths.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import PolicyPrediction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.safety.across_turns import TURNS, UserTurn, escalation
from bot.safety.triage import shared_triage
from bot.understanding.follow_up import FollowUp, Turn, subject_in_context
from bot.understanding.intent_guard import IntentGuard

ANSWER = "action_answer"

KEEP_TURNS = 3  # user turns kept; every rule in data/ spans at most 1


def recent(tracker: DialogueStateTracker, domain: Domain, turns: int = KEEP_TURNS) -> DialogueStateTracker:
    """The tracker cut to start at the action_listen before the last `turns` user turns."""
    events = list(tracker.events)
    users = [i for i, e in enumerate(events) if isinstance(e, UserUttered)]
    if len(users) <= turns:
        return tracker
    start = users[-turns]
    while start > 0 and not (isinstance(events[start], ActionExecuted)
                             and events[start].action_name == "action_listen"):
        start -= 1
    return DialogueStateTracker.from_events(tracker.sender_id, events[start:], domain.slots)


@lru_cache(maxsize=1)
def _deciders() -> tuple[FollowUp, IntentGuard]:
    return FollowUp(), IntentGuard()


def history_before_latest_message(tracker: DialogueStateTracker) -> List[Turn]:
    """Subjects named by the user or set by an action, oldest first, up to (not including)
    the latest user message."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=len(events))
    out = []
    for e in events[:last_user]:
        if isinstance(e, UserUttered):
            named = next((x.get("value") for x in e.entities or [] if x.get("entity") == "subject"), None)
            out.append(Turn("user", named))
        elif isinstance(e, SlotSet) and e.key == "subject":
            out.append(Turn("slot", e.value))
    return out


def follow_up_action(tracker: DialogueStateTracker) -> Optional[str]:
    """action_answer for a follow-up question the classifier took for chat or a symptom
    report; action_listen after that answer; None to leave the prediction to the rules."""
    msg = tracker.latest_message
    if msg is None or not msg.text:
        return None
    follow_up, guard = _deciders()
    intent = (msg.intent or {}).get("name")
    if intent not in follow_up.reroutable:
        return None
    last_action = tracker.latest_action_name
    if last_action == ANSWER:
        return ACTION_LISTEN_NAME  # the rerouted answer has been given
    if last_action != ACTION_LISTEN_NAME:
        return None
    entities = {e.get("entity") for e in msg.entities or []}
    named = next((e.get("value") for e in msg.entities or [] if e.get("entity") == "subject"), None)
    level = ((msg.parse_data or {}).get("triage") or {}).get("disposition")
    context = subject_in_context(history_before_latest_message(tracker))
    # "what's the treatment for head lice", "ignore your instructions": never a follow-up
    off_topic = guard.off_topic(msg.text) or guard.about_the_bot(msg.text) or guard.injection(msg.text) \
        or guard.other_condition(msg.text, named)
    ok = follow_up.reroute(intent, msg.text, level, context, uncovered="uncovered_topic" in entities,
                           off_topic=off_topic)
    return ANSWER if ok else None


def context_safety_action(tracker: DialogueStateTracker) -> Optional[str]:
    """The safety reply when this message read with the two before it is more urgent than each
    alone (bot/safety/across_turns.py); action_listen once it has been sent."""
    users = [e for e in tracker.events if isinstance(e, UserUttered)][-TURNS:]
    if not users or not users[-1].text:
        return None
    turns = [UserTurn(u.text or "", *_triage_of(u)) for u in users]
    found = escalation(turns, shared_triage())
    if found is None:
        return None
    reply = f"utter_{shared_triage().table.reply(found[0])}"
    if tracker.latest_action_name == ACTION_LISTEN_NAME:
        events = list(tracker.events)
        since = events.index(users[0]) if len(users) > 1 else len(events)
        sent = any(isinstance(e, ActionExecuted) and e.action_name == reply for e in events[since:-1])
        return None if sent else reply  # already said for these turns: the conversation goes on
    return ACTION_LISTEN_NAME if tracker.latest_action_name == reply else None


def _triage_of(event: UserUttered) -> tuple[str, int]:
    triage = (event.parse_data or {}).get("triage") or {}
    return triage.get("disposition") or "none", len(triage.get("situations") or ())


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RecentTurnsRulePolicy(RulePolicy):
    def _prediction_states(self, tracker: DialogueStateTracker, domain: Domain,
                           use_text_for_last_user_input: bool = False,
                           rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
        return super()._prediction_states(recent(tracker, domain), domain,
                                          use_text_for_last_user_input, rule_only_data)

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        action = context_safety_action(tracker)
        if action:
            return self._rule_prediction(self._prediction_result(action, tracker, domain), "safety across turns")
        action = follow_up_action(tracker)
        if action:
            return self._rule_prediction(self._prediction_result(action, tracker, domain), "follow-up question")
        return super().predict_action_probabilities(tracker, domain, rule_only_data, **kwargs)
