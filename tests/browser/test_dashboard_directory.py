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


def test_an_administrator_deactivates_after_confirming_and_checks_a_file(browser, dashboard_site, tmp_path):
    context = dashboard_site.signed_in_context(browser, "TH-NATIONAL-1", language="th",
                                               viewport={"width": 390, "height": 800})
    page = context.new_page()
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(dashboard_site.url + "/dashboard/directory?committee=CRI-57")
    page.locator("#officer-CRI-5709-2").get_by_role("link", name="ระงับการใช้งาน").click()
    page.get_by_role("button", name="ยืนยันระงับการใช้งาน").click()
    page.wait_for_url(re.compile(r"/dashboard/directory#committee-CRI-5709$"))
    assert "ระงับการใช้งาน CRI-5709-2 แล้ว" in page.locator("p.notice").inner_text()
    assert "ระงับการใช้งาน" in page.locator("#officer-CRI-5709-2").inner_text()

    from tests.support.committees import EXAMPLE
    edited = tmp_path / "committees.yaml"
    edited.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Example duty officer 1 (Thoeng)", "Renamed"),
                      encoding="utf-8")
    page.set_input_files("#directory-file", str(edited))
    page.get_by_role("button", name="ตรวจสอบเท่านั้น").click()
    page.wait_for_url(re.compile(r"/dashboard/directory/upload$"))
    report = page.locator("main").inner_text()
    assert "ยังไม่มีการบันทึกใด ๆ" in report and "CRI-5704-1" in report and "CRI-5709-2" in report
    screenshot(page, "dashboard-directory-upload")
    assert violations == []
    context.close()
