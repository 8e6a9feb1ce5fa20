"""deploy/proxy/nginx-netchat.conf really applies its limits: nginx (Debian's) runs it on a spare
port, without TLS, in front of the channel with a stand-in agent (tests/rasa_ext/channel_app.py)."""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from tests.e2e.harness import free_port
from tests.rasa_ext.test_rest_channel_http import ChannelServer

CONF = PROJECT_ROOT / "deploy" / "proxy" / "nginx-netchat.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx)")
    tmp = tmp_path_factory.mktemp("nginx")
    bot = ChannelServer()
    port = free_port()
    site = CONF.read_text()
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    site = re.sub(r"^\s*ssl_.*$", "", site, flags=re.M)
    site = site.replace("127.0.0.1:5005", f"127.0.0.1:{bot.port}").replace("127.0.0.1:8080", f"127.0.0.1:{bot.port}")
    site = site.replace("/var/log/nginx/netchat.access.log", str(tmp / "access.log"))
    (tmp / "site.conf").write_text(site)
    (tmp / "nginx.conf").write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
""")
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            break
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, (tmp / "error.log").read_text()
            time.sleep(0.1)
    yield port, bot, tmp
    proc.send_signal(signal.SIGQUIT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    bot.stop()


def request(port, method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.read(), dict(r.getheaders())
    except (ConnectionError, http.client.HTTPException):
        return 0, b"", {}
    finally:
        conn.close()


JSON = {"Content-Type": "application/json"}


def test_chat_passes_with_the_real_address_and_security_headers(proxied):
    port, bot, tmp = proxied
    status, body, headers = request(port, "POST", "/rasa/webhooks/rest/webhook",
                                    json.dumps({"sender": "px-1", "message": "what is lanreotide"}).encode(), JSON)
    assert status == 200 and json.loads(body)[0]["text"].startswith("ok:")
    assert headers["Cache-Control"] == "no-store" and "max-age" in headers["Strict-Transport-Security"]
    assert "nginx/" not in headers.get("Server", "")


def test_big_bodies_are_refused_by_the_proxy(proxied):
    port, _, _ = proxied
    status, _, _ = request(port, "POST", "/rasa/webhooks/rest/webhook", b"x" * 20_000, JSON)
    assert status == 413


def test_rasa_api_and_other_methods_are_not_public(proxied):
    port, _, _ = proxied
    for path in ("/rasa/status", "/rasa/version", "/rasa/conversations/x/tracker", "/rasa/model"):
        assert request(port, "GET", path)[0] == 404, path
    assert request(port, "GET", "/rasa/webhooks/rest/webhook")[0] == 403
    assert request(port, "DELETE", "/")[0] == 403


def test_one_address_is_rate_limited_by_the_proxy(proxied):
    port, bot, tmp = proxied
    statuses = [request(port, "POST", "/rasa/webhooks/rest/webhook",
                        json.dumps({"sender": f"px-flood-{i}", "message": "hi"}).encode(), JSON)[0]
                for i in range(45)]
    assert statuses.count(429) >= 10 and set(statuses) <= {200, 429}
    log = (tmp / "access.log").read_text()
    assert "127.0.0.1" not in log and "px-flood" not in log   # no address, no query string, no body
