"""The directory page in Debian's chromium: an administrator issues a link code from the page and reads
the access log, with no Content-Security-Policy violation; screenshots of both pages are kept."""
from __future__ import annotations

import re

import pytest

from storage.link_codes import redeem_link_code
from storage.models import utcnow
from tests.support.dashboard_site import screenshot

pytestmark = pytest.mark.browser


def test_an_administrator_issues_a_link_code_from_the_directory_page(browser, dashboard_site):
    context = dashboard_site.signed_in_context(browser, "CRI-57-1", language="en",
                                               viewport={"width": 1280, "height": 900})
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(dashboard_site.url + "/dashboard/directory")
    assert page.locator("h1").inner_text() == "Directory"
    assert page.locator("section.directory-committee").count() == 7        # the province and its six districts
    screenshot(page, "dashboard-directory")

    page.locator("#officer-CRI-5709-2").get_by_role("button", name="Issue link code").click()
    page.wait_for_url(re.compile(r"/officers/CRI-5709-2/link-code$"))
    code = page.locator("#issued-code").inner_text()
    assert re.fullmatch(r"\d{8}", code) and f'"link {code}"' in page.locator("main").inner_text()
    with dashboard_site.app.extensions["hotline"].db.transaction() as session:
        assert redeem_link_code(session, code, "U-browser", utcnow()).id == "CRI-5709-2"

    page.get_by_role("link", name="Access log").click()
    page.wait_for_url(re.compile(r"/dashboard/access-log$"))
    assert "Issued a LINE link code" in page.locator("table.access-log").inner_text()
    screenshot(page, "dashboard-access-log")
    assert violations == []
    context.close()
