"""The case list and case page in Debian's chromium: filter by state, open a case, take it,
see its state change; no CSP violation on the way (the map is inline SVG, no script)."""
from __future__ import annotations

import pytest

from tests.support.dashboard_cases import make_case
from tests.support.dashboard_site import screenshot

pytestmark = pytest.mark.browser


def test_officer_filters_opens_a_case_and_takes_it(browser, dashboard_site):
    db = dashboard_site.app.extensions["hotline"].db
    with db.transaction() as session:
        wanted = make_case(session, "CRI-5709", urgency="urgent").reference
        make_case(session, "CRI-5709", status="taken")
        make_case(session, "CRI-5709", status="closed", outcome="duplicate")
    context = dashboard_site.signed_in_context(browser, "CRI-5709-1", language="en",
                                               viewport={"width": 1100, "height": 900})
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(dashboard_site.url + "/dashboard/cases")
    assert page.locator("table.cases tbody tr").count() == 3
    page.locator('.case-counts a[data-state="new"]').click()
    page.wait_for_url("**/dashboard/cases?state=new")
    assert page.locator("table.cases tbody tr").count() == 1
    screenshot(page, "dashboard-case-list")

    page.locator(f'a:text-is("{wanted}")').click()
    page.wait_for_url(f"**/dashboard/cases/{wanted}")
    assert "Waiting" in page.locator('[data-field="state"]').inner_text()
    assert page.locator("svg.case-map circle.map-reporter").count() == 1
    page.locator('form[data-action="take"] button').click()
    page.wait_for_url(f"**/dashboard/cases/{wanted}")
    assert "Taken by" in page.locator('[data-field="state"]').inner_text()
    assert page.locator('form[data-action="take"]').count() == 0
    assert page.locator('form[data-action="start"]').count() == 1
    screenshot(page, "dashboard-case-page")
    assert violations == []
    context.close()


def test_list_and_case_page_fit_a_phone(browser, dashboard_site):
    db = dashboard_site.app.extensions["hotline"].db
    with db.transaction() as session:
        reference = make_case(session, "CRI-5709").reference
    context = dashboard_site.signed_in_context(browser, "CRI-5709-1", language="en",
                                               viewport={"width": 390, "height": 800})
    page = context.new_page()
    for url in ("/dashboard/cases", f"/dashboard/cases/{reference}"):
        page.goto(dashboard_site.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url   # no sideways scrolling
    context.close()
