"""Rasa's REST channel with input checks, at the same URL (/webhooks/rest/webhook).

Safe for a public hospital website (docs/security.md, docs/privacy.md):
- Bounded input: the body is capped before it is parsed (limits.max_body_bytes: HTTP 413), only
  `Content-Type: application/json` is accepted (415), not JSON, deep JSON, not an object, or a
  missing/odd sender id get a 400 with a short reason; only known `metadata` keys are kept; a
  `/intent{...}` payload passes only if it is one of the bot's own buttons (bot/intake/request_checks.py).
- Empty message: a polite prompt. Over-long message: the safety triage reads its start and end,
  so an emergency gets the emergency reply; otherwise a polite "please send a shorter question".
  Neither stores a conversation turn.
- Rate limits per client address and per conversation (bot/intake/rate_limit.py): HTTP 429 with a
  friendly reply that the widget shows; a limited message with a red flag still gets the
  emergency reply first (HTTP 200).
- Identifiers (NHS number, phone, email, postcode, dates) are masked before the message reaches
  Rasa and its store (bot/privacy/redact.py); the triage reads the raw text first, in memory.
- A message partly in another language: the reply starts with "Emergency? Call 999 now. I can
  only read English." (bot/understanding/language.py), unless it already starts with 999.
- Nothing answered (the conversation stores are down, or the handling failed): the safety
  triage's reply first, then "cannot look that up" (bot/safety/store_failure.py).
- POST /webhooks/rest/forget {"sender": ...} erases the conversation (bot/privacy/erasure.py): the
  widget's "Clear conversation" calls it before it forgets the id.
- No patient text is ever logged (bot/privacy/log_filter.py is installed on import, in Rasa's process).
"""
from __future__ import annotations

import asyncio
import logging
import math
import os
from asyncio import CancelledError
from pathlib import Path
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.answers.replies import Replies
from bot.intake.limits import Limits
from bot.intake.rate_limit import RateLimiter, TurnCounter
from bot.intake.request_checks import Payloads, check_body, clean_metadata, is_json_content_type, topic_ids
from bot.privacy import erasure, log_filter
from bot.privacy.redact import redact
from bot.rasa_ext import patches
from bot.safety.store_failure import after_reply, fallback_reply
from bot.safety.triage import shared_triage
from bot.understanding.language import OtherLanguage

log_filter.install()
logger = logging.getLogger(__name__)
LIMITS = Limits.from_settings()
MAX_CHARS = LIMITS.max_message_chars  # a patient's question fits easily; longer is pasted text or abuse
# Server limits for Rasa's Sanic app, set in each worker before it serves (docs/security.md):
# the time to send a request, to answer one, and to keep an idle connection open.
SERVER_TIMEOUTS = {"REQUEST_TIMEOUT": 10, "RESPONSE_TIMEOUT": 30, "KEEP_ALIVE_TIMEOUT": 15}
API_BODY_BYTES = 1_000_000  # with Rasa's HTTP API on (admin only), its routes take larger bodies


def _json(data, status: int = 200, headers: dict | None = None):
    # health text must not be cached by a browser or a proxy
    return response.json(data, status=status, headers={"Cache-Control": "no-store", **(headers or {})})


