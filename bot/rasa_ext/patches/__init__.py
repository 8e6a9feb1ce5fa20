"""Changes to Rasa's own code, one module per change, applied by one explicit call.

Rasa 3.6 has no extension point for these (the graph runner is hard-coded, plugin hooks load
only from rasa_plus), so each replaces one attribute of a Rasa class or module. Every module
says what it changes (TARGET), the symptom, the measured cost, and the test that proves the
same results; docs/architecture.md ("Rasa patches") lists them.

`apply()` is called by every Rasa process the project starts: bot.rasa_ext.run (the entry point
of `rasa run`, `rasa train`, `rasa test`, `rasa data validate` in make) and, as a second line,
the REST channel when Rasa builds it. It applies each patch once per process and logs one line
saying which. It refuses, with one ERROR line, on a Rasa version other than SUPPORTED_RASA: the
patches read private names whose shape can change in any release.

NETBOT_RASA_PATCHES=off leaves Rasa as shipped (for `make bench`'s "patches off" row, or to
rule the patches out when a problem is found). The PostgreSQL store's fail-safe pass-through
(failsafe_passthrough.py) is not in this list: that store cannot run safely without it, so it
applies it itself, and refuses to start on another Rasa version.
"""
from __future__ import annotations

import importlib
import logging
import os
from dataclasses import dataclass

from bot.rasa_ext.patches.version import SUPPORTED_RASA

ENV = "NETBOT_RASA_PATCHES"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Patch:
    name: str   # its module in this package
    why: str    # one line for the log and the docs


PATCHES = (
    Patch("action_validation", "action server replies checked with validators built once (57 ms per action)"),
    Patch("event_types", "event classes looked up once per type name (6% of a busy server)"),
    Patch("http_session", "one HTTP session per action endpoint, not one per call"),
    Patch("graph_runner", "graph nodes run in a precomputed order, without dask (9% of a busy server)"),
    Patch("action_timeout", "action server timeout from the settings (timeouts.action_s), not 300 s"),
)
_done: list[str] | None = None


def module(patch: Patch):
    return importlib.import_module(f"{__name__}.{patch.name}")


def switched_on() -> bool:
    return os.environ.get(ENV, "on").strip().lower() not in ("off", "0", "false", "no")


def apply() -> list[str]:
    """Apply the patches (once per process); the names applied, [] when off or refused."""
    global _done
    if _done is not None:
        return _done
    import rasa
    if not switched_on():
        logger.warning("Rasa patches off (%s=off): Rasa %s runs as shipped", ENV, rasa.__version__)
        _done = []
    elif rasa.__version__ != SUPPORTED_RASA:
        logger.error("Rasa %s: the patches in bot/rasa_ext/patches/ were written for Rasa %s and are "
                     "NOT applied; Rasa runs as shipped (slower, with a 300 s action timeout)",
                     rasa.__version__, SUPPORTED_RASA)
        _done = []
    else:
        _done = [p.name for p in PATCHES if module(p).apply() is not False]
        logger.info("applied %d Rasa %s patches: %s", len(_done), rasa.__version__, ", ".join(_done))
    return _done


def revert() -> None:
    """Undo every patch (tests, and the bench's side-by-side rows)."""
    global _done
    for p in PATCHES:
        module(p).revert()
    _done = None


def summary() -> str:
    """One line for a process's log: which patches are in effect."""
    import rasa
    names = applied()
    if not names:
        return f"Rasa {rasa.__version__}: no patches applied (bot/rasa_ext/patches/)"
    return f"Rasa {rasa.__version__}: {len(names)} patches applied ({', '.join(names)})"


def applied() -> list[str]:
    """The patches in effect now."""
    return [p.name for p in PATCHES if module(p).applied()]
