"""Shared services for the actions, created once per action-server process."""
from __future__ import annotations

import functools
import logging
from functools import lru_cache

from bot.answers.composer import Composer
from bot.answers.knowledge import KnowledgeBaseUnavailable, KnowledgeService
from bot.answers.replies import Replies
from bot.privacy.log_filter import summary
from bot.understanding.checks import Checks
from bot.understanding.follow_up import Turn, subject_in_context
from bot.understanding.intent_guard import IntentGuard

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def replies() -> Replies:
    return Replies()


@lru_cache(maxsize=1)
def guard() -> IntentGuard:
    return IntentGuard()


def composer() -> Composer | None:
    """The composer, or None if the knowledge base cannot be used (logged, with the fix)."""
    try:
        return _composer()
    except KnowledgeBaseUnavailable as e:
        logger.error("%s", e)  # says how to build it; never any patient text
        return None


@lru_cache(maxsize=1)
def checks() -> Checks:
    """The yes/no checks (content/checks.yml); only used once the composer is available."""
    return Checks(_composer().kb)


@lru_cache(maxsize=1)
def _composer() -> Composer:
    return Composer(KnowledgeService(), replies())


def latest(tracker) -> tuple[str | None, dict, str]:
    """(intent name, {entity: first value}, text) of the latest user message."""
    msg = tracker.latest_message or {}
    entities = {}
    for e in msg.get("entities") or []:
        if isinstance(e, dict) and isinstance(e.get("value"), str):  # a payload can carry any JSON
            entities.setdefault(e.get("entity"), e.get("value"))
    return (msg.get("intent") or {}).get("name"), entities, msg.get("text") or ""


def send(dispatcher, messages: list[dict]) -> None:
    for m in messages:
        # `choice`: which answer and why, kept in the bot event's metadata (not shown)
        dispatcher.utter_message(text=m.get("text"), buttons=m.get("buttons") or [],
                                 json_message=m.get("custom"), **({"choice": m["choice"]} if m.get("choice") else {}))


def context_subject(tracker) -> str | None:
    """The subject in context before the latest message: the last one an action answered
    about or the user named, in the last few user turns (bot/understanding/follow_up.py); else the last
    one answered about, however long ago."""
    events = list(tracker.events or [])
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    history = []
    for e in events[:users[-1]] if users else []:
        if e.get("event") == "user":
            named = next((x.get("value") for x in (e.get("parse_data") or {}).get("entities") or []
                          if x.get("entity") == "subject"), None)
            history.append(Turn("user", named))
        elif e.get("event") == "slot" and e.get("name") == "subject":
            history.append(Turn("slot", e.get("value")))
    return subject_in_context(history) or tracker.get_slot("subject")


def exception_safe(run):
    """Decorates an action's `run`: if it fails, the patient gets the "cannot look that up,
    call your nurse" reply and the log gets the action's name and the exception's type and
    place, never its message (which can hold what the patient typed)."""
    @functools.wraps(run)
    async def safe_run(self, dispatcher, tracker, domain):
        try:
            return await run(self, dispatcher, tracker, domain)
        except Exception as e:
            logger.error("%s failed [exception: %s]", self.name(), summary(e))
            dispatcher.messages.clear()  # half an answer is worse than none
            send(dispatcher, replies().messages("kb_unavailable"))
            return []
    return safe_run
