"""Fold one turn's Rasa events into one analytics row. Plain Python: no Rasa, no I/O.

A turn is what Rasa stores for one patient message: the `user` event, then actions, slots and
bot messages, ending with `action_listen`. The row keeps ids from closed sets only (see
known.py) and numbers; it never copies `text`, `metadata`, entity text or anything else a
patient typed.
"""
from __future__ import annotations

from bot.analytics.dispositions import disposition
from bot.analytics.known import Known

SKIP_ACTIONS = {"action_listen", "action_session_start", "action_restart"}


def _first_entity(parse: dict, name: str, allowed: frozenset) -> str | None:
    for e in parse.get("entities") or []:
        if isinstance(e, dict) and e.get("entity") == name and e.get("value") in allowed:
            return e["value"]
    return None


def fold(events: list[dict], known: Known, conv: str) -> dict:
    """The analytics row for one turn (without the time columns; see store.stamp)."""
    user = events[0]
    parse = user.get("parse_data") or {}
    intent = known.intent((parse.get("intent") or {}).get("name"))
    triage = parse.get("triage") if isinstance(parse.get("triage"), dict) else {}
    text = user.get("text")
    actions, answer_id, signals, slots = [], None, set(), {}
    for e in events[1:]:
        kind = e.get("event")
        if kind == "action" and e.get("name") not in SKIP_ACTIONS:
            actions.append(known.action(e.get("name")))
        elif kind == "bot":
            custom = (e.get("data") or {}).get("custom")
            if isinstance(custom, dict):
                if custom.get("answer_id") in known.answer_topics and answer_id is None:
                    answer_id = custom["answer_id"]
                if isinstance(custom.get("signal"), str):
                    signals.add(custom["signal"])
        elif kind == "slot" and e.get("name") in ("subject", "aspect"):
            slots[e["name"]] = e.get("value")
    rule = known.rule(triage.get("rule") or triage.get("category"))
    subject = known.pick(slots.get("subject"), known.subjects) or _first_entity(parse, "subject", known.subjects)
    last = events[-1].get("timestamp")
    latency = (last - user["timestamp"]) * 1000 if isinstance(last, (int, float)) and \
        isinstance(user.get("timestamp"), (int, float)) else None
    return {
        "conv": conv,
        "intent": intent,
        "disposition": disposition(intent, triage),
        "rule": rule,
        "action": actions[0] if actions else None,
        "answer_id": answer_id,
        "topic": known.answer_topics.get(answer_id),
        "aspect": known.pick(slots.get("aspect"), known.aspects),
        "subject": subject,
        "uncovered": _first_entity(parse, "uncovered_topic", known.uncovered),
        "not_covered": int("not_covered" in signals),
        "fallback": int("action_handle_miss" in actions or intent == "nlu_fallback"),
        "second_miss": int("second_miss" in signals),
        # a button or the widget's greeting sends a /payload; a patient types the rest
        "typed": int(isinstance(text, str) and not text.startswith("/")),
        "latency_ms": round(latency, 1) if latency is not None else None,
    }


class TurnCollector:
    """Collects published events per conversation until each turn is complete."""

    MAX_OPEN = 10_000   # conversations with a turn in progress; the oldest is dropped past this

    def __init__(self, known: Known):
        self.known = known
        self.open: dict[str, list[dict]] = {}

    def add(self, event: dict) -> list[dict] | None:
        """The turn's events when `event` completes one, else None."""
        sender = event.get("sender_id")
        if not isinstance(sender, str):
            return None
        kind = event.get("event")
        if kind == "user":
            self.open.pop(sender, None)  # a turn left unfinished (a crash) is dropped
            self.open[sender] = [event]
            while len(self.open) > self.MAX_OPEN:
                self.open.pop(next(iter(self.open)))
            return None
        turn = self.open.get(sender)
        if turn is None:
            return None  # session start and other events outside a turn
        turn.append(event)
        if kind == "action" and event.get("name") == "action_listen":
            return self.open.pop(sender)
        return None
