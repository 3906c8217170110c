"""The case list's query string: known values kept in the table's order, unknown ones dropped and named."""
from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from dashboard.case_filters import UNKNOWN, parse, query
from storage.dashboard_cases import CaseFilters

COMMITTEES = ("CRI-5709", "CRI-5708")


def test_known_values_are_kept_and_written_back_the_same():
    args = MultiDict([("state", "taken"), ("state", "new"), ("urgency", "urgent"), ("committee", "CRI-5708"),
                      ("kind", "tip"), ("sector", "fishing"), ("from", "2026-12-01"), ("to", "2026-12-05"),
                      ("ref", "abc-2"), ("sort", "urgency"), ("page", "3")])
    filters, dropped = parse(args, COMMITTEES)
    assert dropped == []
    assert filters == CaseFilters(states=("new", "taken"), urgencies=("urgent",), committee_id="CRI-5708", kind="tip",
                                  sector="fishing", date_from=date(2026, 12, 1), date_to=date(2026, 12, 5),
                                  reference="ABC-2", sort="urgency", page=3)
    assert parse(MultiDict(query(filters)), COMMITTEES)[0] == filters
    assert query(CaseFilters()) == {}


def test_unknown_values_are_dropped_and_each_named_once():
    args = MultiDict([("state", "lost"), ("state", "gone"), ("committee", "BKK-10"), ("from", "1/12/2026"),
                      ("to", "2026-13-01"), ("ref", "a%b"), ("page", "0"), ("sort", "size")])
    filters, dropped = parse(args, COMMITTEES)
    assert filters == CaseFilters()
    assert sorted(dropped) == sorted({UNKNOWN["state"], UNKNOWN["from"], UNKNOWN["ref"], UNKNOWN["page"],
                                      UNKNOWN["committee"], UNKNOWN["sort"]})     # the two dates: one message


def test_dates_given_the_wrong_way_round_are_swapped():
    filters, _ = parse(MultiDict({"from": "2026-12-05", "to": "2026-12-01"}), COMMITTEES)
    assert (filters.date_from, filters.date_to) == (date(2026, 12, 1), date(2026, 12, 5))
