"""The chat widget in headless Chromium, talking to a fake Rasa REST channel."""
from __future__ import annotations

import re

import pytest
from widget_fakes import HEART_ANSWER, HEART_PAYLOAD, INJECTIONS_ANSWER, LANREOTIDE_ANSWER, XSS_TEXT

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
NURSE_LINE = "01632 960 123"


def wait_for_posts(fake, page, count: int):
    for _ in range(100):
        if len(fake.received) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"expected {count} posts, got {fake.messages()}")


def test_open_ask_and_read_the_answer(widget, fake_rasa):
    page = widget.goto().page
    expect(widget.dialog).to_be_hidden()
    widget.open()
    expect(widget.input).to_be_focused()
    welcome = page.locator(".netw-msg--note").first
    expect(welcome).to_contain_text("not medical advice")
    expect(welcome).to_contain_text(f"call the NET nurse line on {NURSE_LINE}")
    expect(welcome).to_contain_text("emergency, call 999")
    expect(page.get_by_role("button", name="Carcinoid heart disease")).to_be_visible()
    assert fake_rasa.messages() == ["/greet"]

    widget.ask("lanriotide jab how often")
    answer = page.locator(".netw-msg--bot").filter(has_text="every 3–4 weeks")
    expect(answer).to_be_visible()
    assert widget.user_texts() == ["You said: lanriotide jab how often"]
    expect(widget.input).to_have_value("")

    body = fake_rasa.received[-1]
    assert body["message"] == "lanriotide jab how often"
    assert UUID.match(body["sender"]) and body["sender"] == fake_rasa.received[0]["sender"]
    assert body["metadata"] == {"channel": "web-widget"}
    # http(s) URLs become safe links; other schemes stay text.
    links = answer.locator("a")
    expect(links).to_have_count(1)
    assert links.get_attribute("href") == "https://www.example.org/net-info"
    assert links.get_attribute("rel") == "noopener noreferrer"
    assert links.get_attribute("target") == "_blank"
    expect(answer).to_contain_text("javascript:alert(1) stay text")
    expect(page.locator(".netw-typing")).to_be_empty()
    assert page.js_errors == [] and page.console_errors == []   # no CSP or network complaint either


def test_topic_button_sends_payload_and_shows_its_title(widget, fake_rasa):
    page = widget.goto().open().page
    page.get_by_role("button", name="Carcinoid heart disease").click()
    expect(page.locator(".netw-msg--bot").filter(has_text=HEART_ANSWER)).to_be_visible()
    assert fake_rasa.messages() == ["/greet", HEART_PAYLOAD]
    assert widget.user_texts() == ["You said: Carcinoid heart disease"]
    assert "/ask_" not in page.locator(".netw-log").inner_text()


def storage_text(page) -> str:
    return page.evaluate("JSON.stringify(Object.assign({}, sessionStorage))")


def test_reload_keeps_the_conversation_but_not_what_was_typed_and_clear_wipes_it(widget, fake_rasa):
    page = widget.goto().open().page
    widget.ask("lanreotide zqmarker")
    expect(page.get_by_text("every 3–4 weeks")).to_be_visible()
    sender = page.evaluate("sessionStorage.getItem('netChat.sender')")
    assert UUID.match(sender)
    # M2: what the patient typed is never in the hosting page's storage; the chat's replies are
    assert "zqmarker" not in storage_text(page) and "every 3" in storage_text(page)

    page.reload()
    expect(widget.dialog).to_be_visible()           # it was open, so it opens again
    expect(page.get_by_text("every 3–4 weeks")).to_be_visible()
    assert widget.user_texts() == []                # typed text lived in the old page's memory only
    assert page.evaluate("sessionStorage.getItem('netChat.sender')") == sender
    assert fake_rasa.messages() == ["/greet", "lanreotide zqmarker"]  # nothing re-sent on reload
    ref = sender.replace("-", "")[:8].upper()
    expect(page.locator(".netw-privacy")).to_contain_text(f"Conversation reference: {ref[:4]}-{ref[4:]}")

    page.get_by_role("button", name="Clear conversation").click()
    expect(page.get_by_text("every 3–4 weeks")).to_have_count(0)
    assert widget.user_texts() == []
    expect(widget.input).to_be_focused()
    wait_for_posts(fake_rasa, page, 3)
    assert fake_rasa.forgotten == [sender]          # M1: deleted on the server before it is forgotten
    new_sender = page.evaluate("sessionStorage.getItem('netChat.sender')")
    assert UUID.match(new_sender) and new_sender != sender
    assert fake_rasa.received[-1] == {"sender": new_sender, "message": "/greet",
                                      "metadata": {"channel": "web-widget"}}
    expect(page.get_by_role("button", name="Carcinoid heart disease")).to_be_visible()
    assert sender not in storage_text(page) and "every 3" not in storage_text(page)

    page.reload()
    expect(page.get_by_text("every 3–4 weeks")).to_have_count(0)


