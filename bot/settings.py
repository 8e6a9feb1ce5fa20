"""The deploying clinic's settings (config/settings.yml): one file, every escalation uses it."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content import load_yaml

DEFAULT_PATH = PROJECT_ROOT / "config" / "settings.yml"


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

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Settings":
        path = Path(path or os.environ.get("NETBOT_SETTINGS") or DEFAULT_PATH)
        if not path.exists():
            raise SettingsError(f"Settings file {path} is missing (copy config/settings.yml).")
        raw = load_yaml(path)
        clinic, phones = raw.get("clinic") or {}, raw.get("phones") or {}
        missing = [k for k in ("name", "nurse_line", "nurse_hours") if not clinic.get(k)]
        if missing:
            raise SettingsError(f"{path}: clinic.{', clinic.'.join(missing)} must be set")
        keep = (raw.get("privacy") or {}).get("keep_conversations_days", 30)
        if not isinstance(keep, int) or isinstance(keep, bool) or keep < 1:
            raise SettingsError(f"{path}: privacy.keep_conversations_days must be a whole number of days, 1 or more")
        return cls(
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
        )

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
