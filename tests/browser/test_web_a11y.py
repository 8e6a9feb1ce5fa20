"""Accessibility and layout of the widget and the nurse pages: axe-core, touch targets, 200% text,
phone and desktop sizes. Screenshots go to artifacts/screenshots/ for a person to look at."""
from __future__ import annotations

import re

import pytest

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser
MIN_TARGET = 44  # px, WCAG 2.5.5
# Everything a finger or pointer can operate; links inside running text are exempt (WCAG "inline").
TARGETS = ".netw button, .netw input, .netw a:not(.netw-link), .button"


def axe_violations(page, context=None) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    if results.violations_count:
        print(results.generate_report())
    return [v["id"] for v in results.response["violations"]]


def small_targets(page) -> list[str]:
    return page.evaluate("""([selector, min]) => Array.from(document.querySelectorAll(selector))
        .filter(el => el.getClientRects().length)
        .map(el => [el, el.getBoundingClientRect()])
        .filter(([el, r]) => r.width < min - 0.5 || r.height < min - 0.5)
        .map(([el, r]) => `${el.className || el.tagName} "${(el.textContent || '').trim().slice(0, 30)}"`
                          + ` ${Math.round(r.width)}x${Math.round(r.height)}`)""", [TARGETS, MIN_TARGET])


def open_with_answer(widget, navigate=True):
    if navigate:
        widget.goto()
    widget.open()
    expect(widget.page.get_by_role("button", name="Carcinoid heart disease")).to_be_visible()
    widget.ask("how often is lanreotide given")
    expect(widget.page.locator(".netw-msg--bot").filter(has_text="every 3–4 weeks")).to_be_visible()
    widget.page.wait_for_timeout(200)
    return widget.page


def test_axe_open_widget_has_no_violations(widget):
    page = open_with_answer(widget)
    assert axe_violations(page) == []


def test_axe_error_message_and_closed_launcher_have_no_violations(widget, fake_rasa):
    fake_rasa.mode = "fail"
    page = widget.goto().open().page
    expect(page.locator(".netw-msg--error")).to_have_count(1)
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/nurses", "/nurses/handout/heart"])
def test_axe_nurse_pages_have_no_violations(browser_page, web_url, path):
    browser_page.goto(web_url + path)
    assert axe_violations(browser_page) == []
    assert small_targets(browser_page) == []


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)], ids=["phone", "desktop"])
def test_touch_targets_are_at_least_44px(widget, size):
    widget.page.set_viewport_size({"width": size[0], "height": size[1]})
    widget.goto()
    assert small_targets(widget.page) == []            # the launcher
    open_with_answer(widget)
    assert widget.page.locator(".netw-choice").count() >= 4
    assert small_targets(widget.page) == []


def test_phone_is_full_screen_and_fits_360px(widget, screenshot_dir):
    page = widget.page
    page.set_viewport_size({"width": 360, "height": 740})
    widget.goto()
    page.screenshot(path=str(screenshot_dir / "widget-closed-360x740.png"))
    open_with_answer(widget)
    box = widget.dialog.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 360, "height": 740}
    overflow = page.evaluate("""() => Array.from(document.querySelectorAll('.netw-dialog *'))
        .filter(el => el.getBoundingClientRect().right > 360.5).map(el => el.className)""")
    assert overflow == []
    for name in ("Send", "Clear conversation", "Close chat"):
        expect(page.get_by_role("button", name=name)).to_be_in_viewport()
    page.screenshot(path=str(screenshot_dir / "widget-360x740.png"))


def test_desktop_screenshot(widget, screenshot_dir):
    page = open_with_answer(widget)
    box = widget.dialog.bounding_box()
    assert box["width"] < 640 and box["x"] + box["width"] <= 1280
    page.screenshot(path=str(screenshot_dir / "widget-1280x800.png"))


def test_deep_link_screenshot(widget, screenshot_dir):
    page = widget.goto("?topic=heart").page
    expect(page.locator(".netw-msg--bot")).to_have_count(1)
    page.screenshot(path=str(screenshot_dir / "widget-deeplink-1280x800.png"))


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)], ids=["phone", "desktop"])
def test_text_at_200_percent_loses_nothing(widget, screenshot_dir, size):
    page = widget.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    widget.goto()
    page.evaluate("document.documentElement.style.fontSize = '200%'")   # the user's text size setting
    font = page.evaluate("getComputedStyle(document.querySelector('.netw-launcher')).fontSize")
    assert font == "34px"                                                 # 1.0625rem of 32px
    launcher_box = widget.launcher.bounding_box()
    assert launcher_box["x"] >= 0 and launcher_box["x"] + launcher_box["width"] <= size[0]
    open_with_answer(widget, navigate=False)
    bubble_font = page.evaluate("getComputedStyle(document.querySelector('.netw-msg--bot .netw-bubble')).fontSize")
    assert bubble_font == "32px"
    page.screenshot(path=str(screenshot_dir / f"widget-200pct-{size[0]}x{size[1]}.png"))
    # Nothing cut off sideways: no element wider than the dialog, no horizontal scrolling in the log.
    clipped = page.evaluate("""() => {
        const d = document.querySelector('.netw-dialog').getBoundingClientRect();
        return Array.from(document.querySelectorAll('.netw-dialog *'))
          .filter(el => el.getClientRects().length && !el.closest('.netw-sr'))
          .filter(el => { const r = el.getBoundingClientRect(); return r.left < d.left - 0.5 || r.right > d.right + 0.5; })
          .map(el => el.className); }""")
    assert clipped == []
    assert page.evaluate("(l => l.scrollWidth <= l.clientWidth)(document.querySelector('.netw-log'))")
    for control in (page.get_by_role("button", name="Close chat"), page.get_by_role("button", name="Send"),
                    widget.input, page.get_by_role("button", name="Clear conversation")):
        control.scroll_into_view_if_needed()     # on a small phone the dialog itself may scroll
        expect(control).to_be_in_viewport()
    page.locator(".netw-msg--bot").last.scroll_into_view_if_needed()
    expect(page.locator(".netw-msg--bot").filter(has_text="every 3–4 weeks")).to_be_in_viewport()


@pytest.mark.parametrize("size", [(360, 740), (1280, 800)], ids=["phone", "desktop"])
def test_nurse_page_screenshots(browser_page, web_url, screenshot_dir, size):
    page = browser_page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(web_url + "/nurses")
    assert page.locator("svg[role=img]").count() == 9
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
    page.screenshot(path=str(screenshot_dir / f"nurses-{size[0]}x{size[1]}.png"))
    page.goto(web_url + "/nurses/handout/heart")
    page.screenshot(path=str(screenshot_dir / f"handout-{size[0]}x{size[1]}.png"), full_page=True)


def test_handout_prints_on_one_a4_page(browser_page, web_url, screenshot_dir):
    browser_page.goto(web_url + "/nurses/handout/injections")
    pdf = browser_page.pdf(prefer_css_page_size=True, print_background=True)
    (screenshot_dir / "handout-injections.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    size = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert size and abs(float(size[1]) - 595.3) < 2 and abs(float(size[2]) - 841.9) < 2   # A4 in points
