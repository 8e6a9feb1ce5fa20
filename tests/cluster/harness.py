"""Load and checks for the cluster tests: send conversations, then compare what each patient was
told with what PostgreSQL stored. The fallback replies are recognised by their text (from
content/responses.yml), not by the HTTP status, which is 200 for them."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import sqlalchemy as sa

from bot.answers.replies import Replies

_replies = Replies()
CANNOT_LOOK_UP = _replies.messages("kb_unavailable")[0]["text"][:40]
NOT_SAVED = _replies.messages("turn_not_saved")[0]["text"][:40]
EMERGENCY = _replies.messages("emergency")[0]["text"][:40]

BURST_PAIRS = [("what is lanreotide", "what is carcinoid heart disease"),
               ("tell me about octreotide", "how is a NET treated"),
               ("what does everolimus do", "what is sunitinib")]
# Conversations: (message, a word the reply must hold when every earlier turn was answered
# normally, i.e. the follow-up kept its subject), in the words patients use.
SCRIPTS = [
    [("tell me about octreotide", "octreotide"), ("how often do you get it", "octreotide")],
    [("what does everolimus do", "everolimus"), ("how is it taken", "everolimus")],
    [("explain carcinoid heart disease", "valve"), ("how do doctors find it", "echo"),
     ("can it be treated", "valve")],
    [("what is sunitinib", "sunitinib"), ("who would be offered it", "sunitinib")],
    [("tell me about surgery for NETs", "urgery"), ("when is it done", "urgery")],
]


@dataclass
class Turn:
    text: str
    expect: str | None
    status: int = 0
    messages: list = field(default_factory=list)
    t0: float = 0.0
    t1: float = 0.0

    @property
    def body(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.messages)

    @property
    def outcome(self) -> str:
        if self.status != 200:
            return "error"
        if NOT_SAVED in self.body:
            return "not_saved"
        if CANNOT_LOOK_UP in self.body:
            return "fallback"
        return "normal"


def post(url: str, sender: str, text: str, timeout: float = 90) -> Turn:
    turn = Turn(text, None, t0=time.monotonic())
    req = urllib.request.Request(url + "/webhooks/rest/webhook", headers={"Content-Type": "application/json"},
                                 data=json.dumps({"sender": sender, "message": text}).encode())
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            turn.status, turn.messages = r.status, json.loads(r.read() or b"[]")
    except urllib.error.HTTPError as e:
        turn.status = e.code
    except OSError:
        turn.status = -1  # connection reset or refused
    turn.t1 = time.monotonic()
    return turn


class Load:
    """`users` threads, each holding one conversation after another through `url`."""

    def __init__(self, url: str, users: int = 8, prefix: str = "load") -> None:
        self.url, self.users, self.prefix = url, users, prefix
        self.conversations: dict[str, list[Turn]] = {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _user(self, n: int) -> None:
        k = n
        while not self._stop.is_set():
            sender = f"{self.prefix}-{n}-{uuid.uuid4().hex[:10]}"
            turns = self.conversations.setdefault(sender, [])
            for text, expect in SCRIPTS[k % len(SCRIPTS)]:
                if self._stop.is_set():
                    break
                turn = post(self.url, sender, text)
                turn.expect = expect
                turns.append(turn)
            k += 1

    def __enter__(self) -> "Load":
        self._threads = [threading.Thread(target=self._user, args=(n,), daemon=True) for n in range(self.users)]
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)

    def turns(self) -> list[Turn]:
        return [t for turns in self.conversations.values() for t in turns]

    def count(self, outcome: str) -> int:
        return sum(t.outcome == outcome for t in self.turns())


def bursts(cluster, n: int = 40, parallel: int = 4) -> tuple[dict, list]:
    """`n` conversations, each opened by two messages sent at the same moment, one to each
    replica (no load balancer in between, so they really do land on both)."""
    conversations, turns = {}, []

    def burst(i):
        sender = f"burst-{i}-{uuid.uuid4().hex[:8]}"
        texts = BURST_PAIRS[i % len(BURST_PAIRS)]
        gate = threading.Barrier(2)

        def send(k):
            gate.wait()
            return post(cluster.replica_url(k), sender, texts[k])
        with ThreadPoolExecutor(2) as pool:
            pair = list(pool.map(send, (0, 1)))
        conversations[sender] = pair
        turns.extend(pair)
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(burst, range(n)))
    return conversations, turns


def stored(database_url: str, senders: list[str]) -> dict[str, tuple[list[str], int]]:
    """sender -> (texts of its stored user turns in order, number of sessions started)."""
    eng = sa.create_engine(database_url)
    try:
        with eng.connect() as c:
            rows = c.execute(sa.text("SELECT sender_id, type_name, data FROM events WHERE sender_id = ANY(:s) "
                                     "ORDER BY id"), {"s": senders}).fetchall()
    finally:
        eng.dispose()
    out = {s: ([], 0) for s in senders}
    for sender, kind, data in rows:
        texts, sessions = out[sender]
        if kind == "user":
            texts.append(json.loads(data).get("text"))
        out[sender] = (texts, sessions + (kind == "session_started"))
    return out


def problems(database_url: str, conversations: dict[str, list[Turn]], ordered: bool = True) -> list[str]:
    """What is wrong in the record: a turn answered normally but not stored once; a turn
    stored twice, or out of order (`ordered`: the turns were sent one after another); a
    second session; a follow-up answered without its subject."""
    found = []
    for sender, (texts, sessions) in stored(database_url, list(conversations)).items():
        turns = conversations[sender]
        sent = [t.text for t in turns]
        for t in turns:
            n = texts.count(t.text)
            if t.outcome == "normal" and n != 1:
                found.append(f"{sender}: '{t.text}' answered normally, stored {n} times")
            elif n > 1:
                found.append(f"{sender}: '{t.text}' ({t.outcome}) stored {n} times")
        if ordered and [s for s in sent if s in texts] != texts or sorted(set(texts)) != sorted(texts):
            found.append(f"{sender}: stored {texts}, sent {sent}")
        if texts and sessions != 1:
            found.append(f"{sender}: {sessions} sessions started")
        for i, t in enumerate(turns):
            if t.outcome == "normal" and all(p.outcome == "normal" for p in turns[:i]) \
                    and t.expect and t.expect.lower() not in t.body.lower():
                found.append(f"{sender}: '{t.text}' answered without its subject ({t.expect})")
    return found
