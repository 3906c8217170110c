"""The numbers page and its exports: scope (a district sees its committee, a province its
districts), "<5" on the page, in the chart data and in CSV/XLSX, the month range, the access log."""
from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from storage.models import AccessLogEntry
from tests.support.committees import load_example
from tests.support.dashboard import set_clock, sign_in
from tests.support.numbers_cases import add_case

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
NOV = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
MAE_SAI, CHIANG_SAEN = "Mae Sai district", "Chiang Saen district"


@pytest.fixture
def client(app):
    db = app.extensions["hotline"].db
    load_example(db)
    set_clock(app, lambda: NOW)
    for n in range(6):                                  # Mae Sai: 6 in November, 5 closed, 2 urgent
        add_case(db, "CRI-5709", NOV, urgency="urgent" if n < 2 else "high",
                 closed_after=10 * (n + 1) if n else None)
    for _n in range(3):                                 # Chiang Saen: 3 in November
        add_case(db, "CRI-5708", NOV, urgency="standard")
    add_case(db, "CRI-5709", at=datetime(2025, 1, 15, 3, 0, tzinfo=UTC))      # outside the last 12 months
    return app.test_client()


def table(page: str, key: str) -> dict[str, list[str]]:
    """A table of the page: its row label → its cells' texts."""
    found = re.search(rf'<table class="numbers" data-table="{key}">(.*?)</table>', page, re.S)
    assert found, key
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", found.group(1), re.S)[1:]:
        label = html.unescape(re.sub(r"<[^>]+>", "", re.search(r"<th[^>]*>(.*?)</th>", row, re.S).group(1))).strip()
        rows[label] = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                                              row, re.S)]
    return rows