def test_privacy_note_gives_retention_and_the_trusts_notice(widget, fake_rasa):
    page = widget.goto().open().page
    note = page.locator(".netw-privacy")
    expect(note).to_contain_text("kept for 30 days")
    expect(note).to_contain_text("do not type your name, NHS number")
    link = note.locator("a")
    assert link.get_attribute("href") == "https://www.example-hospital.nhs.uk/privacy"
    assert link.get_attribute("rel") == "noopener noreferrer"


def test_idle_conversation_is_dropped_from_storage(widget, fake_rasa):
    page = widget.goto().open().page
    widget.ask("lanreotide")
    expect(page.get_by_text("every 3–4 weeks")).to_be_visible()
    # as if the tab had been left for more than 30 minutes
    page.evaluate("sessionStorage.setItem('netChat.active', String(Date.now() - 31 * 60000))")
    page.reload()
    expect(page.get_by_text("every 3–4 weeks")).to_have_count(0)
    assert "every 3" not in storage_text(page)


def test_rate_limited_reply_is_shown(widget, fake_rasa):
    page = widget.goto().open().page
    expect(page.get_by_role("button", name="Your injections")).to_be_visible()
    fake_rasa.mode = "busy"
    widget.ask("lanreotide")
    expect(page.locator(".netw-msg--bot").filter(has_text="faster than I can answer")).to_be_visible()
    assert fake_rasa.messages().count("lanreotide") == 1   # a 429 is not retried


def test_clear_when_the_server_cannot_delete_gives_the_reference(widget, fake_rasa):
    page = widget.goto().open().page
    widget.ask("lanreotide")
    expect(page.get_by_text("every 3–4 weeks")).to_be_visible()
    sender = page.evaluate("sessionStorage.getItem('netChat.sender')")
    ref = sender.replace("-", "")[:8].upper()
    fake_rasa.mode = "fail"
    page.get_by_role("button", name="Clear conversation").click()
    expect(page.locator(".netw-msg--error").filter(has_text=f"{ref[:4]}-{ref[4:]}")).to_be_visible()
    assert "every 3" not in storage_text(page)


def test_deep_link_starts_on_the_topic(widget, fake_rasa):
    page = widget.goto("?topic=heart").page
    expect(widget.dialog).to_be_visible()
    expect(page.locator(".netw-msg--bot").filter(has_text=HEART_ANSWER)).to_be_visible()
    assert fake_rasa.messages() == [HEART_PAYLOAD]
    assert fake_rasa.received[0]["metadata"] == {"channel": "web-widget", "deep_link_topic": "heart"}
    assert widget.user_texts() == []                  # the payload is not shown as patient text
    assert "/ask_" not in page.locator(".netw-log").inner_text()
    expect(page.locator(".netw-msg--note").filter(has_text="Topic: Carcinoid heart disease")).to_be_visible()
    assert page.console_errors == []
    expect(widget.input).to_be_focused()
    assert "topic=" not in page.url                   # a reload does not ask again
    page.reload()
    expect(page.locator(".netw-msg--bot")).to_have_count(1)
    assert fake_rasa.messages() == [HEART_PAYLOAD]


def test_unknown_deep_link_topic_just_greets(widget, fake_rasa):
    page = widget.goto("?topic=nonsense").page
    expect(widget.dialog).to_be_visible()
    expect(page.get_by_role("button", name="Your injections")).to_be_visible()
    assert fake_rasa.messages() == ["/greet"]


def test_keyboard_only_from_launcher_to_answer(widget, fake_rasa):
    page = widget.goto().page
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('netw-launcher')"):
            break
    else:
        pytest.fail("Tab never reached the chat launcher")
    ring = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert "rgb(255, 235, 59)" in ring                      # the focus indicator shows
    page.keyboard.press("Enter")
    expect(widget.dialog).to_be_visible()
    expect(widget.input).to_be_focused()
    page.keyboard.type("how often is lanreotide given")
    page.keyboard.press("Enter")
    expect(page.locator(".netw-msg--bot").filter(has_text="every 3–4 weeks")).to_be_visible()

    # Tab on to a suggested question and press it with the keyboard.
    page.keyboard.press("Shift+Tab")
    for _ in range(10):
        if page.evaluate("document.activeElement.textContent") == "Your injections":
            break
        page.keyboard.press("Shift+Tab")
    else:
        pytest.fail("Shift+Tab never reached a suggested question")
    assert "rgb(255, 235, 59)" in page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    page.keyboard.press("Enter")
    expect(page.locator(".netw-msg--bot").filter(has_text=INJECTIONS_ANSWER)).to_be_visible()

    page.keyboard.press("Escape")
    expect(widget.dialog).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")


