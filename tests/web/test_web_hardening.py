"""The widget's web server under abuse (docs/security.md M6, L1, L11): timeouts, no desync."""
from __future__ import annotations

import logging
import socket
import threading
import time
import urllib.request

import pytest

from bot.web.pages import Site
from bot.web.server import WebApp, WidgetServer, build_routes, security_headers


def start(timeout: int = 2, limit: int = 50):
    site = Site(bot_url="http://127.0.0.1:5999", public_url="http://127.0.0.1:8080")
    srv = WidgetServer(("127.0.0.1", 0), WebApp(build_routes(site), security_headers(site.bot_url), quiet=True),
                       channel_timeout=timeout, connection_limit=limit)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


@pytest.fixture
def server():
    srv = start()
    yield srv
    srv.shutdown()
    srv.server_close()


def raw(srv, data: bytes, wait: float = 1.0) -> bytes:
    with socket.create_connection(srv.server_address, timeout=5) as s:
        s.sendall(data)
        s.settimeout(wait)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
    return out


def test_a_body_is_never_read_as_the_next_request(server):
    # L1: before, 405 was sent without reading the body, and the body was served as a request
    smuggled = b"GET /nurses HTTP/1.1\r\nHost: x\r\n\r\n"
    out = raw(server, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled) + smuggled)
    assert out.count(b"HTTP/1.1 ") == 1 and out.startswith(b"HTTP/1.1 405")
    assert b"QR code" not in out


def test_an_oversized_body_is_refused_without_reading_it(server):
    out = raw(server, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n" + b"x" * 1000)
    assert out.startswith(b"HTTP/1.1 413")


def test_half_sent_requests_are_dropped_and_hold_no_threads(server):
    # M6: 50 half-sent requests held 50 threads for 70 s; now they cost no thread and are closed
    threads_before = threading.active_count()
    socks = []
    for _ in range(30):
        s = socket.create_connection(server.server_address, timeout=10)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    t0 = time.monotonic()
    with urllib.request.urlopen(server.url + "/widget.js", timeout=5) as r:  # others still served
        assert r.status == 200
    assert time.monotonic() - t0 < 2
    assert threading.active_count() <= threads_before + 1
    closed = 0
    deadline = time.monotonic() + 8
    for s in socks:
        s.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            closed += s.recv(1) == b""
        except (socket.timeout, ConnectionError):
            pass
        s.close()
    assert closed == len(socks)


def test_idle_keep_alive_connections_are_closed(server):
    with socket.create_connection(server.server_address, timeout=10) as s:
        s.sendall(b"GET /widget.css HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)
        assert s.recv(65536).startswith(b"HTTP/1.1 200")
        s.settimeout(8)
        t0 = time.monotonic()
        assert s.recv(1) == b""              # closed by the server, not by us
        assert time.monotonic() - t0 < 7


def test_connection_cap_is_enforced():
    srv = start(timeout=5, limit=5)
    try:
        socks = [socket.create_connection(srv.server_address, timeout=5) for _ in range(8)]
        time.sleep(0.5)
        # the server stops accepting at its cap; the extra connections wait in the backlog
        assert len(srv._server._map) <= 5 + 2   # + the listening socket and its trigger
        for s in socks:
            s.close()
    finally:
        srv.shutdown()
        srv.server_close()


def test_broken_connections_log_no_client_address(server, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    for _ in range(5):
        s = socket.create_connection(server.server_address)
        s.sendall(b"GET /widget.js HTTP/1.1\r\nHost: x\r\n\r\n")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # reset while the server writes
    time.sleep(0.5)
    logged = caplog.text + "".join(capfd.readouterr())
    assert "127.0.0.1" not in logged
