"""News from the dashboard in Debian's chromium, on the whole service (web app, `flask worker`,
LINE's emulator): an administrator composes in five languages on a phone-width screen, previews,
sends, and watches the broadcast reach exactly its audience; a broadcast over LINE's quota or
missing a language is refused on the page. No Content-Security-Policy violation."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cases.roster import bangkok_time
from storage.models import utcnow
from tests.support.dashboard import sign_in
from tests.support.dashboard_site import screenshot
from tests.support.news import subscribe

pytestmark = [pytest.mark.browser, pytest.mark.stack(example_directory=True)]

ADMIN = "CRI-57-1"
TYPED = {"my": "ရုံးသည် စနေနေ့တွင် ဖွင့်သည်။", "km": "ការិយាល័យបើកនៅថ្ងៃសៅរ៍។", "lo": "ຫ້ອງການເປີດວັນເສົາ.",
         "th": "สำนักงานเปิดวันเสาร์\nเวลา 9 โมง", "en": "The office is open on Saturday.\nFrom 9 am."}


def _context(browser, stack, language: str, width: int):
    """A browser context signed in as the administrator on the stack's web app."""
    client = stack.app.test_client()
    sign_in(stack.app, client, ADMIN, language=language)
    cookie = next(iter(client._cookies.values()))
    context = browser.new_context(viewport={"width": width, "height": 860})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": stack.web_url}])
    return context


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _preview(page, label: str) -> None:
    """Press Preview and wait for the page it answers (the old page would answer a locator first)."""
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()


def _count(page, language: str) -> str:
    return page.locator(f'table.news-counts tr[data-language="{language}"] td').inner_text()


def test_an_administrator_composes_previews_and_sends_news_from_a_phone(browser, stack):
    db = stack.app.extensions["hotline"].db
    stack.api("POST", "/quota", json={"type": "limited", "value": 1000, "totalUsage": 0})
    burmese, thai = subscribe(db, "my", country="mm", province="57"), subscribe(db, "th", country="mm")
    cambodian = subscribe(db, "km", country="kh", province="57")
    context = _context(browser, stack, "en", 390)
    page = context.new_page()
    violations = _watch_csp(page)

    page.goto(stack.web_url + "/dashboard/news")
    page.get_by_role("link", name="Compose news").click()
    page.wait_for_url(re.compile(r"/dashboard/news/new$"))
    for language, text in TYPED.items():
        page.fill(f"#text-{language}", text)
    page.get_by_label("Myanmar", exact=True).check()
    _preview(page, "Preview")

    assert (_count(page, "my"), _count(page, "th"), _count(page, "km"), _count(page, "total")) == ("1", "1", "0", "2")
    assert "Limit: 1000. Used this month: 0. This news: 2." in page.locator(".news-quota").inner_text()
    bubble = page.locator('.news-phone[data-language="my"] .news-bubble[lang="my"]')
    assert bubble.inner_text() == TYPED["my"]
    assert page.locator('.news-phone[data-language="th"] .news-bubble[lang="th"]').inner_text() == TYPED["th"]
    assert _no_sideways_scroll(page)
    screenshot(page, "dashboard-news-preview")

    page.get_by_role("button", name="Send now").click()
    page.wait_for_url(re.compile(r"/dashboard/news/\d+$"))
    # The page reloads itself every 3 s while the worker sends.
    expect(page.locator('[data-result="done"]')).to_be_visible(timeout=45_000)
    assert page.locator('[data-result="done"]').inner_text() == "Done: LINE accepted 2; 0 failed."
    assert page.locator('[data-field="accepted"]').inner_text() == "2"
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert _no_sideways_scroll(page)
    screenshot(page, "dashboard-news-sent")

    multicasts = [r for r in stack.received() if r["path"].endswith("/multicast") and r["status"] == 200]
    reached = {user: request["messages"][0]["text"] for request in multicasts for user in request["to"]}
    assert set(reached) == {burmese, thai} and cambodian not in reached
    assert reached[burmese].startswith(TYPED["my"]) and reached[thai].startswith(TYPED["th"])

    page.get_by_role("link", name="Back to news").click()
    row = page.locator("table.news-list tbody tr").first
    assert "Sent" in row.inner_text() and "Country: Myanmar" in row.inner_text()
    assert _no_sideways_scroll(page)
    assert violations == []
    context.close()


def test_news_over_the_quota_or_missing_a_language_is_refused_on_the_page(browser, stack):
    db = stack.app.extensions["hotline"].db
    stack.api("POST", "/quota", json={"type": "limited", "value": 10, "totalUsage": 9})
    subscribe(db, "my"), subscribe(db, "lo")
    context = _context(browser, stack, "th", 1280)
    page = context.new_page()
    violations = _watch_csp(page)

    page.goto(stack.web_url + "/dashboard/news/new")
    for language in ("my", "th", "en"):
        page.fill(f"#text-{language}", TYPED[language])
    _preview(page, "ดูตัวอย่าง")
    problems = page.locator(".news-problems").inner_text()
    assert "ภาษาเขมร (ខ្មែរ): ยังไม่มีข้อความ" in problems and "ภาษาลาว (ລາວ): ยังไม่มีข้อความ" in problems
    assert page.locator("#text-my").input_value() == TYPED["my"]                 # the form is kept
    assert page.locator('[data-refusal="quota"]').is_visible()
    assert page.get_by_role("button", name="ส่งทันที").count() == 0

    for language in ("km", "lo"):
        page.fill(f"#text-{language}", TYPED[language])
    _preview(page, "ดูตัวอย่าง")
    assert page.locator(".news-problems").count() == 0
    assert page.locator('[data-refusal="quota"]').is_visible()                 # 9 used + 2 > 10
    assert page.get_by_role("button", name="ส่งทันที").count() == 0
    screenshot(page, "dashboard-news-refused")

    stack.api("POST", "/quota", json={"type": "limited", "value": 12, "totalUsage": 9})
    _preview(page, "ดูตัวอย่าง")
    assert page.locator('[data-warning="quota"]').is_visible()                 # 11 of 12: over 80 %
    assert page.get_by_role("button", name="ส่งทันที").count() == 1
    assert violations == []
    context.close()


def test_news_scheduled_for_later_waits_and_can_be_cancelled(browser, stack):
    db = stack.app.extensions["hotline"].db
    stack.api("POST", "/quota", json={"type": "none"})
    subscribe(db, "km", country="kh")
    context = _context(browser, stack, "en", 390)
    page = context.new_page()
    violations = _watch_csp(page)

    page.goto(stack.web_url + "/dashboard/news/new")
    for language, text in TYPED.items():
        page.fill(f"#text-{language}", text)
    page.get_by_label("Send later").check()
    tomorrow = bangkok_time(utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#send-at", tomorrow)
    _preview(page, "Preview")
    assert "LINE sets no monthly limit" in page.locator(".news-quota").inner_text()
    assert "Scheduled for " in page.locator("form.news-send").inner_text()
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url(re.compile(r"/dashboard/news/\d+$"))
    assert page.locator('[data-field="state"]').inner_text().startswith("Scheduled")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0        # nothing to watch until it is due

    page.get_by_role("button", name="Cancel this news").click()
    expect(page.locator('[data-result="cancelled"]')).to_be_visible()
    assert "The news was cancelled" in page.locator("p.notice").first.inner_text()
    assert page.get_by_role("button", name="Cancel this news").count() == 0
    assert _no_sideways_scroll(page)
    assert [r for r in stack.received() if r["path"].endswith("/multicast")] == []
    assert violations == []
    context.close()
