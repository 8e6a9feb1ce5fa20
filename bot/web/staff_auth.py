"""Who may see the staff page: NETBOT_STAFF_TOKEN, as a Bearer header or a session cookie.

The token is never stored in the cookie, never logged and never put in a page. A login sets
`__Host-netbot-staff` (Secure, HttpOnly, SameSite=Strict, Path=/): "expiry.nonce.signature",
signed with a key derived from the token, so changing the token ends every session. Logging
out revokes the nonce in this process. Failed logins are limited per client address.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict, deque

COOKIE = "__Host-netbot-staff"
SESSION_SECONDS = 8 * 3600
MIN_TOKEN_CHARS = 16
MAX_FAILURES = 10           # per client address ...
FAILURE_WINDOW = 600        # ... in this many seconds


class StaffAuth:
    def __init__(self, token: str, clock=time.time):
        if len(token) < MIN_TOKEN_CHARS:
            raise ValueError(f"NETBOT_STAFF_TOKEN must be at least {MIN_TOKEN_CHARS} characters")
        self._token = token.encode("utf-8")
        self._key = hmac.new(self._token, b"netbot staff session v1", hashlib.sha256).digest()
        self.clock = clock
        self.revoked: set[str] = set()
        self.failures: dict[str, deque] = defaultdict(deque)

    def token_ok(self, candidate: str | None) -> bool:
        return isinstance(candidate, str) and hmac.compare_digest(candidate.encode("utf-8"), self._token)

    def bearer(self, header: str | None) -> bool:
        scheme, _, value = (header or "").partition(" ")
        return scheme.lower() == "bearer" and self.token_ok(value.strip())

    def _sign(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()

    def new_session(self) -> str:
        payload = f"{int(self.clock()) + SESSION_SECONDS}.{secrets.token_hex(16)}"
        return f"{payload}.{self._sign(payload)}"

    def session(self, cookie_header: str | None) -> str | None:
        """A short fingerprint of a valid session (for the access log), else None."""
        value = read_cookie(cookie_header, COOKIE)
        if not value or value.count(".") != 2:
            return None
        expiry, nonce, sig = value.split(".")
        if not hmac.compare_digest(sig, self._sign(f"{expiry}.{nonce}")):
            return None
        if not expiry.isdigit() or int(expiry) < self.clock() or nonce in self.revoked:
            return None
        return hashlib.sha256(nonce.encode()).hexdigest()[:8]

    def revoke(self, cookie_header: str | None) -> None:
        value = read_cookie(cookie_header, COOKIE) or ""
        if value.count(".") == 2:
            self.revoked.add(value.split(".")[1])

    def throttled(self, client: str) -> bool:
        q = self.failures[client]
        while q and q[0] < self.clock() - FAILURE_WINDOW:
            q.popleft()
        return len(q) >= MAX_FAILURES

    def failed(self, client: str) -> None:
        self.failures[client].append(self.clock())


def read_cookie(header: str | None, name: str) -> str | None:
    for part in (header or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def set_cookie(value: str, max_age: int = SESSION_SECONDS) -> str:
    return f"{COOKIE}={value}; Max-Age={max_age}; Path=/; Secure; HttpOnly; SameSite=Strict"
