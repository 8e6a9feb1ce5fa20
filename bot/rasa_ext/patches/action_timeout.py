"""Patch: the action server's timeout from the settings, so the timeouts nest.

Symptom: Rasa 3.6 waits up to 300 s for the action server (`DEFAULT_REQUEST_TIMEOUT`, read when
each custom action runs). A hung action server would then hold the conversation lock for five
minutes, far past the load balancer's read timeout.
Change: `timeouts.action_s` from config/settings.yml instead (docs/deploy.md), rounded up to a
whole second. On a Rasa without that name nothing is changed, and a warning says so.
Test: tests/rasa_ext/test_action_timeout.py.
"""
from __future__ import annotations

import logging
import math

import rasa.core.actions.action as rasa_action

from bot.settings import Timeouts

TARGET = "rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT"
logger = logging.getLogger(__name__)
_original = getattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", None)
_set: int | None = None


def apply(timeouts: Timeouts | None = None) -> bool:
    global _set
    if _original is None:
        logger.warning("Rasa's action timeout is left at its default: rasa.core.actions.action has no "
                       "DEFAULT_REQUEST_TIMEOUT (check bot/rasa_ext/patches/action_timeout.py)")
        return False
    _set = int(math.ceil((timeouts or Timeouts.load()).action_s))
    rasa_action.DEFAULT_REQUEST_TIMEOUT = _set
    return True


def revert() -> None:
    global _set
    if _original is not None:
        rasa_action.DEFAULT_REQUEST_TIMEOUT = _original
    _set = None


def applied() -> bool:
    return _set is not None and getattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT", None) == _set
