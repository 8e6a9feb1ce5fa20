"""The widget against the real bot in headless Chromium: after "Clear conversation" the server
holds no event of the old conversation and the page's storage holds none of its text (M1, M2)."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
MARK = "ZQCLEAR"


@pytest.fixture(scope="module")
def page_url(stack):
    from bot.web.server import make_server
    # the launcher allows the page at http://127.0.0.1:<WEB_PORT> to call Rasa (CORS)
    server = make_server("127.0.0.1", stack.web_port, bot_url=stack.url, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                               args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def events_of(stack, sender: str) -> list[str]:
    with sqlite3.connect(Path(stack.data_dir) / "tracker.db") as c:
        return [r[0] for r in c.execute("SELECT data FROM events WHERE sender_id = ?", (sender,))]


def test_clear_erases_on_the_server_and_in_the_page(stack, page_url, browser):
    expect = pytest.importorskip("playwright.sync_api").expect
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(page_url + "/")
        page.get_by_role("button", name="Ask about NETs").click()
        expect(page.locator(".netw-msg--bot").first).to_be_visible(timeout=30000)   # the greeting
        page.get_by_label("Type your question").fill(f"my name is {MARK} Jones, how often is lanreotide given")
        page.get_by_label("Type your question").press("Enter")
        answer = page.locator(".netw-msg--bot").filter(has_text="3–4 weeks")
        expect(answer).to_be_visible(timeout=30000)
        old = page.evaluate("sessionStorage.getItem('netChat.sender')")
        assert any(MARK in e for e in events_of(stack, old))
        storage = page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")
        assert MARK not in storage                      # typed text never reaches storage

        page.get_by_role("button", name="Clear conversation").click()
        expect(answer).to_have_count(0)
        expect(page.locator(".netw-msg--bot").first).to_be_visible(timeout=30000)   # greeted again
        page.wait_for_function("sessionStorage.getItem('netChat.sender') !== %s" % json.dumps(old))
        page.wait_for_timeout(500)
        assert events_of(stack, old) == []              # nothing of the old conversation on the server
        storage = page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")
        assert MARK not in storage and old not in storage and "3–4 weeks" not in storage
        assert page.evaluate("localStorage.length") == 0 and context.cookies() == []
        for f in Path(stack.data_dir).glob("tracker.db*"):
            assert MARK.encode() not in f.read_bytes(), f.name
    finally:
        context.close()
