"""The REST channel over HTTP with a stand-in agent (tests/rasa_ext/channel_app.py): limits, rate limits,
metadata, masking and erasure (docs/security.md H1, H2, H4, L2, L3, M1, M8)."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from tests.e2e.harness import free_port


class ChannelServer:
    def __init__(self, settings_changes: dict | None = None):
        self.dir = Path(tempfile.mkdtemp(prefix="netbot-channel-"))
        env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
        if settings_changes:
            raw = yaml.safe_load((PROJECT_ROOT / "config" / "settings.yml").read_text())
            for section, values in settings_changes.items():
                raw.setdefault(section, {}).update(values)
            (self.dir / "settings.yml").write_text(yaml.safe_dump(raw))
            env["NETBOT_SETTINGS"] = str(self.dir / "settings.yml")
        self.port = free_port()
        self.log_path = self.dir / "server.log"
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.rasa_ext.channel_app", str(self.port), str(self.dir)],
                                     cwd=PROJECT_ROOT, env=env, stdout=open(self.log_path, "w"),
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                if self.request("GET", "/webhooks/rest/")[0] == 200:
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("channel app did not start:\n" + self.log())
                time.sleep(0.2)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                timeout: float = 30) -> tuple[int, bytes, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, r.read(), dict(r.getheaders())
        finally:
            conn.close()

    def post(self, payload, path: str = "/webhooks/rest/webhook", ctype: str = "application/json",
             ip: str | None = None):
        """`ip`: as if through the reverse proxy, for this client address (X-Real-IP)."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        status, data, headers = self.request("POST", path, body, {"Content-Type": ctype,
                                                                  **({"X-Real-IP": ip} if ip else {})})
        try:
            return status, json.loads(data), headers
        except ValueError:
            return status, data.decode(errors="replace"), headers

    def stored(self, sender: str) -> list[str]:
        with sqlite3.connect(self.dir / "tracker.db") as c:
            return [r[0] for r in c.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    s = ChannelServer({"limits": {"per_address": {"burst": 10000, "per_minute": 60000}}})
    yield s
    s.stop()


def send_big(server, size: int, chunked: bool = False) -> bytes:
    """Declare a big body, send the start of it, and read what the server says."""
    head = b'{"sender": "big", "message": "' + b"x" * 60_000
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        if chunked:
            sock.sendall(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % len(head) + head + b"\r\n")
        else:
            sock.sendall(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % size)
            try:
                sock.sendall(head)
            except ConnectionError:
                pass
        try:
            return sock.recv(4096)
        except ConnectionError:
            return b""


def test_big_body_is_refused_before_parsing_and_quickly(server):
    # H1: a 5 MB message cost 14.7 s of worker CPU; now 413 before the body is parsed
    t0 = time.monotonic()
    assert send_big(server, 5_000_000).startswith(b"HTTP/1.1 413")
    assert send_big(server, 0, chunked=True).startswith(b"HTTP/1.1 413")
    assert time.monotonic() - t0 < 2
    status, _, _ = server.post(json.dumps({"sender": "big-2", "message": "x" * 17_000}).encode())
    assert status == 413
    assert server.request("GET", "/webhooks/rest/")[0] == 200


def test_long_message_is_triaged_on_a_bounded_window(server):
    t0 = time.monotonic()
    status, reply, _ = server.post({"sender": "long-1", "message": "blah " * 3000 + "I have crushing chest pain"})
    assert status == 200 and reply[0]["text"].startswith("Call 999 now")
    status, reply, _ = server.post({"sender": "long-2", "message": "lanreotide " * 1400})
    assert status == 200 and "too long" in reply[0]["text"]
    assert time.monotonic() - t0 < 2
    assert server.stored("long-1") == [] and server.stored("long-2") == []


def test_other_content_types_are_refused(server):
    # L3: a page on another site could post as its visitors with text/plain (no CORS preflight)
    for ctype in ("text/plain", "application/x-www-form-urlencoded", ""):
        status, _, _ = server.post({"sender": "ct-1", "message": "hi"}, ctype=ctype)
        assert status == 415
    assert server.stored("ct-1") == []


def test_deep_json_is_a_400(server):
    # L2: a RecursionError became a 500 with a traceback in the log
    status, _, _ = server.post(b"[" * 5000 + b"]" * 5000)
    assert status == 400
    assert "Traceback" not in server.log() and "RecursionError" not in server.log()


def test_metadata_is_reduced_to_known_keys(server):
    # H4: client metadata was stored three times, without limit
    status, _, _ = server.post({"sender": "meta-1", "message": "what is lanreotide",
                                "metadata": {"channel": "web-widget", "deep_link_topic": "heart",
                                             "junk": "j" * 10_000}})
    assert status == 200
    status, _, _ = server.post({"sender": "meta-2", "message": "what is lanreotide",
                                "metadata": {"junk": "j" * 10_000}})
    assert status == 200
    assert "jjjj" not in server.log()


def test_identifiers_are_masked_before_storage_but_triaged_raw(server):
    # M8: names and NHS numbers were stored verbatim
    status, reply, _ = server.post({"sender": "mask-1", "message":
                                    "my nhs number is 943 476 5919, phone 07700 900123, what is octreotide"})
    assert status == 200
    stored = server.stored("mask-1")
    assert stored and "943 476 5919" not in stored[0] and "07700" not in stored[0] and "[NHS number]" in stored[0]
    status, reply, _ = server.post({"sender": "mask-2", "message": "born 01/02/1960 and I have crushing chest pain"})
    assert reply[0]["text"].startswith("Call 999 now")


def test_own_buttons_pass_and_odd_payloads_become_words(server):
    server.post({"sender": "pay-1", "message": '/ask_what_is{"subject":"chd"}'})
    server.post({"sender": "pay-1", "message": '/ask_what_is{"subject": {"a": 1}}'})
    assert server.stored("pay-1") == ['/ask_what_is{"subject":"chd"}', 'ask_what_is{"subject": {"a": 1}}']


def test_forget_deletes_the_conversation_and_its_lock(server):
    # M1: "Clear conversation" deleted nothing on the server
    server.post({"sender": "forget-1", "message": "what is lanreotide"})
    server.post({"sender": "keep-1", "message": "what is lanreotide"})
    with sqlite3.connect(server.dir / "locks.db") as c:
        c.execute("INSERT OR REPLACE INTO locks VALUES ('forget-1', '{}')")
    status, reply, _ = server.post({"sender": "forget-1"}, path="/webhooks/rest/forget")
    assert status == 200 and reply == {"forgotten": True, "reference": "FORG-ET1"}
    assert server.stored("forget-1") == [] and server.stored("keep-1")
    with sqlite3.connect(server.dir / "locks.db") as c:
        assert not c.execute("SELECT 1 FROM locks WHERE conversation_id = 'forget-1'").fetchone()
    assert b"what is lanreotide" in (server.dir / "tracker.db").read_bytes()   # keep-1's
    assert server.post({"sender": "x"}, path="/webhooks/rest/forget", ctype="text/plain")[0] == 415
    assert server.post({"nobody": 1}, path="/webhooks/rest/forget")[0] == 400


def test_rate_limits_answer_429_but_emergencies_first():
    # H2: 2,100 requests in 20 s from one client were all accepted
    s = ChannelServer({"limits": {"per_address": {"burst": 5, "per_minute": 6},
                                  "per_conversation": {"burst": 3, "per_minute": 3}}})
    ip = "203.0.113.7"
    try:
        statuses = [s.post({"sender": "rl-1", "message": "what is lanreotide"}, ip=ip)[0] for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        status, reply, headers = s.post({"sender": "rl-2", "message": "what is lanreotide"}, ip=ip)
        assert status == 200                               # another conversation, same address
        assert s.post({"sender": "rl-3", "message": "what is octreotide"}, ip=ip)[0] == 200   # the 5th
        status, reply, headers = s.post({"sender": "rl-3", "message": "what is octreotide"}, ip=ip)
        assert status == 429 and int(headers["Retry-After"]) >= 1
        assert "faster than I can answer" in reply[0]["text"] and "999" in reply[1]["text"]
        status, reply, _ = s.post({"sender": "rl-3", "message": "my husband has collapsed and is not breathing"},
                                  ip=ip)
        assert status == 200 and reply[0]["text"].startswith("Call 999 now")
        assert len(s.stored("rl-1")) == 3
        # another client behind the proxy is not affected; a local tool is limited per conversation only
        assert s.post({"sender": "rl-4", "message": "what is lanreotide"}, ip="198.51.100.9")[0] == 200
        assert [s.post({"sender": f"local-{i}", "message": "hi"})[0] for i in range(8)] == [200] * 8
    finally:
        s.stop()


def test_flood_from_one_address_leaves_other_conversations_fast():
    s = ChannelServer({"limits": {"per_address": {"burst": 20, "per_minute": 60}}})
    try:
        stop = threading.Event()
        flood = {"sent": 0, "accepted": 0}

        def flooder():
            i = 0
            while not stop.is_set():
                i += 1
                status = s.post({"sender": f"flood-{i}", "message": "what is lanreotide"}, ip="203.0.113.66")[0]
                flood["sent"] += 1
                flood["accepted"] += status == 200

        threads = [threading.Thread(target=flooder) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(3)
        patient = [s.post({"sender": "patient-1", "message": "what is lanreotide"}, ip="198.51.100.20")[0]
                   for _ in range(3)]
        stop.set()
        for t in threads:
            t.join()
        assert flood["sent"] > 100 and flood["accepted"] <= 20 + 3 + 2
        assert patient == [200, 200, 200]
    finally:
        s.stop()


def test_the_forwarded_address_is_trusted_only_from_this_machine():
    from types import SimpleNamespace

    from bot.rasa_ext.channels.rest import client_address
    req = lambda ip, fwd=None: SimpleNamespace(ip=ip, headers={"X-Real-IP": fwd} if fwd else {})  # noqa: E731
    assert client_address(req("127.0.0.1", "203.0.113.7"), "X-Real-IP") == "203.0.113.7"
    assert client_address(req("127.0.0.1"), "X-Real-IP") is None
    assert client_address(req("198.51.100.1", "127.0.0.1"), "X-Real-IP") == "198.51.100.1"


def test_no_traceback_or_message_text_in_the_log(server):
    log = server.log()
    assert "Traceback" not in log
    for text in ("crushing chest pain", "943 476 5919", "what is lanreotide"):
        assert text not in log
