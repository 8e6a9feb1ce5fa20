"""Patch: Rasa's FailSafeTrackerStore hands calls and errors for our PostgreSQL store through.

Symptom: Rasa 3.6's Agent wraps every tracker store in FailSafeTrackerStore (agent.py
`_create_tracker_store`); on any database error its retrieve returns None (a new session, no
context) and its save writes to memory (the turn is lost when the process ends; RasaHQ/rasa
issue 3243).
Change: for a ResilientSQLTrackerStore only, the wrapper's retrieve, retrieve_full_tracker, save
and keys call the store straight through, so its own bounded retries and errors
(bot/rasa_ext/stores/postgres_tracker.py) reach the channel, which tells the patient plainly.
Required, not optional: the PostgreSQL store applies it when it is created, whatever
NETBOT_RASA_PATCHES says, and refuses to start on a Rasa whose wrapper it has not read.
Test: tests/cluster/test_stores.py (a database outage is said, never hidden).
"""
from __future__ import annotations

import rasa
from rasa.core.tracker_store import FailSafeTrackerStore

from bot.rasa_ext.patches.version import SUPPORTED_RASA

TARGET = "rasa.core.tracker_store.FailSafeTrackerStore.{retrieve,retrieve_full_tracker,save,keys}"
METHODS = ("retrieve", "retrieve_full_tracker", "save", "keys")
_originals = {name: getattr(FailSafeTrackerStore, name) for name in METHODS}


def apply(store_class: type) -> None:
    """Pass calls through for instances of `store_class`; idempotent."""
    if getattr(FailSafeTrackerStore, "_net_pass_through", None) is store_class:
        return
    if rasa.__version__ != SUPPORTED_RASA or not hasattr(FailSafeTrackerStore, "fallback_tracker_store"):
        raise RuntimeError(f"bot/rasa_ext/patches/failsafe_passthrough.py knows Rasa {SUPPORTED_RASA}'s "
                           f"FailSafeTrackerStore, not Rasa {rasa.__version__}'s: check it still hides "
                           f"errors before using the PostgreSQL tracker store.")

    def through(name: str):
        original = _originals[name]

        async def method(self, *args, **kwargs):
            if isinstance(self._tracker_store, store_class):
                return await getattr(self._tracker_store, name)(*args, **kwargs)
            return await original(self, *args, **kwargs)
        method.__name__ = name
        return method

    for name in METHODS:
        setattr(FailSafeTrackerStore, name, through(name))
    FailSafeTrackerStore._net_pass_through = store_class


def revert() -> None:
    for name, original in _originals.items():
        setattr(FailSafeTrackerStore, name, original)
    FailSafeTrackerStore._net_pass_through = None


def applied() -> bool:
    return bool(getattr(FailSafeTrackerStore, "_net_pass_through", None))
