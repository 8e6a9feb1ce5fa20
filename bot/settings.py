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
    urgent_advice: str = "111"                 # the 111 equivalent: urgent, not life-threatening
    urgent_advice_name: str = "NHS 111"
    treatment_line: str = ""                   # 24-hour acute oncology / treatment helpline; "" = none
    treatment_line_name: str = "24-hour treatment helpline"
    crisis_lines: tuple = (("Samaritans", "116 123"),)  # (name, how to reach), first is the main one
    gp: str = "GP"
    emergency_note: str = ""                   # said after "Call 999 now", e.g. "Tell the crew about the NET."
    cors_origins: tuple = field(default=())
    keep_conversations_days: int = 30
    mode: str = "production"
    privacy_notice_url: str = ""
    limits: dict = field(default_factory=dict)  # checked by bot/intake/limits.py

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
            urgent_advice_name=str(phones.get("urgent_advice_name", "NHS 111")),
            treatment_line=str(phones.get("treatment_line") or ""),
            treatment_line_name=str(phones.get("treatment_line_name") or "24-hour treatment helpline"),
            crisis_lines=_crisis_lines(path, phones),
            gp=str(phones.get("gp", "GP")),
            emergency_note=str(phones.get("emergency_note") or ""),
            cors_origins=tuple((raw.get("web") or {}).get("cors_origins") or ()),
            keep_conversations_days=keep,
            privacy_notice_url=str((raw.get("privacy") or {}).get("notice_url") or ""),
            limits=dict(raw.get("limits") or {}),
        )
        return with_mode(settings, raw, path)

    @property
    def urgent_call(self) -> str:
        """Who to call now for an `urgent` disposition: the 24-hour treatment helpline, or the
        111 equivalent when the clinic has not set one."""
        if self.treatment_line:
            return f"your {self.treatment_line_name} on {self.treatment_line}"
        return f"{self.urgent_advice_name} on {self.urgent_advice}"

    @property
    def crisis_line(self) -> str:
        """The main crisis line, as "Samaritans on 116 123"."""
        name, number = self.crisis_lines[0]
        return f"{name} on {number}"

    def placeholders(self) -> dict:
        """Values for the {placeholders} of content/responses.yml."""
        values = {k: v for k, v in self.__dict__.items() if isinstance(v, str)}
        lines = [f"{name}, {number}" for name, number in self.crisis_lines]
        values.update(urgent_call=self.urgent_call, crisis_line=self.crisis_line,
                      crisis_lines="; or ".join(lines))
        return values


def _crisis_lines(path, phones: dict) -> tuple:
    """phones.crisis_lines: [{name, number}, ...]; a single `crisis_line` string still works."""
    lines = phones.get("crisis_lines")
    if lines is None:
        one = str(phones.get("crisis_line") or "Samaritans on 116 123")
        name, _, number = one.partition(" on ")
        return ((name, number),) if number else ((one, ""),)
    if not lines or not all(isinstance(x, dict) and x.get("name") and x.get("number") for x in lines):
        raise SettingsError(f"{path}: phones.crisis_lines must be a list of {{name, number}}")
    return tuple((str(x["name"]), str(x["number"])) for x in lines)


@dataclass(frozen=True)
class Timeouts:
    """The `timeouts:` section of config/settings.yml, in seconds (docs/deploy.md). They must
    nest: a turn's work (two store retries and an action call) fits in the most it may hold
    the conversation lock; a dead holder's place in the queue lapses before a waiter gives up;
    waiting plus holding fits in the load balancer's read timeout."""
    store_retry_s: float = 4
    action_s: float = 10
    lock_ticket_s: float = 10
    lock_wait_s: float = 20
    lock_max_s: float = 30
    proxy_read_s: float = 60

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Timeouts":
        path = settings_path(path)
        raw = (load_yaml(path).get("timeouts") or {}) if path.exists() else {}
        unknown = set(raw) - set(cls.__dataclass_fields__)
        if unknown:
            raise SettingsError(f"{path}: unknown timeouts: {', '.join(sorted(unknown))}")
        for k, v in raw.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
                raise SettingsError(f"{path}: timeouts.{k} must be a number of seconds above 0")
        t = cls(**{k: float(v) for k, v in raw.items()})
        for problem in t.problems():
            raise SettingsError(f"{path}: timeouts do not nest: {problem}")
        return t

    @property
    def turn_work_s(self) -> float:
        """Most a turn's own work may take: read and write retries, an action call, 5 s to spare."""
        return 2 * self.store_retry_s + self.action_s + 5

    def problems(self) -> list[str]:
        out = []
        if self.turn_work_s > self.lock_max_s:
            out.append(f"2 x store_retry_s + action_s + 5 = {self.turn_work_s:g} > lock_max_s {self.lock_max_s:g}")
        if self.lock_ticket_s > self.lock_wait_s:
            out.append(f"lock_ticket_s {self.lock_ticket_s:g} > lock_wait_s {self.lock_wait_s:g}")
        if self.lock_wait_s + self.lock_max_s + 5 > self.proxy_read_s:
            out.append(f"lock_wait_s + lock_max_s + 5 = {self.lock_wait_s + self.lock_max_s + 5:g} "
                       f"> proxy_read_s {self.proxy_read_s:g}")
        return out



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
