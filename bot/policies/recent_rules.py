"""Rasa's RulePolicy, looking only at the last few turns when it predicts.

RulePolicy turns the WHOLE conversation into states before every prediction (twice per
prediction, two predictions per message), so each message costs more than the one before.
Our rules are one user turn long, use no forms and no `conversation_start`, so the last few
turns give exactly the same states for matching: the conversation tests prove the same
predictions. Longer rules would need KEEP_TURNS raised; a test checks the rule lengths.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

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


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RecentTurnsRulePolicy(RulePolicy):
    def _prediction_states(self, tracker: DialogueStateTracker, domain: Domain,
                           use_text_for_last_user_input: bool = False,
                           rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
        return super()._prediction_states(recent(tracker, domain), domain,
                                          use_text_for_last_user_input, rule_only_data)
