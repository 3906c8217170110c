"""Playwright driving Debian's chromium (never a downloaded browser)."""
from __future__ import annotations

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (make test installs it where it can)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                  "--no-first-run", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 420, "height": 860})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def dashboard_site(app):
    """The app's dashboard on a local port (tests/support/dashboard_site.py), example directory loaded."""
    from tests.support.dashboard_site import DashboardSite
    site = DashboardSite(app)
    yield site
    site.close()
