"""Safety read across turns: a signal that only makes sense with the one or two messages before
it ("I'm so fed up with all this" then "I won't be around for the next one"; "my husband is on
sunitinib" then "he has a temperature of 38.5").

The NLU triage reads one message. Here the last three user messages are read together by the
same triage; when together they reach a more urgent disposition than each of them alone, that
disposition's reply is sent. Plain Python: the policy (bot/rasa_ext/policies/recent_rules.py) passes the
turns in, so this is tested without Rasa. No message text is logged or kept.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.safety.dispositions import more_urgent

TURNS = 3  # this message and the two before it


@dataclass(frozen=True)
class UserTurn:
    text: str
    disposition: str = "none"   # what the NLU triage decided for this message alone
    situations: int = 0         # how many situations it found (a signal, a fever...)


def escalation(turns: list[UserTurn], triage) -> tuple[str, str] | None:
    """(disposition, rule) when the last turns read together are more urgent than each alone."""
    turns = [t for t in turns if t.text][-TURNS:]
    if len(turns) < 2 or not any(t.situations for t in turns):
        return None  # nothing the triage noticed: no need to read them again
    verdict = triage.check("\n".join(t.text for t in turns))
    if all(more_urgent(verdict.disposition, t.disposition) for t in turns):
        return verdict.disposition, verdict.rule
    return None
