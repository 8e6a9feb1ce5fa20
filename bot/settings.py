"""The deploying clinic's settings (config/settings.yml): one file, every escalation uses it."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content import load_yaml

DEFAULT_PATH = PROJECT_ROOT / "config" / "settings.yml"
EXAMPLES_PATH = PROJECT_ROOT / "config" / "example_values.yml"
MODES = ("development", "production")


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    clinic_name: str
    team_name: str
    nurse_title: str
    nurse_line: str
    nurse_hours: str
    website: str
    emergency: str = "999"
    urgent_advice: str = "111"
    crisis_line: str = "Samaritans on 116 123"
    cors_origins: tuple = field(default=())
    keep_conversations_days: int = 30
    mode: str = "production"

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Settings":
        path = settings_path(path)
        raw = read_raw(path)
        clinic, phones = raw.get("clinic") or {}, raw.get("phones") or {}
        missing = [k for k in ("name", "nurse_line", "nurse_hours") if not clinic.get(k)]
        if missing:
            raise SettingsError(f"{path}: clinic.{', clinic.'.join(missing)} must be set")
        keep = (raw.get("privacy") or {}).get("keep_conversations_days", 30)
        if not isinstance(keep, int) or isinstance(keep, bool) or keep < 1:
            raise SettingsError(f"{path}: privacy.keep_conversations_days must be a whole number of days, 1 or more")
        settings = cls(
            clinic_name=clinic["name"], team_name=clinic.get("team_name", "NET team"),
            nurse_title=clinic.get("nurse_title", "NET nurse"), nurse_line=str(clinic["nurse_line"]),
            nurse_hours=clinic["nurse_hours"], website=clinic.get("website", ""),
            emergency=str(phones.get("emergency", "999")),
            urgent_advice=str(phones.get("urgent_advice", "111")),
            crisis_line=str(phones.get("crisis_line", "Samaritans on 116 123")),
            cors_origins=tuple((raw.get("web") or {}).get("cors_origins") or ()),
            keep_conversations_days=keep,
        )
        return with_mode(settings, raw, path)

    def placeholders(self) -> dict:
        """Values for the {placeholders} of content/responses.yml."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, str)}


# ---- mode and example values (development | production) ------------------------------------

def settings_path(path: Path | str | None = None) -> Path:
    """The settings file everything reads: `path`, else $NETBOT_SETTINGS, else config/settings.yml."""
    return Path(path or os.environ.get("NETBOT_SETTINGS") or DEFAULT_PATH)


def read_raw(path: Path | str | None = None) -> dict:
    path = settings_path(path)
    if not path.exists():
        raise SettingsError(f"Settings file {path} is missing (copy config/settings.yml).")
    return load_yaml(path)


def mode_of(raw: dict, path: Path | str = "settings") -> str:
    """`mode:` of a settings file. Missing means production: serving drafts must be chosen."""
    mode = raw.get("mode", "production")
    if mode not in MODES:
        raise SettingsError(f"{path}: mode must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


def with_mode(settings: Settings, raw: dict, path: Path) -> Settings:
    """Set the mode; in production the example contacts are refused, each one named."""
    from dataclasses import replace
    mode = mode_of(raw, path)
    if mode == "production":
        problems = example_values(raw)
        if problems:
            raise SettingsError(f"{path}: production mode with example contact details:\n  "
                                + "\n  ".join(problems))
    return replace(settings, mode=mode)


def _strings(node, where: str):
    """(dotted.key, text) of every string, number or list item under `node`."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, f"{where}[{i}]")
    elif node is not None and not isinstance(node, bool):
        yield where, str(node)


def example_values(raw: dict, examples: dict | None = None) -> list[str]:
    """One line per contact detail in `clinic:` or `phones:` that is still an example value
    (config/example_values.yml: Ofcom's drama numbers, example web addresses and names)."""
    ex = examples or load_yaml(EXAMPLES_PATH)
    prefixes = tuple(re.sub(r"\D", "", str(p)) for p in ex.get("phone_prefixes") or [])
    numbers = {re.sub(r"\D", "", str(n)) for n in ex.get("phone_numbers") or []}
    words = [str(w).lower() for w in ex.get("words") or []]
    problems = []
    for section in ("clinic", "phones"):
        for where, text in _strings(raw.get(section) or {}, section):
            digits = re.sub(r"\D", "", text)
            if len(digits) >= 10 and (digits.startswith(prefixes) or digits in numbers):
                problems.append(f"{where} {text!r} is an example number (set the clinic's own)")
            elif any(w in text.lower() for w in words):
                problems.append(f"{where} {text!r} is an example value (set the clinic's own)")
    return problems
