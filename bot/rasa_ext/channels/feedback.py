"""The widget's feedback endpoint, on the bot's own origin: /webhooks/feedback/...

A Rasa input channel (credentials.yml) used only for its routes, so the chat channel
(bot/rasa_ext/channels/rest.py) is untouched and the widget posts to the same server it already talks to,
under the same CORS rules:
  POST /webhooks/feedback/helpful   {sender, id, answer_id, helpful: true|false}
  POST /webhooks/feedback/reason    {sender, id, reason}        (after a "No", once)
  POST /webhooks/feedback/question  {sender, id, question, trigger}  (only after the patient said yes)
`id` is a random UUID the widget gives each answer or question it shows, so a vote is
counted once however often it is sent. Only ids from closed lists are stored (answer ids from
content/answers, reasons and triggers from content/feedback.yml); a question is redacted
(redact.py) before it is written, and the raw text is never stored or logged. The sender id
becomes an unlinkable key (keys.py). Bad input gets a 4xx with a short reason.
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from pathlib import Path
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.analytics.keys import ConversationKeys
from bot.analytics.known import known, reasons, triggers
from bot.analytics.redact import MAX_CHARS, redact
from bot.analytics.store import AnalyticsStore, default_path, stamp
from bot.analytics.vocabulary import vocabulary
from bot.intake.request_checks import SENDER
from bot.settings import Settings

logger = logging.getLogger(__name__)
MAX_BODY = 8192
PLACEHOLDERS = re.compile(r"\[(word|number|email|link)\]")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Invalid(ValueError):
    pass


def parse(raw: bytes, content_type: str | None, fields: dict[str, Callable[[Any], bool]]) -> dict:
    """The checked body, or Invalid with a reason for a 4xx. Pure, for tests."""
    if len(raw or b"") > MAX_BODY:
        raise Invalid("413:body too large")
    if (content_type or "").split(";")[0].strip().lower() != "application/json":
        raise Invalid("415:send JSON (Content-Type: application/json)")
    try:
        body = json.loads(raw or b"")
    except (ValueError, UnicodeDecodeError):
        raise Invalid("400:body must be JSON")
    if not isinstance(body, dict):
        raise Invalid("400:body must be a JSON object")
    sender = body.get("sender")
    if not isinstance(sender, str) or not SENDER.match(sender):
        raise Invalid("400:sender must be 1-128 letters, digits or _.:@-")
    vid = body.get("id")
    if not isinstance(vid, str) or not UUID.match(vid):
        raise Invalid("400:id must be a lower-case UUID")
    for name, ok in fields.items():
        if not ok(body.get(name)):
            raise Invalid(f"400:{name} is missing or not allowed")
    return body


class FeedbackService:
    """What the routes do, without Sanic (tests call it directly)."""

    def __init__(self, db=None, keep_days: int | None = None):
        self.path = Path(db) if db else default_path()
        self._lock = threading.Lock()  # one SQLite connection, used from the executor's threads
        self.keys = ConversationKeys(self.path.parent, keep_days or Settings.load().keep_conversations_days)
        self._store: AnalyticsStore | None = None
        self.answers = known().answer_topics
        self.reasons = set(reasons())
        self.triggers = set(triggers())
        vocabulary()  # load (or build) the allowlist now, not on a patient's first question

    @property
    def store(self) -> AnalyticsStore:
        if self._store is None:
            self._store = AnalyticsStore(self.path)
        return self._store

    def _locked(self, method, *args):
        with self._lock:
            return method(*args)

    def helpful(self, raw: bytes, content_type: str | None) -> str:
        body = parse(raw, content_type, {"answer_id": lambda v: v in self.answers,
                                         "helpful": lambda v: isinstance(v, bool)})
        row = stamp({"id": body["id"], "conv": self.keys.key(body["sender"]), "answer_id": body["answer_id"],
                     "topic": self.answers[body["answer_id"]], "helpful": int(body["helpful"])})
        return self._locked(lambda r: self.store.add_vote(r), row)

    def reason(self, raw: bytes, content_type: str | None) -> str:
        body = parse(raw, content_type, {"reason": lambda v: v in self.reasons})
        return self._locked(lambda *a: self.store.add_reason(*a), body["id"], self.keys.key(body["sender"]),
                            body["reason"])

    def question(self, raw: bytes, content_type: str | None) -> str:
        body = parse(raw, content_type, {
            "trigger": lambda v: v in self.triggers,
            "question": lambda v: isinstance(v, str) and 0 < len(v.strip()) <= MAX_CHARS})
        text = redact(body["question"])
        if not PLACEHOLDERS.sub("", text).strip(" ,.?!;:()-"):  # nothing but placeholders: keep nothing
            return "empty"
        row = stamp({"id": body["id"], "conv": self.keys.key(body["sender"]), "trigger": body["trigger"],
                     "text": text})
        return self._locked(lambda r: self.store.add_question(r), row)


class FeedbackInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "feedback"

    @classmethod
    def from_credentials(cls, credentials) -> "FeedbackInput":
        return cls(**(credentials or {}))

    def __init__(self, db: str | None = None) -> None:
        self.service = FeedbackService(db)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("feedback_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request):
            return response.json({"status": "ok"})

        def route(name: str, handler):
            async def handle(request: Request):
                raw, ctype = request.body or b"", request.headers.get("content-type")
                try:
                    # SQLite and redaction off the event loop: patients' chats never wait for this
                    result = await asyncio.get_running_loop().run_in_executor(None, handler, raw, ctype)
                except Invalid as e:
                    status, _, reason = str(e).partition(":")
                    return response.json({"error": reason}, status=int(status))
                except Exception as e:  # the widget ignores failures; the log has no content
                    logger.error("feedback: could not store (%s)", type(e).__name__)
                    return response.json({"error": "not stored"}, status=503)
                return response.json({"result": result})
            handle.__name__ = f"feedback_{name}"
            bp.add_route(handle, f"/{name}", methods=["POST"])

        route("helpful", self.service.helpful)
        route("reason", self.service.reason)
        route("question", self.service.question)
        return bp
