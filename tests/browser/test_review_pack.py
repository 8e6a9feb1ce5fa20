"""The clinician's review pack (make review-pack) in Chromium: every topic and every answer is
there, with the source passage it cites and empty sign-off boxes; it prints on A4."""
from __future__ import annotations

import pytest

from bot import content
from bot.answers.knowledge import KnowledgeBaseUnavailable

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    from bot.content import review_pack
    try:
        return review_pack.write(tmp_path_factory.mktemp("pack") / "review-pack.html")
    except KnowledgeBaseUnavailable as e:
        pytest.skip(str(e))


def test_review_pack_has_every_topic_and_answer_with_passage_and_boxes(pack, browser_page, screenshot_dir):
    page = browser_page
    page.goto(pack.as_uri())
    answers = content.answers()
    topics = list(dict.fromkeys(a["topic"] for a in answers))
    headings = page.locator("section.topic h2").all_text_contents()
    assert headings == [f"Topic: {t}" for t in topics]
    cards = page.locator("article.answer")
    assert cards.count() == len(answers)
    for a in answers:
        card = page.locator(f'article.answer[data-id="{a["id"]}"]')
        assert card.count() == 1, a["id"]
        assert " ".join(a["text"].split()) in card.locator(".patient").inner_text().replace("\n", " ")
        assert card.locator(".source-passage").count() == len(a["cites"]), a["id"]
        assert card.locator(".signoff .box").count() == 3 and card.locator(".signoff .line").count() == 4
        assert card.locator(".grade").inner_text().strip() not in ("", "None")
        assert card.locator(".unexplained").inner_text().strip() == "none", a["id"]
        assert card.locator(".status").inner_text().strip() in ("draft", "approved", "retired")
    # the patient view includes the next step and the source line
    first = cards.first.locator(".patient").inner_text()
    assert "Next step:" in first and "Source: one article about NET treatment" in first
    assert page.locator("tr.glossary-entry").count() == len(content.glossary())
    assert page.locator("tr.file-entry", has_text="content/triage.yml").count() == 1
    page.screenshot(path=str(screenshot_dir / "review-pack.png"), full_page=False)


def test_review_pack_prints_each_answer_whole(pack, browser_page, screenshot_dir):
    page = browser_page
    page.goto(pack.as_uri())
    page.emulate_media(media="print")
    assert page.locator("article.answer").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
    page.screenshot(path=str(screenshot_dir / "review-pack-print.png"), full_page=False)
