""""Was this helpful?", the consent question and the staff page in headless Chromium, with axe and
screenshots at 360 and 1280 px (artifacts/screenshots/)."""
from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta

import pytest
from test_web_a11y import axe_violations, small_targets
from widget_fakes import LANREOTIDE_ID, NOT_COVERED_TEXT

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TOKEN = "browser-staff-token-0123456789"
ESCALATIONS = ("emergency", "crisis", "urgent", "soon")


def wait_for(fake, count):
    for _ in range(100):
        if len(fake.feedback) >= count:
            return fake.feedback
        time.sleep(0.05)
    raise AssertionError(f"expected {count} feedback posts, got {fake.feedback}")


def ask_lanreotide(widget):
    widget.goto().open()
    expect(widget.page.get_by_role("button", name="Carcinoid heart disease")).to_be_visible()
    widget.ask("how often is lanreotide given")
    group = widget.page.get_by_role("group", name="Was this helpful?")
    expect(group).to_be_visible()
    return group


def test_yes_is_sent_once_with_the_answer_id_and_no_text(widget, fake_rasa):
    group = ask_lanreotide(widget)
    group.get_by_role("button", name="Yes").click()
    expect(widget.page.get_by_text("Thank you for telling us.")).to_be_visible()
    expect(group).to_have_count(0)                       # gone: it cannot be sent twice
    expect(widget.input).to_be_focused()                 # the patient carries on typing
    path, body = wait_for(fake_rasa, 1)[0]
    assert path == "helpful" and body["answer_id"] == LANREOTIDE_ID and body["helpful"] is True
    assert UUID.match(body["id"]) and body["sender"] == fake_rasa.received[0]["sender"]
    assert set(body) == {"id", "answer_id", "helpful", "sender"}
    time.sleep(0.3)
    assert len(fake_rasa.feedback) == 1


def test_no_then_a_reason_by_keyboard_only(widget, fake_rasa):
    page = ask_lanreotide(widget).page
    no = page.get_by_role("button", name="No", exact=True)
    no.focus()
    page.keyboard.press("Enter")
    reasons = page.get_by_role("group", name="Thank you. What was wrong? You do not have to say.")
    expect(reasons).to_be_visible()
    first = reasons.get_by_role("button", name="It did not answer my question")
    expect(first).to_be_focused()                        # focus moves into the new choices
    page.keyboard.press("Tab")
    expect(reasons.get_by_role("button", name="It was hard to understand")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Thank you. This helps us make the answers better.")).to_be_visible()
    posts = wait_for(fake_rasa, 2)
    assert [p for p, _ in posts] == ["helpful", "reason"]
    assert posts[0][1]["helpful"] is False and posts[1][1] == {
        "id": posts[0][1]["id"], "reason": "hard_to_understand", "sender": posts[0][1]["sender"]}


def test_feedback_never_blocks_the_conversation(widget, fake_rasa):
    ask_lanreotide(widget)
    widget.ask("and octreotide")                         # ignoring the question is fine
    expect(widget.page.get_by_role("group", name="Was this helpful?")).to_have_count(2)
    assert fake_rasa.messages()[-1] == "and octreotide" and fake_rasa.feedback == []


def test_consent_question_only_a_yes_sends_the_question(widget, fake_rasa):
    page = widget.goto().open().page
    widget.ask("can i drink alcohol with lanreotide")
    consent = page.get_by_role("group", name="May we keep this question, without your name, to improve the service?")
    expect(consent).to_be_visible()
    expect(consent).to_contain_text("We keep it for 30 days")
    assert fake_rasa.feedback == []                      # nothing sent before the patient answers
    consent.get_by_role("button", name="Yes, keep it").click()
    expect(page.get_by_text("We have kept your question without your name.")).to_be_visible()
    path, body = wait_for(fake_rasa, 1)[0]
    assert path == "question" and body["question"] == "can i drink alcohol with lanreotide"
    assert body["trigger"] == "not_covered" and UUID.match(body["id"])


def test_consent_no_sends_nothing_and_is_not_asked_again_after_two_noes(widget, fake_rasa):
    page = widget.goto().open().page
    name = "May we keep this question, without your name, to improve the service?"
    for i in range(2):
        widget.ask(f"alcohol question {i}")
        expect(page.get_by_role("group", name=name)).to_have_count(1)
        page.get_by_role("group", name=name).get_by_role("button", name="No", exact=True).click()
        expect(page.get_by_text("That is fine. We have not kept your question.")).to_have_count(i + 1)
    widget.ask("alcohol question 3")
    expect(page.locator(".netw-msg--bot").filter(has_text=NOT_COVERED_TEXT)).to_have_count(3)
    expect(page.get_by_role("group", name=name)).to_have_count(0)
    assert fake_rasa.feedback == []


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)], ids=["phone", "desktop"])
def test_feedback_and_consent_pass_axe_and_fit(widget, fake_rasa, screenshot_dir, size):
    page = widget.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    ask_lanreotide(widget)
    page.get_by_role("button", name="No", exact=True).click()
    widget.ask("can i drink alcohol")
    expect(page.get_by_role("button", name="Yes, keep it")).to_be_visible()
    page.wait_for_timeout(200)
    assert axe_violations(page) == []
    assert small_targets(page) == []
    overflow = page.evaluate(f"""() => Array.from(document.querySelectorAll('.netw-fb, .netw-fb *'))
        .filter(el => el.getBoundingClientRect().right > {size[0]} + 0.5).map(el => el.className)""")
    assert overflow == []
    page.get_by_role("button", name="Yes, keep it").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"feedback-{size[0]}x{size[1]}.png"))


