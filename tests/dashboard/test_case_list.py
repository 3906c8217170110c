"""The case list: filters from the query string, counts per state as links, overdue marked in
words, 50 a page, and the CSV/XLSX export of the filtered list (no personal data, logged)."""
from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import event

from storage import access_log
from tests.support.dashboard import example_at, sign_in
from tests.support.dashboard_cases import ANSWERS, START, make_case, make_cases

OFFICER = "CRI-5709-1"
NOW = START + timedelta(days=3)
ROW = re.compile(r'data-reference="([^"]+)"')


@pytest.fixture
def db(app):
    return example_at(app, NOW)


@pytest.fixture
def client(app, db):
    client = app.test_client()
    sign_in(app, client, OFFICER, language="en", now=NOW)
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_the_front_page_is_the_case_list(client):
    response = client.get("/dashboard/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/dashboard/cases")


def test_the_list_shows_the_committees_cases_with_counts_per_state(client, db):
    with db.transaction() as session:
        new = make_case(session, "CRI-5709", created_at=START).reference
        taken = make_case(session, "CRI-5709", created_at=START + timedelta(hours=1), status="taken").reference
        make_case(session, "CRI-5708", created_at=START)                       # another district
    page = _page(client, "/dashboard/cases")
    assert ROW.findall(page) == [taken, new]
    assert "2 cases, 0 overdue" in page
    counts = re.search(r'data-state="new"[^>]*>([^<]+)<span class="count">(\d+)', page)
    assert counts.group(2) == "1"
    filtered = _page(client, "/dashboard/cases?state=taken")
    assert ROW.findall(filtered) == [taken]
    assert 'href="/dashboard/cases?state=new"' in page


def test_overdue_rows_are_marked_in_words_not_colour_alone(client, db):
    with db.transaction() as session:
        late = make_case(session, "CRI-5709", escalate_at=NOW - timedelta(minutes=5)).reference
        make_case(session, "CRI-5709", escalate_at=NOW + timedelta(hours=5))
    page = _page(client, "/dashboard/cases")
    row = re.search(rf'<tr class="([^"]*)" data-reference="{late}">(.*?)</tr>', page, re.S)
    assert "overdue" in row.group(1).split() and "Overdue" in row.group(2)
    assert page.count("overdue-mark") == 1 and "2 cases, 1 overdue" in page


def test_fifty_a_page_with_links_between_pages(client, db):
    references = make_cases(db, {"CRI-5709": 55})
    first = _page(client, "/dashboard/cases")
    assert len(ROW.findall(first)) == 50 and "Page 1 of 2" in first and 'rel="next"' in first
    second = _page(client, "/dashboard/cases?page=2")
    assert ROW.findall(second) == list(reversed(references[:5])) and 'rel="prev"' in second
    beyond = client.get("/dashboard/cases?page=9")
    assert beyond.status_code == 303 and beyond.headers["Location"].endswith("page=2")


def test_unknown_filter_values_are_dropped_politely(client, db):
    make_cases(db, {"CRI-5709": 1})
    page = _page(client, "/dashboard/cases?state=lost&urgency=whenever&committee=CRI-5708&from=yesterday"
                         "&ref=%3Cscript%3E&sort=random&page=-1")
    for words in ("unknown state", "unknown urgency", "outside your area", "could not be read",
                  "only letters, digits", "newest first", "first page"):
        assert words in page
    assert len(ROW.findall(page)) == 1 and "<script>" not in page.replace("&lt;script&gt;", "")


def test_search_by_reference_with_or_without_the_dash(client, db):
    with db.transaction() as session:
        wanted = make_case(session, "CRI-5709").reference
        make_case(session, "CRI-5709")
    assert ROW.findall(_page(client, f"/dashboard/cases?ref={wanted.replace('-', '').lower()}")) == [wanted]


def test_export_is_the_filtered_list_without_personal_data_and_is_logged(client, db):
    with db.transaction() as session:
        urgent = make_case(session, "CRI-5709", urgency="urgent", answers={**ANSWERS, "contact_phone": "0812345678"})
        make_case(session, "CRI-5709", urgency="standard")
        make_case(session, "CRI-5708", urgency="urgent")
    response = client.get("/dashboard/cases/export.csv?urgency=urgent")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Reference", "Received (Bangkok time)", "Committee", "Reported by", "Sector", "Urgency", "State",
                       "Outcome", "Overdue"]
    assert rows[1:] == [[urgent.reference, "2026-12-01 10:00", "Mae Sai district anti-trafficking committee (DL-ATIP) "
                         "(example)", "Self-report", "fishing", "Urgent", "Waiting for acknowledgement", "", "no"]]
    assert "0812345678" not in text and ANSWERS["description"] not in text
    xlsx = client.get("/dashboard/cases/export.xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx.get_data())) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == 3                        # header + the district's two cases
    assert client.get("/dashboard/cases/export.pdf").status_code == 404
    with db.transaction() as session:
        entries = access_log.recent(session, officer_id=OFFICER)
        exported = [(e.action, e.detail) for e in entries if e.action == "cases_exported"]
    assert exported == [("cases_exported", {"format": "xlsx", "rows": 2, "filters": {}}),
                        ("cases_exported", {"format": "csv", "rows": 1, "filters": {"urgency": ["urgent"]}})]


def test_a_page_costs_the_same_queries_for_three_cases_or_fifty(app, client, db):
    statements = []

    def count(*args):
        statements.append(args[2])

    def queries_for(url):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    make_cases(db, {"CRI-5709": 3})
    few = queries_for("/dashboard/cases"), queries_for("/dashboard/cases/export.csv")
    make_cases(db, {"CRI-5709": 57, "CRI-5708": 5})
    assert (queries_for("/dashboard/cases"), queries_for("/dashboard/cases/export.csv")) == few
