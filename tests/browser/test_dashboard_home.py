"""The dashboard's frame in Debian's chromium: signed-in page, no CSP violation, phone width."""
from __future__ import annotations

import pytest

from tests.support.dashboard_site import screenshot

pytestmark = pytest.mark.browser


def test_signed_in_home_renders_without_csp_violations_on_a_phone(browser, dashboard_site):
    context = dashboard_site.signed_in_context(browser, "CRI-5709-1", language="en",
                                               viewport={"width": 390, "height": 800})
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(dashboard_site.url + "/dashboard/")
    assert page.locator("h1").inner_text() == "Cases"                          # the front page is the list
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"     # the stylesheet loaded
    screenshot(page, "dashboard-home")
    assert violations == []
    context.close()
