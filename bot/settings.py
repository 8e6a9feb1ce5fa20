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
    urgent_advice: str = "111"
    crisis_line: str = "Samaritans on 116 123"
    cors_origins: tuple = field(default=())
    keep_conversations_days: int = 30
    privacy_notice_url: str = ""
    limits: dict = field(default_factory=dict)  # checked by bot/limits.py

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
            crisis_line=str(phones.get("crisis_line", "Samaritans on 116 123")),
            cors_origins=tuple((raw.get("web") or {}).get("cors_origins") or ()),
            keep_conversations_days=keep,
            privacy_notice_url=str((raw.get("privacy") or {}).get("notice_url") or ""),
            limits=dict(raw.get("limits") or {}),
        )

    def placeholders(self) -> dict:
        """Values for the {placeholders} of content/responses.yml."""
        return {k: v for k, v in self.__dict__.items() if isinstance(v, str)}
