"""bot/web/server.py without a browser: routes, headers, topics.json, nurse page, logging, CLI."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from bot.web.pages import STATIC_DIR, load_topics, qr_svg, topic_payload
from bot.web.server import make_server

ROOT = Path(__file__).resolve().parents[2]
TOPICS = yaml.safe_load((ROOT / "content" / "topics.yml").read_text(encoding="utf-8"))["topics"]
SETTINGS = yaml.safe_load((ROOT / "config" / "settings.yml").read_text(encoding="utf-8"))
BOT_URL = "http://127.0.0.1:5999"
PUBLIC_URL = "https://chat.example-hospital.nhs.uk"


def fetch(url: str, method: str = "GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=5) as res:
            return res.status, dict(res.headers), res.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode("utf-8")


@pytest.fixture(scope="module")
def server():
    srv = make_server("127.0.0.1", 0, bot_url=BOT_URL, public_url=PUBLIC_URL, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("path", ["/nope", "/static/widget.js", "/templates/demo.html", "/bot/web/server.py",
                                  "/../config/settings.yml", "/%2e%2e/config/settings.yml",
                                  "/nurses/handout/", "/nurses/handout/nope", "/nurses/handout/../../x",
                                  "/static/", "/widget.js/x"])
def test_unknown_paths_are_404_without_listing(server, path):
    status, headers, body = fetch(server.url + path)
    assert status == 404
    assert "Index of" not in body and "Directory listing" not in body
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/widget.js", "/widget.css", "/topics.json", "/nurses", "/nope"])
def test_security_headers_on_every_response(server, path):
    _, headers, _ = fetch(server.url + path)
    assert headers["X-Content-Type-Options"] == "nosniff"
    csp = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == f"'self' {BOT_URL}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["Referrer-Policy"] == "no-referrer"


def test_content_types_and_methods(server):
    assert fetch(server.url + "/widget.js")[1]["Content-Type"].startswith("text/javascript")
    assert fetch(server.url + "/widget.css")[1]["Content-Type"].startswith("text/css")
    assert fetch(server.url + "/")[1]["Content-Type"].startswith("text/html")
    status, headers, body = fetch(server.url + "/widget.js", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 1000
    status, headers, _ = fetch(server.url + "/", method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"


def test_topics_json_is_built_from_topics_yml(server):
    status, headers, body = fetch(server.url + "/topics.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert headers["Access-Control-Allow-Origin"] == "*"
    topics = json.loads(body)["topics"]
    assert [t["id"] for t in topics] == [t["id"] for t in TOPICS]
    by_id = {t["id"]: t for t in topics}
    assert by_id["heart"] == {"id": "heart", "title": "Carcinoid heart disease",
                              "payload": '/ask_what_is{"subject":"chd"}'}
    for t in TOPICS:
        assert by_id[t["id"]]["payload"] == f'/ask_{t["aspect"]}{{"subject":"{t["subject"]}"}}'


def test_load_topics_rejects_unsafe_ids(tmp_path):
    bad = tmp_path / "topics.yml"
    bad.write_text('topics: [{id: "x\\"><script>", title: t, aspect: what_is, subject: chd}]')
    with pytest.raises(ValueError):
        load_topics(bad)
    assert topic_payload("how_often", "lanreotide") == '/ask_how_often{"subject":"lanreotide"}'


def test_demo_page_embeds_the_widget_with_one_script_tag(server):
    _, _, body = fetch(server.url + "/")
    scripts = re.findall(r"<script\b[^>]*>", body)
    assert len(scripts) == 1
    tag = scripts[0]
    assert 'src="/widget.js"' in tag and " defer" in tag
    assert f'data-bot-url="{BOT_URL}"' in tag
    assert f'data-nurse-line="{SETTINGS["clinic"]["nurse_line"]}"' in tag
    assert f'data-clinic-name="{SETTINGS["clinic"]["name"]}"' in tag
    assert f'data-emergency-number="{SETTINGS["phones"]["emergency"]}"' in tag
    assert 'data-primary-color="#005eb8"' in tag


def test_nurse_page_lists_every_topic_with_link_and_qr_svg(server):
    status, _, body = fetch(server.url + "/nurses")
    assert status == 200
    assert body.count('<svg role="img"') == len(TOPICS)
    for t in TOPICS:
        link = f"{PUBLIC_URL}/?topic={t['id']}"
        assert f'href="{link}"' in body
        assert f'href="/nurses/handout/{t["id"]}"' in body
        assert qr_svg(link, f"QR code that opens the chat on: {t['title']}", scale=3) in body


@pytest.mark.parametrize("topic", TOPICS, ids=[t["id"] for t in TOPICS])
def test_each_topic_has_a_printable_handout(server, topic):
    status, _, body = fetch(server.url + f"/nurses/handout/{topic['id']}")
    assert status == 200
    assert body.count("<svg") == 1
    assert f"{PUBLIC_URL}/?topic={topic['id']}" in body
    assert SETTINGS["clinic"]["nurse_line"] in body
    assert "emergency, call 999" in body


def test_print_stylesheet_is_a4():
    css = (STATIC_DIR / "site.css").read_text()
    assert "@media print" in css and re.search(r"@page\s*{[^}]*size:\s*A4", css)


def test_widget_source_uses_no_html_injection_and_no_third_party():
    js = "".join(p.read_text() for p in sorted(STATIC_DIR.glob("*.js")))
    css = (STATIC_DIR / "widget.css").read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js
    urls = set(re.findall(r"https?://[^\s\"')]+", js + css))
    assert urls <= {"http://www.w3.org/2000/svg", "http://localhost:5005"}, urls
    assert "@import" not in css and "url(" not in css


def test_log_has_path_but_never_the_query_string(capsys):
    srv = make_server("127.0.0.1", 0, bot_url=BOT_URL, quiet=False)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        fetch(srv.url + "/?topic=heart&name=Jane+Patient")
        fetch(srv.url + "/nope?nhs_number=9434765919")
    finally:
        srv.shutdown()
        srv.server_close()
    err = capsys.readouterr().err
    assert '"GET /" 200' in err and '"GET /nope" 404' in err
    assert "Jane" not in err and "9434765919" not in err and "topic" not in err


def test_bad_options_are_refused():
    with pytest.raises(ValueError):
        make_server("127.0.0.1", 0, bot_url="javascript:alert(1)")
    with pytest.raises(ValueError):
        make_server("127.0.0.1", 0, primary_color="red;}")


def test_command_line_serves(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.web.server", "--port", str(port), "--bot-url", BOT_URL, "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        deadline = time.time() + 10
        while True:
            try:
                status, _, body = fetch(f"http://127.0.0.1:{port}/nurses")
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        assert status == 200
        assert f"http://localhost:{port}/?topic=heart" in body  # --public-url defaults to this server
    finally:
        proc.terminate()
        proc.wait(timeout=10)