# --- the staff page ------------------------------------------------------------------
@pytest.fixture(scope="module")
def staff_url(tmp_path_factory, fake_rasa_server):
    from bot.analytics import store
    from bot.web.server import make_server
    from bot.web.staff import StaffApp

    path = tmp_path_factory.mktemp("staff") / "analytics.db"
    s = store.AnalyticsStore(path)
    rows = []
    for week in range(6):
        at = (datetime(2025, 2, 3, 11) + timedelta(weeks=week)).timestamp()
        for i in range(20 + 5 * week):
            rows.append(store.stamp({"conv": f"w{week}c{i // 3}", "intent": "ask_what_is",
                                     "disposition": ESCALATIONS[(i + week) % 4] if i % 6 == 5 else "none",
                                     "answer_id": "lanreotide-what-is" if i % 2 else "chd-what-is",
                                     "topic": "Medicines for NETs" if i % 2 else "Carcinoid heart disease",
                                     "uncovered": ["diet", "prrt", "side_effects"][i % 3] if i % 4 == 0 else None,
                                     "not_covered": 0, "fallback": 0, "second_miss": 0, "typed": 1,
                                     "latency_ms": 15.0 + i}, at + i * 60))
    s.add_turns(rows)
    for i in range(12):
        s.add_vote(store.stamp({"id": f"00000000-0000-4000-8000-{i:012d}", "conv": "x",
                                "answer_id": "chd-what-is" if i % 3 else "lanreotide-what-is", "topic": "t",
                                "helpful": int(i % 4 == 0)}, datetime(2025, 3, 10).timestamp()))
    s.add_question(store.stamp({"id": "q", "conv": "x", "trigger": "second_miss",
                                "text": "is [word] covered by the [word] for travel?"}, datetime(2025, 3, 10).timestamp()))
    server = make_server("127.0.0.1", 0, bot_url=fake_rasa_server.url, quiet=True)
    server.app.staff = StaffApp(TOKEN, db_path=path, clinic_name="Example Hospital NET Service")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.url
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)], ids=["phone", "desktop"])
def test_staff_sign_in_page_and_charts(browser_page, staff_url, screenshot_dir, size):
    page = browser_page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    response = page.goto(staff_url + "/staff")
    assert response.status == 401
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(screenshot_dir / f"staff-login-{size[0]}x{size[1]}.png"))
    page.get_by_label("Staff token").fill("not the token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("That token is not right")
    page.get_by_label("Staff token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="What patients ask the chat")).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    cookie = cookies["__Host-netbot-staff"]
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict" and TOKEN not in cookie["value"]
    # every chart loaded (an SVG image with a text alternative) and has its table beside it
    images = page.locator(".staff-chart img")
    expect(images).to_have_count(5)
    page.wait_for_function("() => Array.from(document.querySelectorAll('.staff-chart img'))"
                           ".every(el => el.complete && el.naturalWidth > 0)", timeout=30_000)
    for i in range(5):
        assert images.nth(i).get_attribute("alt")
    expect(page.get_by_role("table", name=re.compile("Escalations by disposition per week"))).to_be_visible()
    expect(page.get_by_role("cell", name="is [word] covered by the [word] for travel?")).to_be_visible()
    assert axe_violations(page) == []
    # the only console complaints are the two 401s of the sign-in above (no CSP or script error)
    assert page.js_errors == [] and [e for e in page.console_errors if "401" not in e] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]   # no sideways scrolling
    page.screenshot(path=str(screenshot_dir / f"staff-{size[0]}x{size[1]}.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV (Conversations and messages per week)").click()
    assert download.value.suggested_filename == "net-chat-weekly.csv"
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
    assert page.goto(staff_url + "/staff").status == 401
