"""Rasa's RedisLockStore, made atomic with Redis transactions, for several replicas.

Rasa 3.6's lock store changes a conversation's ticket queue in three steps (get, change, set).
Two replicas taking a ticket for one conversation at the same moment can both read the same
queue and both get ticket 0: both then handle that conversation at once, and one turn is lost
from the record or a second session is started (RasaHQ/rasa issue 9213; the fix ships only in
Rasa Pro). Here every read-modify-write of a queue is one Redis transaction: WATCH the key,
read it, change it in Python, then MULTI/EXEC; if another client changed the key in between,
EXEC fails and the step is re-run on the new value.

Two more changes, both about a replica that dies while it holds or waits for a lock:
- A ticket lives `timeouts.lock_ticket_s` (10 s) and its holder renews it while it works
  (at most `lock_max_s`). When a replica dies, its tickets lapse within 10 s instead of
  Rasa's 60 s, so the next message of that conversation is not held up for a minute.
- A message waits at most `lock_wait_s` for its turn, then gets the fallback reply (safety
  triage first, bot/safety/store_failure.py), always before the load balancer's read timeout.
If Redis cannot be reached, taking a ticket raises LockError (the channel's fallback); a
failure while letting go is logged and left to the ticket's expiry, as the reply is ready.

Endpoints file (endpoints-cluster.yml):  lock_store: {type: bot.rasa_ext.stores.redis_locks.AtomicRedisLockStore,
url: ${REDIS_URL}}  where REDIS_URL is redis://[:password@]host:port/db (rediss:// for TLS).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Callable, Optional, Text

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX, LockError, RedisLockStore

from bot.settings import Timeouts

logger = logging.getLogger(__name__)
WATCH_RETRIES = 50            # another client changed the queue between WATCH and EXEC
CONNECT_RETRIES = (0.05, 0.2)  # pauses before retrying a step Redis did not answer (a restart)


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config=None, url: Optional[Text] = None, key_prefix: Optional[Text] = None,
                 timeouts: Optional[Timeouts] = None, **_ignored) -> None:
        kwargs = dict(getattr(endpoint_config, "kwargs", None) or {})
        url = url or getattr(endpoint_config, "url", None) or os.environ.get("REDIS_URL")
        if not url:
            raise ValueError("The Redis lock store needs a URL: set REDIS_URL (redis://host:6379/1).")
        self.timeouts = timeouts or Timeouts.load()
        # short socket timeouts: a lock step is one round trip; a stalled Redis must not stall a turn
        self.red = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1,
                                        health_check_interval=10)
        self.key_prefix = DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        if key_prefix or kwargs.get("key_prefix"):
            self._set_key_prefix(key_prefix or kwargs["key_prefix"])
        # RedisLockStore.__init__ builds its own client from host/port; ours comes from a URL
        super(RedisLockStore, self).__init__()

    # --- one atomic step -------------------------------------------------------------------
    def _transact(self, conversation_id: Text, change: Callable[[Optional[TicketLock]], tuple]):
        """Run `change(lock or None) -> (result, lock to store or None to delete)` atomically."""
        key = self.key_prefix + conversation_id
        for pause in CONNECT_RETRIES + (None,):
            try:
                return self._transact_once(key, change)
            except (redis.ConnectionError, redis.TimeoutError):
                if pause is None:
                    raise
                time.sleep(pause)

    def _transact_once(self, key: str, change):
        with self.red.pipeline() as pipe:
            for attempt in range(WATCH_RETRIES):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    result, new = change(lock)
                    pipe.multi()
                    if new is None or not new.tickets:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                        # the key outlives its last ticket by a little, never for ever
                        pipe.pexpireat(key, int((max(t.expires for t in new.tickets) + 5) * 1000))
                    pipe.execute()
                    return result
                except redis.WatchError:
                    # another client won the race: back off a little, at random, so that racing
                    # clients spread out instead of colliding again (seen with 4 busy processes)
                    time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 10)))
                    continue
        raise LockError(f"Lock queue kept changing ({WATCH_RETRIES} tries).")

    # --- Rasa's read-modify-write steps, each made one transaction --------------------------
    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = 0) -> int:
        lifetime = self.timeouts.lock_ticket_s

        def take(lock):
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lifetime), lock
        try:
            return self._transact(conversation_id, take)
        except Exception as e:
            raise LockError(f"Error while acquiring lock: {type(e).__name__}") from e

    def update_lock(self, conversation_id: Text) -> None:
        def prune(lock):
            if lock:
                lock.remove_expired_tickets()
            return None, lock
        self._transact(conversation_id, prune)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def done(lock):
            if lock:
                lock.remove_ticket_for(ticket_number)
            return None, lock
        self._transact(conversation_id, done)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Give the ticket back, and delete the queue if it is then empty: one step, so a ticket
        another replica takes meanwhile is never deleted with it (Rasa does it in three)."""
        try:
            self.finish_serving(conversation_id, ticket_number)
        except (redis.RedisError, LockError) as e:
            logger.error("lock store: could not give back a ticket (%s); it lapses in %g s",
                         type(e).__name__, self.timeouts.lock_ticket_s)

    def renew(self, conversation_id: Text, ticket_number: int) -> bool:
        """Push the ticket's expiry `lock_ticket_s` ahead; False if it is gone (lapsed or Redis lost it)."""
        expires = time.time() + self.timeouts.lock_ticket_s

        def extend(lock):
            ticket = lock and next((t for t in lock.tickets if t.number == ticket_number), None)
            if ticket:
                ticket.expires = max(ticket.expires, expires)
            return bool(ticket), lock
        return self._transact(conversation_id, extend)

    # --- taking and holding a lock ----------------------------------------------------------
    async def _keep_alive(self, conversation_id: Text, ticket: int, held: dict) -> None:
        every = self.timeouts.lock_ticket_s / 3
        while True:
            await asyncio.sleep(every)
            limit = self.timeouts.lock_max_s if held.get("since") else self.timeouts.lock_wait_s
            if time.monotonic() - held.get("since", held["issued"]) > limit:
                logger.error("lock store: a turn took longer than %g s; its ticket now lapses", limit)
                return
            try:
                if not self.renew(conversation_id, ticket):
                    logger.warning("lock store: a ticket was gone before it was given back")
                    return
            except (redis.RedisError, LockError) as e:
                logger.error("lock store: could not renew a ticket (%s)", type(e).__name__)

    async def _acquire_lock(self, conversation_id: Text, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        """Rasa's wait loop, polling sooner (Redis reads are cheap) and giving up after lock_wait_s."""
        t0, pause = time.monotonic(), 0.02
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break  # our own ticket is gone: Redis restarted, or it lapsed
            if not lock.is_locked(ticket):
                return lock
            if time.monotonic() - t0 > self.timeouts.lock_wait_s:
                raise LockError(f"Waited {self.timeouts.lock_wait_s:g} s for a conversation's lock.")
            await asyncio.sleep(pause)
            pause = min(pause * 2, wait_time_in_seconds, 0.25)
            self.update_lock(conversation_id)
        raise LockError("The conversation's lock was lost while waiting.")

    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = 0,
                   wait_time_in_seconds: float = 0.25) -> AsyncGenerator[TicketLock, None]:
        ticket = self.issue_ticket(conversation_id)
        held = {"issued": time.monotonic()}
        keeper = asyncio.ensure_future(self._keep_alive(conversation_id, ticket, held))
        try:
            lock = await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
            held["since"] = time.monotonic()
            yield lock
        finally:
            keeper.cancel()
            self.cleanup(conversation_id, ticket)