def read_xlsx(data: bytes) -> dict[str, list[list]]:
    """The workbook's sheets in order: rows of values (numbers as numbers, shared strings as text)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        strings = [si.findtext("m:t", namespaces=ns) for si in
                   ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", ns)]
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        names = [sheet.get("name") for sheet in workbook.iter(f"{{{ns['m']}}}sheet")]
        sheets = {}
        for index, name in enumerate(names, start=1):
            root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{index}.xml"))
            sheets[name] = [[strings[int(c.findtext("m:v", namespaces=ns))] if c.get("t") == "s"
                             else float(c.findtext("m:v", namespaces=ns)) for c in row.findall("m:c", ns)]
                            for row in root.iter(f"{{{ns['m']}}}row")]
    return sheets


def chart_data(page: str) -> dict:
    return json.loads(html.unescape(re.search(r'id="numbers-data">(.*?)</script>', page, re.S).group(1)))


def test_a_district_officer_sees_only_their_committee_with_small_counts_hidden(app, client):
    sign_in(app, client, "CRI-5709-1", language="en")
    response = client.get("/dashboard/numbers")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Numbers" in page
    committees = table(page, "committees")
    assert [label for label in committees][:1] == [next(k for k in committees if k.startswith(MAE_SAI))]
    assert not any(k.startswith(CHIANG_SAEN) for k in committees)
    assert len(committees[next(k for k in committees if k.startswith(MAE_SAI))]) == 13   # 12 months + all
    mae_sai = committees[next(k for k in committees if k.startswith(MAE_SAI))]
    assert mae_sai[-3:] == ["6", "0", "6"]                   # November, December, all (January 2025 left out)
    assert committees["Total"][-1] == "6"
    urgency = table(page, "urgency")
    assert urgency["Urgent"][-1] == "<5" and urgency["High"][-1] == "<5"
    cases = table(page, "cases")
    assert cases["Received"][-1] == "6" and cases["Still open"][-1] == "<5"
    assert cases["Closed"][-1] == "x"           # 6 received - 5 closed would give the 1 open away
    times = table(page, "times")
    assert times["To close, median"][-1] == "40.0" and times["To close, 90th percentile"][-1] == "60.0"
    assert times["To take, median"][-1] == "1.0" and times["To acknowledge, median"][-1] == "1.0"
    assert table(page, "indicator")[next(iter(table(page, "indicator")))][-1] == "6"


def test_the_chart_data_never_holds_a_suppressed_value(app, client):
    sign_in(app, client, "CRI-5709-1", language="en")
    charts = chart_data(client.get("/dashboard/numbers").get_data(as_text=True))
    assert len(charts["months"]) == 12 and charts["months"][-1] == "2026-12"
    by_key = {s["key"]: s for s in charts["received"]}
    november = charts["months"].index("2026-11")
    assert by_key["urgent"]["data"][november] is None and by_key["urgent"]["suppressed"][november] == "<5"
    assert by_key["high"]["data"][november] is None               # 4 high: "<5" too, no true height
    assert charts["outcomes"]["data"] == [None] and charts["outcomes"]["suppressed"] == ["x"]   # 5 = closed, hidden
    assert "4" not in json.dumps(by_key["high"]["data"])


def test_a_provincial_officer_sees_each_of_their_districts_and_a_total(app, client):
    sign_in(app, client, "CRI-57-1", language="en")
    committees = table(client.get("/dashboard/numbers").get_data(as_text=True), "committees")
    assert next(v for k, v in committees.items() if k.startswith(CHIANG_SAEN))[-1] == "<5"
    assert committees["Total"][-1] == "9"
    # 9 - 6 would give Chiang Saen's 3 away: Mae Sai's 6 is hidden too, as "x"
    assert next(v for k, v in committees.items() if k.startswith(MAE_SAI))[-1] == "x"
    assert next(v for k, v in committees.items() if k.startswith("Chiang Khong"))[-1] == "0"   # quiet, still shown


def test_the_month_range_is_chosen_and_a_bad_one_falls_back_to_the_last_12_months(app, client):
    sign_in(app, client, "CRI-5709-1", language="en")
    page = client.get("/dashboard/numbers?from=2025-01&to=2025-02").get_data(as_text=True)
    mae_sai = next(v for k, v in table(page, "committees").items() if k.startswith(MAE_SAI))
    assert mae_sai == ["<5", "0", "<5"] and "role=\"alert\"" not in page
    for query, words in (("from=2026-13&to=2026-12", "YYYY-MM"), ("from=2026-12&to=2026-01", "after the last"),
                         ("from=2020-01&to=2026-12", "at most 36 months")):
        page = client.get(f"/dashboard/numbers?{query}").get_data(as_text=True)
        assert words in html.unescape(page) and len(chart_data(page)["months"]) == 12
    assert client.get("/dashboard/numbers/export.csv?from=2026-12&to=2026-01").status_code == 400


def test_the_csv_export_has_every_table_with_small_counts_hidden_and_is_logged(app, client):
    sign_in(app, client, "CRI-5709-1", language="en")
    response = client.get("/dashboard/numbers/export.csv?from=2026-10&to=2026-12")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="numbers-CRI-5709-2026-10-2026-12.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["table", "row", "2026-10", "2026-11", "2026-12", "All months"]
    by_label = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert by_label["urgency", "Urgent"] == ["0", "<5", "0", "<5"]
    assert by_label["cases", "Received"] == ["0", "6", "0", "6"]
    assert not any(r[1].startswith(CHIANG_SAEN) for r in rows)
    with app.extensions["hotline"].db.sessions() as session:
        entry = session.scalars(select(AccessLogEntry)).one()
        assert (entry.officer_id, entry.action, entry.case_id) == ("CRI-5709-1", "numbers_exported", None)
        assert entry.detail == {"format": "csv", "months": "2026-10..2026-12", "rows": len(rows) - 1}


def test_the_xlsx_export_has_one_sheet_per_table_scoped_and_hidden_alike(app, client):
    sign_in(app, client, "CRI-57-1", language="th")
    response = client.get("/dashboard/numbers/export.xlsx?from=2026-11&to=2026-11")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = read_xlsx(response.data)
    assert list(book) == ["committees", "cases", "urgency", "kind", "sector", "indicator", "outcome", "times"]
    committees = book["committees"]
    assert committees[0] == ["คณะกรรมการ", "2026-11", "ทุกเดือน"]
    values = {r[0]: r[1:] for r in committees[1:]}
    assert values["รวม"] == [9, 9]
    assert [v for k, v in values.items() if "เชียงแสน" in k] == [["<5", "<5"]]
    assert [v for k, v in values.items() if "แม่สาย" in k] == [["x", "x"]]          # else 9 - 6 = 3
    assert {r[0]: r[1:] for r in book["times"][1:]}["ถึงการปิดเรื่อง (ค่ามัธยฐาน)"] == [40.0, 40.0]
    with app.extensions["hotline"].db.sessions() as session:
        assert session.scalars(select(AccessLogEntry.detail)).one()["format"] == "xlsx"


def test_signed_out_visitors_and_unknown_formats_get_nothing(app, client):
    assert client.get("/dashboard/numbers").status_code == 303
    assert client.get("/dashboard/numbers/export.csv").status_code == 303
    sign_in(app, client, "CRI-5709-1")
    assert client.get("/dashboard/numbers/export.pdf").status_code == 404


def test_national_sees_committees_with_cases_and_those_right_under_it_not_every_quiet_district(app, client):
    sign_in(app, client, "TH-NATIONAL-1", language="en")
    labels = list(table(client.get("/dashboard/numbers").get_data(as_text=True), "committees"))
    assert any(k.startswith(MAE_SAI) for k in labels) and any(k.startswith(CHIANG_SAEN) for k in labels)
    assert any(k.startswith("Chiang Rai provincial") for k in labels)          # right under national
    assert any(k.startswith("National anti-trafficking") for k in labels)      # their own
    assert not any(k.startswith("Chiang Khong") for k in labels)               # a district with no case
    assert labels[-1] == "Total"


def test_numbers_are_kept_a_minute_per_scope_and_the_page_says_when_they_were_counted(app, client):
    sign_in(app, client, "CRI-5709-1", language="en")
    page = client.get("/dashboard/numbers").get_data(as_text=True)
    assert "Counted at 10:00 (Thailand time)" in page                   # 03:00 UTC
    add_case(app.extensions["hotline"].db, "CRI-5709", NOV)
    again = client.get("/dashboard/numbers").get_data(as_text=True)
    assert table(again, "cases")["Received"][-1] == "6"                  # counted less than a minute ago
    assert table(client.get("/dashboard/numbers?from=2026-11&to=2026-12").get_data(as_text=True),
                 "cases")["Received"][-1] == "7"                         # another range: counted now
    set_clock(app, lambda: NOW + timedelta(seconds=61))
    later = client.get("/dashboard/numbers").get_data(as_text=True)
    assert table(later, "cases")["Received"][-1] == "7" and "Counted at 10:01" in later
