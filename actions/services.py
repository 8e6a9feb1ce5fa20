"""Shared services for the actions, created once per action-server process."""
from __future__ import annotations

import logging
from functools import lru_cache

from bot.intent_guard import IntentGuard
from bot.knowledge import KnowledgeBaseUnavailable, KnowledgeService
from bot.reply import Composer
from bot.responses import Replies

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
def _composer() -> Composer:
    return Composer(KnowledgeService(), replies())


def latest(tracker) -> tuple[str | None, dict, str]:
    """(intent name, {entity: first value}, text) of the latest user message."""
    msg = tracker.latest_message or {}
    entities = {}
    for e in msg.get("entities") or []:
        entities.setdefault(e.get("entity"), e.get("value"))
    return (msg.get("intent") or {}).get("name"), entities, msg.get("text") or ""


def send(dispatcher, messages: list[dict]) -> None:
    for m in messages:
        dispatcher.utter_message(text=m.get("text"), buttons=m.get("buttons") or [],
                                 json_message=m.get("custom"))
