"""Issue 14's sign-in through the emulator: on the chat page a linked officer types `dashboard`,
taps the link button the bot sends, presses Sign in on the page it opens and lands on the
dashboard's home; the same link opened again by another browser is refused."""
from __future__ import annotations

import pytest

from locales.catalogs import catalogs
from tests.support.committees import load_example
from tests.support.dashboard_site import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TEXTS = catalogs()
# Press Sign in with the submission held back (a listener after the page's own): is the button disabled?
PRESS_HELD_BACK = """() => {
  const form = document.querySelector('form[data-once]');
  form.addEventListener('submit', (event) => event.preventDefault());
  form.requestSubmit();
  return form.querySelector('button[type=submit]').disabled;
}"""


def test_an_officer_signs_in_from_the_link_the_bot_sends(stack, browser):
    officer = stack.user("th", name="Duty officer Mae Sai")
    load_example(stack.app.extensions["hotline"].db, {"CRI-5709-1": officer})
    chat = browser.new_context(viewport={"width": 420, "height": 860}, locale="th-TH")   # a Thai phone
    page = chat.new_page()
    page.goto(f"{stack.emulator_url}/?user={officer}")
    page.select_option("#user-select", officer)
    page.fill("#message-input", "dashboard")
    page.click("#send-button")

    button = page.locator("a[data-testid=action-button]", has_text=TEXTS.text("th", "officer.button.dashboard.label"))
    button.wait_for(timeout=20000)
    href = button.get_attribute("href")
    assert href.startswith(f"{stack.web_url}/dashboard/sign-in/")
    with chat.expect_page() as opened:
        button.click()
    dashboard = opened.value
    dashboard.wait_for_load_state()
    # One press only (static/sign_in.js): a second would resend the used link with the old cookie.
    assert dashboard.evaluate(PRESS_HELD_BACK) is True
    dashboard.reload()                                  # opening the page again does not use the link
    screenshot(dashboard, "dashboard-sign-in-page")
    dashboard.get_by_test_id("sign-in").click()
    dashboard.wait_for_url(f"{stack.web_url}/dashboard/cases")          # the front page is the case list
    assert TEXTS.text("th", "dashboard.cases.title") in dashboard.locator("h1").inner_text()
    screenshot(dashboard, "dashboard-sign-in")

    dashboard.goto(href)                                # the same browser again: home
    assert dashboard.url == f"{stack.web_url}/dashboard/cases"
    chat.close()

    other = browser.new_context(locale="th-TH")
    stranger = other.new_page()
    response = stranger.goto(href)
    assert response.status == 410
    assert stranger.locator("h1").inner_text() == TEXTS.text("th", "dashboard.sign_in.refused.title")
    other.close()
