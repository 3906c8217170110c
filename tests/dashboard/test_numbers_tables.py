"""How the numbers page lays rows out (dashboard/numbers_tables.py): the tables' lines and order,
the words of a category, a total per month and over all months, and the exports' shapes."""
from __future__ import annotations

from collections import Counter

import pytest
from flask import g

from cases.stats import CommitteeMonth
from dashboard import numbers_tables


@pytest.fixture
def english(app):
    with app.test_request_context():
        g.language = "en"
        yield


def _row(committee, month, received, urgency, outcomes=(), to_close=()):
    return CommitteeMonth(committee, month, received=received, by_urgency=Counter(urgency),
                          outcomes=Counter(dict(outcomes)), closed=sum(n for _k, n in outcomes),
                          to_close=list(to_close))


def test_tables_hold_a_line_per_committee_and_category_with_totals_and_small_counts_hidden(english):
    rows = [_row("CRI-5709", "2026-10", 6, {"standard": 5, "urgent": 1}),
            _row("CRI-5709", "2026-11", 2, {"high": 2}, outcomes=[("nrm_referred", 2)], to_close=[3600.0] * 2),
            _row("CRI-5708", "2026-11", 7, {"high": 7}, outcomes=[("made_up", 5)], to_close=[7200.0] * 5)]
    numbers = numbers_tables.build(rows, ["2026-10", "2026-11"], [("CRI-5709", "Mae Sai"), ("CRI-5703", "Mae Chan")])
    tables = {t.key: t for t in numbers.tables}
    # Mae Sai's 2 would be 8 - 6, or 9 - 7: every line holding it hides a second number ("x"), and so on
    assert tables["committees"].rows == [("Mae Sai", ["x", "<5", "x"]), ("Mae Chan", [0, 0, 0]),
                                         ("CRI-5708", [0, "x", "x"]), ("Total", ["x", "x", "x"])]
    assert dict(tables["cases"].rows)["Received"] == ["x", "x", "x"]     # the same numbers as the total line
    assert tables["urgency"].keys == ("urgent", "high", "standard")          # most urgent first, not by size
    assert tables["urgency"].rows[0] == ("Urgent", ["<5", 0, "<5"])
    assert [label for label, _values in tables["outcome"].rows] == ["made_up", "NRM referral"]   # no words: its id
    times = dict(tables["times"].rows)
    assert times["To close, median"] == [None, 2.0, 2.0] and times["To take, median"] == [None, None, None]
    assert numbers.charts["received"][0]["data"] == [None, 0] and numbers.charts["received"][0]["suppressed"][0]
    assert numbers.charts["outcomes"]["data"] == [None, None]               # 5 + "<5" = 7 closed: both hidden
    assert numbers.charts["outcomes"]["suppressed"] == ["x", "<5"]


def test_exports_carry_the_same_values_one_sheet_per_table_or_one_csv_with_the_tables_key(english):
    numbers = numbers_tables.build([_row("CRI-5709", "2026-11", 3, {"high": 3})], ["2026-11"],
                                   [("CRI-5709", "Mae Sai")])
    header, lines = numbers_tables.export_rows(numbers, "All")
    assert header == ["table", "row", "2026-11", "All"]
    assert ["committees", "Mae Sai", "<5", "<5"] in lines and ["urgency", "High", "<5", "<5"] in lines
    sheets = numbers_tables.export_sheets(numbers, "All")
    assert list(sheets) == [t.key for t in numbers.tables]
    assert sheets["committees"] == (["Committee", "2026-11", "All"], [["Mae Sai", "<5", "<5"], ["Total", "<5", "<5"]])


def test_an_indicator_is_named_by_its_framework_and_name_as_on_a_case(english):
    assert numbers_tables.value_label("by_indicator", "ilo:debt_bondage") == "{}: {}".format(
        *(numbers_tables._(i) for i in ("officer.framework.ilo", "officer.indicator.ilo.debt_bondage")))
    label = numbers_tables.value_label("by_indicator", "palermo.act:harbouring")
    assert ":harbouring" not in label and label.startswith(numbers_tables._("officer.framework.palermo.act"))
