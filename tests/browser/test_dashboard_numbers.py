"""The numbers page in Debian's chromium: Chart.js draws under the strict CSP (no violation),
a small count is drawn as "<5" with no bar, and the CSV export downloads with "<5" in it."""
from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.dashboard import set_clock
from tests.support.dashboard_site import screenshot
from tests.support.numbers_cases import add_case

pytestmark = pytest.mark.browser

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
NOV = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)

# Painted (non-transparent) pixels of a canvas: a chart drew something.
PAINTED = """(id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { painted += 1; } }
  return painted;
}"""


def test_the_charts_draw_under_the_csp_and_the_csv_downloads_with_small_counts_hidden(browser, dashboard_site):
    db = dashboard_site.app.extensions["hotline"].db
    set_clock(dashboard_site.app, lambda: NOW)
    # 5 high, 2 urgent out of 7 received: the urgent bar is "<5", and the high one "x" too (7 - 5 would tell)
    for n in range(7):
        add_case(db, "CRI-5709", NOV, urgency="urgent" if n < 2 else "high", closed_after=24 * (n + 1))
    context = dashboard_site.signed_in_context(browser, "CRI-5709-1", language="en", accept_downloads=True,
                                               viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text)        # the browser's own favicon request aside
            if (message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"))
            or "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(dashboard_site.url + "/dashboard/numbers")
    assert page.locator("h1").inner_text() == "Numbers"
    page.wait_for_function("window.numbersCharts && window.numbersCharts.received !== null")

    for canvas in ("chart-received", "chart-outcomes", "chart-times"):
        assert page.evaluate(PAINTED, canvas) > 500, canvas
    months = page.evaluate("JSON.parse(document.getElementById('numbers-data').textContent).months")
    november = months.index("2026-11")
    assert page.evaluate(f"window.numbersCharts.received.data.labels[{november}]") == "November 2026"
    drawn = page.evaluate("""(i) => window.numbersCharts.received.data.datasets.map(
        (set) => [set.label, set.data[i], set.suppressed[i]])""", november)
    assert ["Urgent", None, "<5"] in drawn and ["High", None, "x"] in drawn
    screenshot(page, "dashboard-numbers")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = {(r[0], r[1]): r[2:] for r in csv.reader(io.StringIO(saved))}
    assert rows["urgency", "Urgent"][-1] == "<5" and rows["urgency", "High"][-1] == "x"
    assert problems == []
    context.close()
