"""Safety that does not depend on the conversation stores.

When the lock store (Redis) or the tracker store (a database) cannot be used, Rasa cannot
handle the message at all, and the channel used to send only "Sorry, I cannot look that up
just now". The message may be an emergency: the channel now runs the phrase triage itself
(bot/safety/triage.py: plain Python, no store, no action server) and sends its reply first (999 for
an emergency), then the short "cannot look that up" reply with the nurse line.

A turn that was answered but could not be stored gets a plain note after the answer, so the
patient knows the bot may not remember it (the store logged the error).
"""
from __future__ import annotations


class StoreUnavailable(Exception):
    """A conversation store could not be used; the channel's fallback reply follows."""


class TrackerUnavailable(StoreUnavailable):
    """The conversation so far could not be read."""


class TurnNotSaved(StoreUnavailable):
    """The turn was answered but could not be stored."""


def fallback_reply(replies, triage, text: str) -> list[dict]:
    """Nothing answered the message: its triage reply first (if any), then "cannot look that up"."""
    first = triage.table.reply(triage.check(text).disposition)  # content/dispositions.yml
    return (replies.messages(first) if first else []) + replies.messages("kb_unavailable")


def after_reply(replies, failure: BaseException | None) -> list[dict]:
    """Said after an answer whose turn could not be stored; else nothing."""
    return replies.messages("turn_not_saved") if isinstance(failure, TurnNotSaved) else []
