"""Keep patient text out of the logs of the Rasa server and the action server, whatever the input.

What leaked before (docs/security.md, H3 and M7): exception messages and tracebacks. Rasa's
`ClientResponseError` carries the action server's error body (rasa-sdk put the whole tracker in
it), SQLAlchemy's errors carry the SQL parameters (the stored event), and Rasa's structlog set-up
renders tracebacks with each frame's local variables. So, in every process that imports this:

- every log record (any logger, any library) is made through `_safe_record`: an exception becomes
  its type and the line it came from, never its message, traceback or locals; the message loses
  `body='...'`, `[parameters: ...]`, `request_body` and `token=...` values;
- structlog events (Rasa's own logging) lose the keys that can hold message text (the same list as
  Rasa's own anonymiser) and their exception is summarised the same way, never rendered with
  `dict_tracebacks` (which shows locals).

`install()` is idempotent; bot.rasa_ext.channels.rest calls it in Rasa's process and bot.rasa_ext.action_server in the
action server's. Rasa at DEBUG level still logs message text in some debug lines: never run the
bot with --debug on real conversations (docs/security.md).
"""
from __future__ import annotations

import logging
import os
import re
import sys

# keys of structlog events that can carry what a patient typed (Rasa's anonymiser's list + ours)
TEXT_KEYS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response",
    "slot_candidates", "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states",
    "successes", "current_entity", "next_entity", "states", "entity", "token_text", "user_message",
    "json_message", "metadata", "tracker", "events", "request_body", "body", "parse_data",
})
_SCRUB = [
    # greedy: to the last quote, whatever quotes the body itself holds
    (re.compile(r"body='.*'|body=\".*\"", re.S), "body=[removed]"),
    (re.compile(r"\[parameters: .*?\](?=\s*(?:\(Background|\[SQL|$))", re.S), "[parameters removed]"),
    (re.compile(r"(['\"]?request_body['\"]?\s*[:=]\s*).*", re.S), r"\1[removed]"),
    (re.compile(r"([?&]token=)[^&\s'\"]*"), r"\1[removed]"),
]
_original_factory = None


def summary(exc: BaseException | None) -> str:
    """'RasaException <- ClientResponseError (endpoints.py:231)': types and place, no message."""
    if exc is None:
        return ""
    names, e, seen = [], exc, set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        names.append(type(e).__name__)
        e = e.__cause__ or e.__context__
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" ({os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno})" if tb else ""
    return " <- ".join(names) + where


def scrub(text: str) -> str:
    for pattern, replacement in _SCRUB:
        text = pattern.sub(replacement, text)
    return text


def _exception_of(exc_info) -> BaseException | None:
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        return exc_info
    if isinstance(exc_info, tuple) and len(exc_info) == 3:
        return exc_info[1]
    return None


def _safe_record(*args, **kwargs) -> logging.LogRecord:
    record = _original_factory(*args, **kwargs)
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: keep the template, drop the values
        message = str(record.msg)
    if record.exc_info:
        exc = _exception_of(record.exc_info)
        message = f"{message} [exception: {summary(exc)}]" if exc else message
    record.msg, record.args = scrub(message), ()
    if isinstance(getattr(record, "request", None), str):  # Sanic's access log: "GET <url>"
        record.request = scrub(record.request)
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    return record


def structlog_scrub(_logger, _method, event_dict: dict) -> dict:
    """structlog processor: no text-bearing keys, exceptions as a one-line summary."""
    for key in TEXT_KEYS.intersection(event_dict):
        event_dict[key] = "[removed]"
    exc = _exception_of(event_dict.pop("exc_info", None))
    event_dict.pop("exception", None)
    event_dict.pop("stack", None)
    if exc is not None:
        event_dict["exception"] = summary(exc)
    return event_dict


def _install_structlog() -> None:
    try:
        import structlog
    except ImportError:  # pragma: no cover (Rasa always brings it)
        return
    # The list object itself is changed: loggers already in use hold a reference to it.
    procs = structlog.get_config()["processors"]
    procs[:] = [p for p in procs if p is not structlog.processors.dict_tracebacks
                and not isinstance(p, structlog.processors.ExceptionRenderer)]
    if structlog_scrub not in procs:
        # after set_exc_info (which turns .exception() into exc_info), before any renderer
        at = next((i + 1 for i, p in enumerate(procs) if p is structlog.dev.set_exc_info), None)
        if at is None:
            at = max(0, len(procs) - 1)
        procs.insert(at, structlog_scrub)


def install() -> None:
    """Make every log record of this process safe (see the module's docstring)."""
    global _original_factory
    if _original_factory is None:
        _original_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_safe_record)
    _install_structlog()
