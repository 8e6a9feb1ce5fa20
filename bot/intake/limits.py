"""The public endpoint's limits (`limits:` in config/settings.yml), checked once at start-up.

One place for the numbers the channel, the rate limiter and the docs rely on; a typo in the
settings file stops the bot at start rather than silently removing a limit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.settings import Settings, SettingsError


@dataclass(frozen=True)
class Bucket:
    burst: int          # messages accepted at once
    per_minute: float   # then this many a minute

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 16384
    max_message_chars: int = 2000
    max_turns_per_conversation: int = 300
    per_address: Bucket = Bucket(30, 60)
    per_conversation: Bucket = Bucket(10, 20)
    max_json_depth: int = 8           # the contract is two levels deep; more is an attack
    client_address_header: str = "X-Real-IP"  # set by the reverse proxy on this machine

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Limits":
        raw = dict((settings or Settings.load()).limits)
        default = cls()
        values = {}
        for name in ("max_body_bytes", "max_message_chars", "max_turns_per_conversation"):
            v = raw.pop(name, getattr(default, name))
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise SettingsError(f"limits.{name} must be a whole number, 1 or more")
            values[name] = v
        for name in ("per_address", "per_conversation"):
            b = raw.pop(name, None)
            if b is None:
                values[name] = getattr(default, name)
                continue
            if not isinstance(b, dict) or set(b) != {"burst", "per_minute"} \
                    or not all(isinstance(b[k], (int, float)) and not isinstance(b[k], bool) and b[k] > 0
                               for k in b):
                raise SettingsError(f"limits.{name} must be {{burst: N, per_minute: N}}, both above 0")
            values[name] = Bucket(int(b["burst"]), float(b["per_minute"]))
        header = raw.pop("client_address_header", default.client_address_header)
        if not isinstance(header, str) or not re.fullmatch(r"[A-Za-z0-9-]{1,64}", header):
            raise SettingsError("limits.client_address_header must be an HTTP header name")
        values["client_address_header"] = header
        if raw:
            raise SettingsError(f"limits: unknown setting(s) {', '.join(sorted(raw))}")
        if values["max_message_chars"] > values["max_body_bytes"]:
            raise SettingsError("limits.max_message_chars cannot be more than limits.max_body_bytes")
        return cls(**values)
