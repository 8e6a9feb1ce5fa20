"""Patch: one HTTP session per action-server endpoint and event loop, instead of one per call.

Symptom: every call to the action server opened a new HTTP client session and TCP connection
(`EndpointConfig.request` uses `async with self.session()`).
Change: `EndpointConfig.session` returns a kept session per event loop and endpoint, with the
same headers, auth and timeout; idle connections are closed after KEEPALIVE_S (2 s), before the
action server's 5 s keep-alive ends, so a reused connection is never one the server is closing.
The sessions are closed when the process exits (`close_all`).
Equivalence test: tests/rasa_ext/test_patches.py (right answers, one connection, a fresh one
after idling).
"""
from __future__ import annotations

import asyncio
import atexit

import aiohttp
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

TARGET = "rasa.utils.endpoints.EndpointConfig.session"
_original_session = EndpointConfig.session
_sessions: dict = {}  # (event loop, endpoint) -> (open client session, its loop)
KEEPALIVE_S = 2.0


class _Borrowed:
    """`async with` a kept session without closing it."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc) -> bool:
        return False


def _session(self: EndpointConfig):
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # not inside a coroutine: Rasa's own behaviour
        return _original_session(self)
    key = (id(loop), self.url, repr(self.headers), repr(self.basic_auth))
    # the loop is kept beside the session: reading `session.loop` is deprecated in aiohttp and
    # logged a DeprecationWarning on every action call (docs/security.md, M7)
    session, its_loop = _sessions.get(key, (None, None))
    if session is None or session.closed or its_loop is not loop:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) \
            if self.basic_auth else None
        session = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                        timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                        connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S))
        _sessions[key] = (session, loop)
    return _Borrowed(session)


def close_all() -> None:
    """Close the kept sessions whose event loop is still usable (at exit, or in a test)."""
    for session, loop in list(_sessions.values()):
        if not session.closed and not loop.is_closed() and not loop.is_running():
            try:
                loop.run_until_complete(session.close())
            except RuntimeError:  # the loop belongs to a thread that is gone: nothing to do
                pass
    _sessions.clear()


def apply() -> None:
    EndpointConfig.session = _session
    atexit.register(close_all)


def revert() -> None:
    EndpointConfig.session = _original_session


def applied() -> bool:
    return EndpointConfig.session is _session