def test_server_error_retries_once_then_gives_the_nurse_line(widget, fake_rasa):
    fake_rasa.mode = "fail"
    page = widget.goto().open().page
    error = page.locator(".netw-msg--error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text(f"NET nurse line on {NURSE_LINE}")
    expect(error).to_contain_text("If it is an emergency, call 999")
    assert fake_rasa.messages() == ["/greet", "/greet"]          # one retry, no more

    widget.ask("lanreotide")
    expect(error).to_have_count(2)
    assert fake_rasa.messages()[2:] == ["lanreotide", "lanreotide"]
    expect(page.locator(".netw-typing")).to_be_empty()

    fake_rasa.mode = "ok"                                         # it recovers without a reload
    widget.ask("lanreotide")
    expect(page.locator(".netw-msg--bot").filter(has_text=LANREOTIDE_ANSWER[:40])).to_be_visible()


def test_hostile_bot_text_is_shown_as_text(widget, fake_rasa):
    fake_rasa.mode = "xss"
    page = widget.goto().open().page
    bubble = page.locator(".netw-msg--bot .netw-bubble")
    expect(bubble).to_have_count(1)
    assert bubble.text_content() == "Chat said: " + XSS_TEXT
    assert page.locator(".netw img, .netw script:not([src])").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == [] and page.js_errors == []
    page.reload()                                                 # and again from sessionStorage
    expect(page.locator(".netw-msg--bot .netw-bubble")).to_have_text("Chat said: " + XSS_TEXT)
    assert page.locator(".netw img").count() == 0 and page.dialogs == []


def test_typing_indicator_while_waiting(widget, fake_rasa):
    page = widget.goto().open().page
    expect(page.get_by_role("button", name="Your injections")).to_be_visible()
    fake_rasa.mode = "slow"
    widget.ask("lanreotide")
    status = page.get_by_role("status")
    expect(status).to_have_text("Finding an answer…")
    expect(page.locator(".netw-msg--bot").filter(has_text="every 3–4 weeks")).to_be_visible()
    expect(status).to_be_empty()


def test_network_failure_retries_once_then_gives_the_nurse_line(widget, fake_rasa):
    attempts = []

    def drop(route):
        attempts.append(route.request.post_data_json["message"])
        route.abort("connectionreset")

    widget.page.route(fake_rasa.url + "/webhooks/rest/webhook", drop)
    page = widget.goto().open().page
    expect(page.locator(".netw-msg--error")).to_contain_text(NURSE_LINE)
    assert attempts == ["/greet", "/greet"]
    assert fake_rasa.messages() == []


def test_close_can_clear_on_a_shared_computer(widget, fake_rasa):
    page = widget.page
    # the embed tag as a kiosk would have it: set after parsing, before the deferred widget runs
    page.add_init_script("""document.addEventListener("readystatechange", function () {
        var s = document.querySelector("script[src*='widget.js']");
        if (document.readyState === "interactive" && s) s.dataset.clearOnClose = "true";
    });""")
    widget.goto().open()
    widget.ask("lanreotide")
    expect(page.get_by_text("every 3–4 weeks")).to_be_visible()
    sender = page.evaluate("sessionStorage.getItem('netChat.sender')")
    page.get_by_role("button", name="Close chat").click()
    for _ in range(100):
        if fake_rasa.forgotten:
            break
        page.wait_for_timeout(50)
    assert fake_rasa.forgotten == [sender]
    assert "every 3" not in storage_text(page) and sender not in storage_text(page)


def test_plain_http_bot_url_on_another_machine_is_refused(widget, fake_rasa):
    # L9: a misconfigured embed would have sent health questions in clear text
    page = widget.page
    messages = []
    page.on("console", lambda m: messages.append(m.text))

    def insecure(route):
        body = re.sub(r'data-bot-url="[^"]*"', 'data-bot-url="http://chat.example.org"', route.fetch().text())
        route.fulfill(body=body, headers={"Content-Type": "text/html; charset=utf-8"})

    page.route(widget.base_url + "/", insecure)
    widget.goto().open()
    expect(page.locator(".netw-msg--error").first).to_contain_text(NURSE_LINE)
    assert fake_rasa.received == [] and any("https" in m for m in messages)
