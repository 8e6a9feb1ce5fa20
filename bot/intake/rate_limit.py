"""Token-bucket rate limits per client address and per conversation, in one worker's memory.

The client address is the one the reverse proxy forwards (bot/rasa_ext/channels/rest.py `client_address`); a
client on this machine that is not the proxy (tests, `make bench`, the evaluation, monitoring)
is limited per conversation only.

A patient typing questions never meets them; a script sending 100 messages a second does, so
the other patients still get quick answers and the conversation store does not fill the disk.
Each Rasa worker process keeps its own buckets, so each gets 1/workers of the configured rate
and burst: the sum over the workers is the configured limit. A client on one keep-alive
connection stays on one worker and gets that worker's share. The reverse proxy applies the same
limits in front (deploy/proxy/), per real client address.
Memory is bounded: at most `max_keys` buckets of each kind, least recently used dropped first.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass

from bot.intake.limits import Bucket


@dataclass
class _State:
    tokens: float
    at: float


class Buckets:
    def __init__(self, bucket: Bucket, share: float = 1.0, max_keys: int = 50_000, clock=time.monotonic):
        self.capacity = max(1.0, bucket.burst * share)
        self.rate = bucket.per_second * share
        self.max_keys = max_keys
        self.clock = clock
        self._state: "OrderedDict[str, _State]" = OrderedDict()

    def take(self, key: str) -> float:
        """0 if `key` may go ahead now (a token is taken), else the seconds until it may."""
        now = self.clock()
        s = self._state.get(key)
        if s is None:
            s = self._state[key] = _State(self.capacity, now)
            while len(self._state) > self.max_keys:
                self._state.popitem(last=False)
        else:
            s.tokens = min(self.capacity, s.tokens + (now - s.at) * self.rate)
            s.at = now
            self._state.move_to_end(key)
        if s.tokens >= 1.0:
            s.tokens -= 1.0
            return 0.0
        return (1.0 - s.tokens) / self.rate if self.rate > 0 else 60.0

    def forget(self, key: str) -> None:
        self._state.pop(key, None)


class RateLimiter:
    """`check(address, conversation)`: None to go ahead, else (which limit, seconds to wait)."""

    def __init__(self, per_address: Bucket, per_conversation: Bucket, workers: int = 1,
                 clock=time.monotonic):
        share = 1.0 / max(1, workers)
        self.address = Buckets(per_address, share, clock=clock)
        self.conversation = Buckets(per_conversation, share, clock=clock)
        # Whether a limited client's message is still read by the safety triage: a few a
        # second per address, so a flood cannot turn the triage into a CPU sink.
        self.triage = Buckets(Bucket(burst=5, per_minute=60), share, clock=clock)

    def check(self, address: str | None, conversation: str) -> tuple[str, float] | None:
        """`address` None: a client on this machine (an operator's tool), limited per
        conversation only (bot/rasa_ext/channels/rest.py `client_address`)."""
        # the conversation first: one chatty conversation does not use up its address's allowance
        wait = self.conversation.take(conversation)
        if wait:
            return "conversation", wait
        wait = self.address.take(address) if address is not None else 0.0
        if wait:
            return "address", wait
        return None

    def may_triage(self, address: str | None) -> bool:
        return self.triage.take(address or "local") == 0.0


class TurnCounter:
    """Messages passed on per conversation, capped (limits.max_turns_per_conversation), so one
    conversation cannot grow the store without end. Per worker, like the buckets: each counts
    its share of the cap. Bounded memory, least recently used dropped first."""

    def __init__(self, cap: int, workers: int = 1, max_keys: int = 50_000):
        self.cap = max(1, cap // max(1, workers))
        self.max_keys = max_keys
        self._count: "OrderedDict[str, int]" = OrderedDict()

    def take(self, conversation: str) -> bool:
        n = self._count.get(conversation, 0)
        if n >= self.cap:
            return False
        self._count[conversation] = n + 1
        self._count.move_to_end(conversation)
        while len(self._count) > self.max_keys:
            self._count.popitem(last=False)
        return True

    def forget(self, conversation: str) -> None:
        self._count.pop(conversation, None)
