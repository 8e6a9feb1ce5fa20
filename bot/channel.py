"""Rasa's REST channel with input checks, at the same URL (/webhooks/rest/webhook).

- Not JSON, not an object, or a missing/odd sender id: HTTP 400 with a short reason.
- Empty message: a polite prompt (no conversation turn is stored).
- Over-long message: the safety triage still reads all of it, so an emergency gets the
  emergency reply; otherwise a polite "please send a shorter question".
- A message partly in another language: the reply starts with "I can only read English. If
  this is an emergency, call 999 now." (bot/language.py), unless it already starts with 999.
- No patient text is ever logged (Rasa's stock channel logs it on errors).
- Nothing answered (the conversation stores are down, or the handling failed): the safety
  triage's reply first, then "cannot look that up" (bot/store_safety.py).
"""
from __future__ import annotations

import json
import logging
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

import bot.rasa_speedups  # noqa: F401  (applied on import; see module)
import bot.rasa_timeouts  # noqa: F401  (action timeout that nests; applied on import)
from bot.language import OtherLanguage
from bot.responses import Replies
from bot.store_safety import after_reply, fallback_reply
from bot.triage import shared_triage

logger = logging.getLogger(__name__)
MAX_CHARS = 2000          # a patient's question fits easily; longer is pasted text or abuse
SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")


def check_body(raw: bytes) -> tuple[dict | None, str | None]:
    """(payload, None) or (None, reason for a 400). Pure, for tests."""
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        return None, "body must be JSON: {\"sender\": \"...\", \"message\": \"...\"}"
    if not isinstance(body, dict):
        return None, "body must be a JSON object"
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER.match(sender):
        return None, "sender must be 1-128 letters, digits or _.:@-"
    if not isinstance(body.get("message", ""), str):
        return None, "message must be a string"
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return None, "metadata must be an object"
    return body, None


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self) -> None:
        self.replies = Replies()
        self.triage = shared_triage()
        self.language = OtherLanguage()

    def local_reply(self, text: str) -> list[dict] | None:
        """A reply given here without a conversation turn, or None to pass the message on."""
        if not text.strip():
            return self.replies.messages("empty_message")
        if len(text) > MAX_CHARS:  # the disposition's reply, else ask for a shorter question
            disposition = self.triage.check(text).disposition
            return self.replies.messages(self.triage.table.reply(disposition) or "too_long")
        return None

    def with_safety_net(self, text: str, messages: list[dict]) -> list[dict]:
        """The reply, with the other-language safety net first when `text` is partly in another
        language and the reply does not already start with the emergency number: "Emergency?
        Call 999 now." (what we could not read may be one), or the same advice with an "if"
        when the English words say it is mild ("nothing else has changed, she is eating ok")."""
        if not self.language.detect(text):
            return messages
        first = (messages[0].get("text") or "") if messages else ""
        if self.replies.settings.emergency in first:
            return messages
        calm = self.triage.downplayed(text)  # not a symptom we read: the unread words may be worse
        return self.replies.messages("other_language_calm" if calm else "other_language") + messages

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("guarded_rest_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            body, problem = check_body(request.body)
            if problem:
                return response.json({"error": problem}, status=400)
            text = body.get("message") or ""
            local = self.local_reply(text)
            if local is not None:
                return response.json([{"recipient_id": body["sender"], **m} for m in local])
            collector, failure = CollectingOutputChannel(), None
            try:
                await on_new_message(UserMessage(text, collector, body["sender"],
                                                 input_channel=self.name(),
                                                 metadata=body.get("metadata")))
            except CancelledError as e:
                failure = e
                logger.error("rest: message handling timed out")
            except Exception as e:  # the patient still gets a reply; the log has no text
                failure = e
                logger.error("rest: message handling failed: %s", type(e).__name__)
            if not collector.messages:  # safety first, even with no conversation store
                return response.json([{"recipient_id": body["sender"], **m}
                                      for m in fallback_reply(self.replies, self.triage, text)])
            collector.messages += [{"recipient_id": body["sender"], **m}  # a turn not stored: say so
                                   for m in after_reply(self.replies, failure)]
            net = self.with_safety_net(text, collector.messages)
            return response.json(net if net is collector.messages
                                 else [{"recipient_id": body["sender"], **m} for m in net[:1]] + net[1:])

        return bp
