"""Checks on what a client sends to the REST channel, before Rasa sees any of it. Pure Python.

- The body must be a small JSON object (`check_body`); the size is capped before parsing
  (bot/rasa_ext/channels/rest.py reads at most `limits.max_body_bytes`), and deep nesting is refused.
- Only `Content-Type: application/json` is accepted: browsers then send a CORS preflight, so a
  page on another site cannot post messages on its visitors' behalf (a "simple" POST).
- `metadata` keeps only the keys the widget sends, with known values (`clean_metadata`): it is
  stored with every turn, so anything else would be stored and amplified.
- A message starting with "/" is Rasa's payload syntax (`/intent{"entity": "value"}`), which the
  bot's own buttons use. Only known intents with known entity values pass (`Payloads`); anything
  else is read as the plain words it contains. Odd payloads made custom actions fail (and Rasa
  logs a failed payload's text), so they never reach Rasa.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from bot import PROJECT_ROOT, content
from bot.content import load_yaml

SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
CHANNEL_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
PAYLOAD = re.compile(r"^/([A-Za-z_][A-Za-z0-9_-]{0,63})(\{.*\})?$", re.S)
PAYLOAD_ENTITIES = ("subject", "uncovered_topic")
BODY_KEYS = {"sender", "message", "metadata"}


def is_json_content_type(value: str | None) -> bool:
    """application/json, with or without parameters (charset)."""
    return (value or "").split(";", 1)[0].strip().lower() == "application/json"


def too_deep(value, limit: int) -> bool:
    """True if parsed JSON nests objects/arrays more than `limit` levels deep."""
    stack = [(value, 1)]
    while stack:
        v, level = stack.pop()
        if isinstance(v, (dict, list)):
            if level > limit:
                return True
            stack.extend((x, level + 1) for x in (v.values() if isinstance(v, dict) else v))
    return False


def check_body(raw: bytes, max_depth: int = 8) -> tuple[dict | None, str | None]:
    """(payload, None) or (None, reason for a 400). Pure, for tests."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, "body must be JSON: {\"sender\": \"...\", \"message\": \"...\"}"
    if not isinstance(body, dict):
        return None, "body must be a JSON object"
    if too_deep(body, max_depth):
        return None, "body is nested too deeply"
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER.match(sender):
        return None, "sender must be 1-128 letters, digits or _.:@-"
    if not isinstance(body.get("message", ""), str):
        return None, "message must be a string"
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return None, "metadata must be an object"
    return body, None


def clean_metadata(metadata: dict | None, topic_ids: frozenset) -> dict:
    """Only what the widget sends: {"channel": a short name, "deep_link_topic": a known topic id}."""
    out = {}
    if not isinstance(metadata, dict):
        return out
    channel = metadata.get("channel")
    if isinstance(channel, str) and CHANNEL_NAME.match(channel):
        out["channel"] = channel
    topic = metadata.get("deep_link_topic")
    if isinstance(topic, str) and topic in topic_ids:
        out["deep_link_topic"] = topic
    return out


@lru_cache(maxsize=1)
def topic_ids() -> frozenset:
    return frozenset(str(t["id"]) for t in content.topics())


class Payloads:
    """Which `/intent{...}` messages are the bot's own buttons."""

    def __init__(self, intents: frozenset, values: dict[str, frozenset]):
        self.intents = intents
        self.values = values

    @classmethod
    def from_content(cls) -> "Payloads":
        domain = load_yaml(PROJECT_ROOT / "domain.yml")
        subjects = content.subjects()
        return cls(frozenset(str(i) for i in domain.get("intents") or []),
                   {"subject": frozenset(subjects.get("subjects") or {}),
                    "uncovered_topic": frozenset(subjects.get("uncovered") or {})})

    def valid(self, text: str) -> bool:
        m = PAYLOAD.match(text.strip())
        if not m or m.group(1) not in self.intents:
            return False
        if m.group(2) is None:
            return True
        try:
            entities = json.loads(m.group(2))
        except (ValueError, RecursionError):
            return False
        return isinstance(entities, dict) and all(
            isinstance(v, str) and v in self.values.get(k, ()) for k, v in entities.items())

    def check(self, text: str) -> str:
        """`text` unchanged, or, for a payload that is not one of the bot's own, its words only."""
        if not text.strip().startswith("/") or self.valid(text):
            return text
        return text.strip().lstrip("/").strip()
