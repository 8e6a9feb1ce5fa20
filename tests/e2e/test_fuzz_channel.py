"""Fuzzing the REST channel with hypothesis: generated bodies, headers, payloads and paths.

10,000 requests to the channel with a stand-in agent (tests/rasa_ext/channel_app.py, the same channel code
on the same Sanic), then 300 to the whole bot as `make run` starts it. Every answer must be below
500, no traceback may reach the log, and the server must still answer a normal question.
"""
from __future__ import annotations

import http.client
import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.intake.request_checks import Payloads
from tests.rasa_ext.test_rest_channel_http import ChannelServer

PAYLOADS = Payloads.from_content()
ASCII = string.ascii_letters + string.digits + " -_.:/;=,@+"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25)
payloads = st.builds(lambda intent, extra: f"/{intent}{extra}",
                     st.sampled_from(sorted(PAYLOADS.intents) + ["restart", "session_start", "x", ""]),
                     st.one_of(st.just(""), json_values.map(json.dumps), st.text(max_size=30),
                               st.dictionaries(st.sampled_from(["subject", "uncovered_topic", "name"]),
                                               st.one_of(st.sampled_from(sorted(PAYLOADS.values["subject"])),
                                                         json_values), max_size=2).map(json.dumps)))
identifiers = st.sampled_from(["943 476 5919", "07700 900123", "a@b.nhs.uk", "LS1 4AP", "01/02/1960",
                               "crushing chest pain", "i want to kill myself", "what is lanreotide"])
messages = st.one_of(
    st.text(max_size=200), st.text(max_size=40).map(lambda t: t * 70), payloads,
    st.lists(st.one_of(identifiers, st.text(max_size=20)), max_size=6).map(" ".join),
    st.sampled_from(["", " ", "/", "//", "\x00", "\ud7ff" * 3, "😀" * 600, "a" * 2001, "/greet"]))
senders = st.one_of(st.from_regex(r"[A-Za-z0-9_.:@-]{1,128}", fullmatch=True), st.text(max_size=140),
                    json_values)
bodies = st.one_of(
    st.fixed_dictionaries({"sender": st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True), "message": messages},
                          optional={"metadata": st.fixed_dictionaries({}, optional={
                              "channel": st.text(max_size=40), "deep_link_topic": st.text(max_size=20)})}
                          ).map(lambda d: json.dumps(d).encode()),
    st.fixed_dictionaries({"sender": senders, "message": st.one_of(messages, json_values)},
                          optional={"metadata": json_values}).map(lambda d: json.dumps(d).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=600),
    st.integers(1, 6000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(15_000, 40_000).map(lambda n: b'{"sender": "big", "message": "' + b"x" * n + b'"}'),
)
content_types = st.one_of(st.sampled_from(["application/json"] * 12 + ["application/json; charset=utf-8", "text/plain",
                                           "application/x-www-form-urlencoded", "multipart/form-data", ""]),
                          st.text(alphabet=ASCII, max_size=40))
headers = st.fixed_dictionaries(
    {"Content-Type": content_types},
    optional={"X-Real-IP": st.text(alphabet=ASCII, max_size=40), "Origin": st.text(alphabet=ASCII, max_size=40),
              "Content-Encoding": st.sampled_from(["gzip", "deflate", "br", "x"]),
              "X-Forwarded-For": st.text(alphabet=ASCII, max_size=40)})
paths = st.sampled_from(["/webhooks/rest/webhook"] * 12 + ["/webhooks/rest/forget"] * 2
                        + ["/webhooks/rest/", "/webhooks/rest/webhook?token=x", "/webhooks/rest/nope"])
methods = st.sampled_from(["POST"] * 16 + ["GET", "PUT", "DELETE", "OPTIONS"])


class Client:
    """One keep-alive connection, opened again whenever the server closes it."""

    def __init__(self, port: int):
        self.port, self.conn, self.sent, self.statuses = port, None, 0, {}

    def send(self, method: str, path: str, body: bytes, hdrs: dict) -> int:
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                r = self.conn.getresponse()
                r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                self.sent += 1
                self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
                return r.status
            except (http.client.HTTPException, ConnectionError):
                self.close()  # e.g. closed after a 413 while the body was still being sent
                if attempt:
                    self.sent += 1
                    return 0   # the server hung up: not a 5xx
        return 0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def fuzz(client: Client, examples: int):
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(method=methods, path=paths, body=bodies, hdrs=headers)
    def one(method, path, body, hdrs):
        status = client.send(method, path, body, hdrs)
        assert status < 500, (status, method, path, body[:200], hdrs)

    one()


@pytest.fixture(scope="module")
def channel():
    s = ChannelServer()
    yield s
    s.stop()


def test_ten_thousand_generated_requests(channel):
    client = Client(channel.port)
    fuzz(client, 10_000)
    client.close()
    print(f"\nfuzz: {client.sent} requests, statuses {dict(sorted(client.statuses.items()))}")
    assert client.sent >= 10_000
    status, reply, _ = channel.post({"sender": "after-fuzz", "message": "what is lanreotide"})
    assert status == 200 and reply[0]["text"].startswith("ok:")
    log = channel.log()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]


def test_generated_requests_to_the_whole_bot(stack):
    port = int(stack.url.rsplit(":", 1)[1])
    client = Client(port)
    start = len(stack.log)
    fuzz(client, 300)
    client.close()
    assert client.sent >= 300
    assert "lanreotide" in json.dumps(stack.say("after-fuzz-1", "what is lanreotide")).lower()
    assert not [l for l in stack.log[start:] if "Traceback" in l]
