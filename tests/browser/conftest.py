"""Fixtures for the widget tests: a fake Rasa REST channel, bot/web/server.py, headless Chromium.

Nothing here reaches the network: both servers listen on 127.0.0.1 (free ports), and Playwright drives
the system's Chromium (/usr/bin/chromium, or $CHROMIUM_PATH). It never downloads a browser.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
for _path in (ROOT, HERE):  # the project package, and widget_fakes beside this file
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
SCREENSHOT_DIR = ROOT / "artifacts" / "screenshots"

from widget_fakes import FakeRasa  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: needs headless Chromium driven by Playwright")


@pytest.fixture(scope="session")
def fake_rasa_server():
    fake = FakeRasa()
    yield fake
    fake.close()


@pytest.fixture
def fake_rasa(fake_rasa_server):
    fake_rasa_server.reset()
    yield fake_rasa_server
    fake_rasa_server.reset()


@pytest.fixture(scope="session")
def web_url(fake_rasa_server):
    """bot/web/server.py on a free port, pointed at the fake Rasa server."""
    from bot.web.server import make_server

    server = make_server("127.0.0.1", 0, bot_url=fake_rasa_server.url,
                         public_url="http://127.0.0.1:8080", quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Widget:
    """Drives the chat widget on one page the way a patient would."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.launcher = page.get_by_role("button", name="Ask about NETs")
        self.dialog = page.get_by_role("dialog", name="NET information chat")
        self.log = page.locator(".netw-log[role=log]")
        self.input = page.get_by_label("Type your question")

    def goto(self, query: str = ""):
        self.page.goto(self.base_url + "/" + query)
        self.launcher.or_(self.dialog).first.wait_for()
        return self

    def open(self):
        self.launcher.click()
        self.dialog.wait_for()
        return self

    def ask(self, text: str):
        self.input.fill(text)
        self.input.press("Enter")
        return self

    def bot_texts(self) -> list[str]:
        return self.page.locator(".netw-msg--bot .netw-bubble").all_text_contents()

    def user_texts(self) -> list[str]:
        return self.page.locator(".netw-msg--user .netw-bubble").all_text_contents()


@pytest.fixture
def browser_page(chromium):
    """A fresh desktop-sized page (own sessionStorage); records JS errors, console errors, dialogs."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.js_errors = []
    page.dialogs = []
    page.console_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


@pytest.fixture
def widget(browser_page, web_url, fake_rasa):
    return Widget(browser_page, web_url)


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
