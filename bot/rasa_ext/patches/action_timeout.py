"""Rasa 3.6 waits up to 300 s for the action server (`DEFAULT_REQUEST_TIMEOUT`, read when each
custom action runs). A hung action server would then hold the conversation lock for five
minutes, far past the load balancer's read timeout. We use `timeouts.action_s` from
config/settings.yml instead, so the timeouts nest (docs/deploy.md). Guarded by version: the
name and its use are Rasa 3.6's; on another version we change nothing and say so.
"""
from __future__ import annotations

import logging
import math

import rasa
import rasa.core.actions.action as rasa_action

from bot.settings import Timeouts

logger = logging.getLogger(__name__)


def apply(timeouts: Timeouts | None = None) -> bool:
    if not rasa.__version__.startswith("3.6.") or not hasattr(rasa_action, "DEFAULT_REQUEST_TIMEOUT"):
        logger.warning("Rasa %s: action timeout left at Rasa's default (check bot/rasa_timeouts.py)",
                       rasa.__version__)
        return False
    rasa_action.DEFAULT_REQUEST_TIMEOUT = int(math.ceil((timeouts or Timeouts.load()).action_s))
    return True


apply()
