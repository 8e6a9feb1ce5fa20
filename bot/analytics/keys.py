"""Conversation keys that cannot be linked back to a conversation once the secret has rotated.

An analytics row holds HMAC-SHA256(secret, sender id), not the sender id. Why not a random
key per conversation: the event broker and the feedback endpoint run in several Rasa worker
processes, and a random key would need a stored sender -> key table, which is exactly the
link we do not want to keep. An HMAC is the same in every process with no table. The secret
is 32 random bytes in BOT_DATA_DIR/analytics.secret (0600); it is replaced when it is older
than the retention period (privacy.keep_conversations_days), so a key can be matched to a
sender id only while the conversation itself may still be kept. After that, neither the
tracker store (deleted by retention) nor the patient's own sender id can find the rows.
A conversation that runs across a rotation counts as two: rare, and on the safe side.
"""
from __future__ import annotations

import fcntl
import hmac
import os
import secrets
import time
from hashlib import sha256
from pathlib import Path

DAY = 86400
SECRET_NAME = "analytics.secret"
RECHECK_SECONDS = 60.0   # how often a process looks for a secret another process rotated


class ConversationKeys:
    def __init__(self, data_dir: Path | str, rotate_days: int, clock=time.time):
        self.dir = Path(data_dir)
        self.path = self.dir / SECRET_NAME
        self.max_age = rotate_days * DAY
        self.clock = clock
        self._secret: bytes | None = None
        self._mtime = 0.0
        self._checked = -1e18

    def key(self, sender_id: str) -> str:
        return hmac.new(self._current(), sender_id.encode("utf-8"), sha256).hexdigest()[:24]

    def _current(self) -> bytes:
        now = self.clock()
        if self._secret is None or now - self._checked > RECHECK_SECONDS:
            self._checked = now
            self._load_or_rotate(now)
        return self._secret

    def rotate_if_old(self) -> bool:
        """Replace the secret if it is older than the retention period; True if it was."""
        before = self._secret_on_disk()
        self._load_or_rotate(self.clock())
        return before is not None and before != self._secret

    def _secret_on_disk(self) -> bytes | None:
        try:
            return bytes.fromhex(self.path.read_text().strip())
        except (OSError, ValueError):
            return None

    def _load_or_rotate(self, now: float) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        try:
            st = self.path.stat()
            if now - st.st_mtime <= self.max_age and st.st_mtime == self._mtime and self._secret:
                return
        except FileNotFoundError:
            pass
        # one process at a time decides whether to make a new secret
        with open(self.dir / (SECRET_NAME + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            secret = self._secret_on_disk()
            try:
                mtime = self.path.stat().st_mtime
            except FileNotFoundError:
                mtime = 0.0
            if secret is None or len(secret) < 32 or now - mtime > self.max_age:
                secret = secrets.token_bytes(32)
                tmp = self.path.with_suffix(".tmp")
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w") as f:
                    f.write(secret.hex())
                    f.flush()
                    os.fsync(f.fileno())
                os.utime(tmp, (now, now))
                os.replace(tmp, self.path)
                mtime = now
            self._secret, self._mtime = secret, mtime