def client_address(request: Request, header: str) -> str | None:
    """The address a rate limit counts. The reverse proxy runs on this machine and forwards the
    real client's address in `header` (limits.client_address_header, deploy/proxy/): trusted only
    from a loopback peer, so nobody can choose their own address. A loopback peer without it is
    a local tool (tests, bench, monitoring): None. Any other peer: its own address."""
    peer = request.ip or ""
    if peer.startswith("127.") or peer in ("::1", "localhost"):
        forwarded = (request.headers.get(header) or "").split(",")[0].strip()
        return forwarded[:64] or None
    return peer


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def __init__(self) -> None:
        patches.apply()  # done already by bot.rasa_ext.run; again for a Rasa started another way
        self.replies = Replies()
        self.triage = shared_triage()
        self.language = OtherLanguage()
        self.limits = LIMITS
        self.payloads = Payloads.from_content()
        self.topic_ids = topic_ids()
        workers = int(os.environ.get("SANIC_WORKERS") or 1)
        self.limiter = RateLimiter(LIMITS.per_address, LIMITS.per_conversation, workers=workers)
        self.turns = TurnCounter(LIMITS.max_turns_per_conversation, workers=workers)

    def _messages(self, sender: str, name: str) -> list[dict]:
        return [{"recipient_id": sender, **m} for m in self.replies.messages(name)]

    def triage_reply(self, text: str) -> list[dict] | None:
        """The reply of the safety disposition of `text` (content/dispositions.yml), else None."""
        reply = self.triage.table.reply(self.triage.check(text).disposition)
        return self.replies.messages(reply) if reply else None

    def local_reply(self, text: str) -> list[dict] | None:
        """A reply given here without a conversation turn, or None to pass the message on."""
        if not text.strip():
            return self.replies.messages("empty_message")
        if len(text) > MAX_CHARS:
            # read the start and the end (where a red flag is likely), never more: the triage
            # costs about 4 ms per 1,000 characters and must not stall the worker
            half = MAX_CHARS // 2
            return self.triage_reply(text[:half] + "\n" + text[-half:]) or self.replies.messages("too_long")
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

    def limited(self, address: str | None, sender: str, text: str, wait: float):
        """A rate-limited message: the emergency reply if it holds a red flag (and this address
        has not used up its triage allowance), else 429 with a friendly reply."""
        if self.limiter.may_triage(address):
            urgent = self.triage_reply(text[:MAX_CHARS])
            if urgent:
                return _json([{"recipient_id": sender, **m} for m in urgent])
        return _json(self._messages(sender, "rate_limited"), status=429,
                     headers={"Retry-After": str(max(1, math.ceil(wait)))})

    def read_body(self, request: Request):
        """(body, None) or (None, error response): the checks every POST route shares."""
        if not is_json_content_type(request.headers.get("content-type")):
            return None, _json({"error": "Content-Type must be application/json"}, status=415)
        if len(request.body or b"") > self.limits.max_body_bytes:
            return None, _json({"error": "request body too large"}, status=413)
        body, problem = check_body(request.body, self.limits.max_json_depth)
        if problem:
            return None, _json({"error": problem}, status=400)
        return body, None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("guarded_rest_webhook", __name__)

        @bp.listener("before_server_start")
        async def server_limits(app, _loop):
            # read by Sanic for each new connection; the body cap is decided before any parsing
            api_on = any("conversations" in str(getattr(r, "path", "")) for r in app.router.routes)
            app.config.REQUEST_MAX_SIZE = API_BODY_BYTES if api_on else self.limits.max_body_bytes
            for key, value in SERVER_TIMEOUTS.items():
                setattr(app.config, key, value)
            log_filter.install()  # again, in case logging was configured after the import

        @bp.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            body, error = self.read_body(request)
            if error:
                return error
            sender, text = body["sender"], body.get("message") or ""
            address = client_address(request, self.limits.client_address_header)
            over = self.limiter.check(address, sender)
            if over:
                return self.limited(address, sender, text, over[1])
            local = self.local_reply(text)
            if local is not None:
                return _json([{"recipient_id": sender, **m} for m in local])
            text = self.payloads.check(text)  # not one of our buttons: its words only
            if not text.strip():
                return _json(self._messages(sender, "empty_message"))
            stored = redact(text)
            if stored != text:  # the triage reads what the patient wrote, not the masked copy
                urgent = self.triage_reply(text)
                if urgent:
                    return _json([{"recipient_id": sender, **m} for m in urgent])
            if not self.turns.take(sender):
                urgent = self.triage_reply(text)
                return _json([{"recipient_id": sender, **m} for m in urgent or
                              self.replies.messages("conversation_full")])
            collector, failure = CollectingOutputChannel(), None
            try:
                await on_new_message(UserMessage(stored, collector, sender, input_channel=self.name(),
                                                 metadata=clean_metadata(body.get("metadata"),
                                                                         self.topic_ids) or None))
            except CancelledError as e:
                failure = e
                logger.error("rest: message handling timed out")
            except Exception as e:  # the patient still gets a reply; the log has no text
                failure = e
                logger.error("rest: message handling failed: %s", type(e).__name__)
            if not collector.messages:  # safety first, even with no conversation store
                return _json([{"recipient_id": sender, **m}
                              for m in fallback_reply(self.replies, self.triage, text)])
            collector.messages += [{"recipient_id": sender, **m}  # a turn not stored: say so
                                   for m in after_reply(self.replies, failure)]
            net = self.with_safety_net(text, collector.messages)
            return _json(net if net is collector.messages
                         else [{"recipient_id": sender, **m} for m in net[:1]] + net[1:])

        @bp.route("/forget", methods=["POST"])
        async def forget(request: Request):
            body, error = self.read_body(request)
            if error:
                return error
            sender = body["sender"]
            over = self.limiter.check(client_address(request, self.limits.client_address_header), sender)
            if over:
                return _json({"error": "too many requests"}, status=429,
                             headers={"Retry-After": str(max(1, math.ceil(over[1])))})
            try:
                await self.erase(request.app.ctx.agent, sender)
            except Exception as e:
                logger.error("rest: forget failed: %s", type(e).__name__)
                return _json({"error": "the conversation could not be deleted; try again"}, status=503)
            self.turns.forget(sender)
            return _json({"forgotten": True, "reference": erasure.reference(sender)})

        return bp

    async def erase(self, agent, sender: str) -> None:
        """Delete the conversation everywhere (bot/privacy/erasure.py), holding its lock so no turn of
        it runs meanwhile, then drop this worker's cached copy and the lock row."""
        store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)
        db, engine = sqlite_path(store), getattr(store, "engine", None)
        if db is None and engine is None:
            raise RuntimeError("erasure needs an SQL conversation store")
        loop = asyncio.get_running_loop()
        async with agent.lock_store.lock(sender, wait_time_in_seconds=0.05):
            if db is not None:
                await loop.run_in_executor(None, erasure.delete_conversations, db, [sender])
            else:  # PostgreSQL (cluster mode): the same rows, through the store's own engine
                await loop.run_in_executor(None, erasure.delete_sql_conversation, engine, sender)
            cache = getattr(store, "_cache", None)
            if cache is not None:
                cache.pop(sender, None)
        agent.lock_store.delete_lock(sender)
        await loop.run_in_executor(None, forget_analytics, sender)


def forget_analytics(sender: str) -> None:
    """The conversation's analytics rows go too (bot/analytics/: no text, but linked to it)."""
    from bot.analytics.store import forget_sender
    from bot.settings import Settings
    try:
        forget_sender(sender, Settings.load().keep_conversations_days)
    except Exception as e:  # the conversation itself is gone; the analytics expire with retention
        logger.error("rest: forget analytics failed: %s", type(e).__name__)


def sqlite_path(store) -> Path | None:
    engine = getattr(store, "engine", None)
    if engine is None or engine.dialect.name != "sqlite" or not engine.url.database:
        return None
    return Path(engine.url.database)
