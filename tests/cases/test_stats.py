"""A committee's numbers from hand-made audit trails (cases/stats.py, no database)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cases.stats import (
    SUPPRESSED,
    CaseRow,
    Durations,
    EventRow,
    chart_series,
    combine,
    compute,
    count_text,
    csv_rows,
    hours_minutes,
    month_after,
    month_before,
    month_start,
    months_between,
    shown_count,
    shown_hours,
    table_text,
)

T0 = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)          # 09:00 in Bangkok, November


class Trails:
    """Cases and their events, built the way casework records them."""

    def __init__(self):
        self.cases, self.events = [], []

    def case(self, committee="CRI-5709", at=T0, kind="self", urgency="high", sector="fishing", created=True,
             indicators=(), outcome=None):
        case = CaseRow(id=len(self.cases) + 1, committee_id=committee, kind=kind, urgency=urgency,
                       sector=sector, created_at=at, indicators=tuple(indicators), outcome=outcome)
        self.cases.append(case)
        if created:
            self.event(case, 0, "created", committee)
        return case

    def event(self, case, minutes, kind, committee=None, **detail):
        self.events.append(EventRow(case_id=case.id, at=case.created_at + timedelta(minutes=minutes), kind=kind,
                                    committee_id=committee or case.committee_id, detail=detail,
                                    id=len(self.events) + 1))

    def compute(self, **kwargs):
        return {(r.committee_id, r.month): r for r in compute(self.cases, self.events, **kwargs)}


def test_cases_received_are_counted_by_committee_and_bangkok_month_with_their_kind_urgency_and_sector():
    t = Trails()
    t.case()
    t.case(kind="tip", urgency="urgent", sector=None)
    t.case(at=datetime(2026, 11, 30, 18, 0, tzinfo=UTC))            # 01:00 on 1 December in Bangkok
    t.case(committee="CRI-5711", at=datetime(2026, 11, 30, 16, 59, tzinfo=UTC))   # 23:59 on 30 November
    t.case(at=datetime(2026, 11, 11, 3, 0), created=False)           # naive (SQLite) = UTC; no created event
    rows = t.compute()
    assert sorted(rows) == [("CRI-5709", "2026-11"), ("CRI-5709", "2026-12"), ("CRI-5711", "2026-11")]
    november = rows["CRI-5709", "2026-11"]
    assert november.received == 3 and november.open == 3
    assert november.by_kind == {"self": 2, "tip": 1}
    assert november.by_urgency == {"high": 2, "urgent": 1}
    assert november.by_sector == {"fishing": 2, "unknown": 1}
    assert rows["CRI-5709", "2026-12"].received == 1 and rows["CRI-5711", "2026-11"].received == 1


def test_the_three_times_are_from_creation_to_the_first_step_with_median_and_90th_percentile():
    t = Trails()
    for n in range(10):                                  # acknowledged after 10, 20 ... 100 minutes
        case = t.case()
        t.event(case, 10 * (n + 1), "acknowledged")
        t.event(case, 10 * (n + 1) + 5, "acknowledged")  # only the first counts
        t.event(case, 60 * (n + 1), "taken", actor="x")
        t.event(case, 600 * (n + 1), "closed", outcome="not_a_case")
    row = t.compute()["CRI-5709", "2026-11"]
    acknowledge, take, close = (row.durations(name) for name in ("to_acknowledge", "to_take", "to_close"))
    assert acknowledge.count == 10 and acknowledge.median == 55 * 60 and acknowledge.p90 == 90 * 60
    assert take.median == 5.5 * 3600 and take.p90 == 9 * 3600
    assert close.median == 55 * 3600 and close.p90 == 90 * 3600
    assert row.closed == 10 and row.outcomes == {"not_a_case": 10} and row.open == 0
    assert Durations((5.0,)).p90 == 5.0 and Durations().median is None


def test_a_case_taken_without_acknowledgement_was_acknowledged_when_taken():
    t = Trails()
    case = t.case()
    t.event(case, 7, "taken")
    row = t.compute()["CRI-5709", "2026-11"]
    assert row.to_acknowledge == [420.0] and row.to_take == [420.0] and row.to_close == []


def test_a_reopened_case_keeps_its_first_close_time_and_its_last_outcome():
    t = Trails()
    case = t.case()
    t.event(case, 60, "closed", outcome="unreachable")
    t.event(case, 120, "reopened")
    t.event(case, 180, "closed", outcome="assisted_otherwise")
    still_open = t.case()
    t.event(still_open, 30, "closed", outcome="duplicate")
    t.event(still_open, 40, "reopened")
    cancelled = t.case()
    t.event(cancelled, 5, "cancelled")
    row = t.compute()["CRI-5709", "2026-11"]
    assert row.to_close == [3600.0, 1800.0]
    assert row.outcomes == {"assisted_otherwise": 1} and row.closed == 1
    assert row.open == 1 and row.cancelled == 1


def test_a_moved_case_counts_for_the_committee_that_closed_it_and_as_moved_for_the_first():
    t = Trails()
    case = t.case(committee="CRI-5709")
    t.event(case, 10, "acknowledged", committee="CRI-5709")
    t.event(case, 20, "moved", committee="CRI-5709", to_committee="CRI-5711", reason="wrong district")
    t.event(case, 30, "taken", committee="CRI-5711")
    t.event(case, 90, "closed", committee="CRI-5711", outcome="labour_referred")
    by_event = t.case(committee="CRI-5709")          # the destination only as the event's committee
    t.event(by_event, 15, "moved", committee="CRI-57")
    t.event(by_event, 25, "escalated", committee="TH-NATIONAL")   # escalation does not hand the case over
    t.case(committee="CRI-5709")
    rows = t.compute()
    first, second, province = rows["CRI-5709", "2026-11"], rows["CRI-5711", "2026-11"], rows["CRI-57", "2026-11"]
    assert (first.received, first.moved_out, first.open, first.closed) == (3, 2, 1, 0)
    assert first.to_acknowledge == [] and first.outcomes == {}
    assert (second.received, second.moved_in, second.closed) == (0, 1, 1)
    assert second.outcomes == {"labour_referred": 1}
    assert second.to_acknowledge == [600.0] and second.to_take == [1800.0] and second.to_close == [5400.0]
    assert (province.moved_in, province.open, province.escalated) == (1, 1, 1)
    for row in rows.values():   # every case is somewhere, once
        assert row.received + row.moved_in == row.moved_out + row.open + row.cancelled + row.closed


def test_one_committee_and_a_range_of_months():
    t = Trails()
    for month in (9, 10, 11, 12):
        t.case(at=datetime(2026, month, 5, tzinfo=UTC))
        t.case(committee="CRI-5711", at=datetime(2026, month, 5, tzinfo=UTC))
    rows = t.compute(committee_id="CRI-5711", first_month="2026-10", last_month="2026-11")
    assert sorted(rows) == [("CRI-5711", "2026-10"), ("CRI-5711", "2026-11")]
    assert month_start("2026-12") == datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert month_after("2026-12") == "2027-01" and month_after("2026-01") == "2026-02"


def test_small_numbers_leave_the_committee_as_under_five_and_times_as_hours_and_minutes():
    assert hours_minutes(None) == "-" and hours_minutes(0) == "0:00" and hours_minutes(59.6 * 60) == "1:00"
    assert hours_minutes(50 * 3600 + 3 * 60) == "50:03"
    assert [count_text(n, exact=False) for n in (0, 1, 4, 5)] == ["0", "<5", "<5", "5"]
    assert [count_text(n, exact=True) for n in (0, 1, 4, 5)] == ["0", "1", "4", "5"]

    t = Trails()
    for n in range(6):
        case = t.case(kind="tip" if n == 0 else "self")
        t.event(case, 30 + n, "acknowledged")
        if n < 2:
            t.event(case, 95, "closed", outcome="not_a_case")
    rows = compute(t.cases, t.events)
    shared = table_text(rows, exact=False)
    lines = {line.split("  ")[0].strip(): line.split()[-1] for line in shared.splitlines()[1:]}
    assert shared.splitlines()[0].split() == ["CRI-5709", "2026-11"]
    assert lines["received"] == "6" and lines["kind:tip"] == "<5" and lines["kind:self"] == "5"
    assert lines["closed"] == "<5" and lines["outcome:not_a_case"] == "<5" and lines["open"] == "<5"
    assert lines["time to acknowledge median (h:mm)"] == "0:33"
    assert lines["time to close median (h:mm)"] == "<5" and lines["time to take median (h:mm)"] == "-"
    exact = {line.split("  ")[0].strip(): line.split()[-1]
             for line in table_text(rows, exact=True).splitlines()[1:]}
    assert exact["kind:tip"] == "1" and exact["closed"] == "2" and exact["time to close median (h:mm)"] == "1:35"
    assert exact["time to acknowledge p90 (h:mm)"] == "0:35"

    header, line = csv_rows(rows, exact=False)
    assert header[:4] == ["committee", "month", "received", "moved_in"]
    assert dict(zip(header, line))["kind:tip"] == "<5" and line[:3] == ["CRI-5709", "2026-11", "6"]
    assert table_text([], exact=False) == "no cases in that period"


def test_cases_are_counted_once_under_each_of_their_indicators_and_under_none_without_one():
    t = Trails()
    t.case(indicators=("ilo.deception", "ilo.debt_bondage"))
    t.case(indicators=("ilo.deception", "ilo.deception"))          # twice in the list: once in the count
    t.case()
    row = t.compute()["CRI-5709", "2026-11"]
    assert row.by_indicator == {"ilo.deception": 2, "ilo.debt_bondage": 1, "none": 1} and row.received == 3


def test_an_outcome_not_read_from_the_event_comes_from_the_cases_column():
    t = Trails()
    read = t.case(outcome="labour_referred")
    t.event(read, 60, "closed", outcome="nrm_referred")           # the event's detail wins when it was read
    unread = t.case(outcome="not_a_case")
    t.event(unread, 60, "closed")                                 # storage reads no closed detail
    neither = t.case()
    t.event(neither, 60, "closed")
    assert t.compute()["CRI-5709", "2026-11"].outcomes == {"nrm_referred": 1, "not_a_case": 1, "unknown": 1}


def test_only_the_committees_of_a_scope_are_kept_though_a_case_moved_in_from_outside_counts():
    t = Trails()
    outside = t.case(committee="CRI-5711")
    t.event(outside, 5, "moved", "CRI-5709")                      # real moves name the new holder in the column
    t.event(outside, 60, "closed", "CRI-5709", outcome="nrm_referred")
    t.case(committee="CRI-5708")
    rows = t.compute(committees=("CRI-5709",))
    assert list(rows) == [("CRI-5709", "2026-11")]
    mine = rows["CRI-5709", "2026-11"]
    assert (mine.received, mine.moved_in, mine.closed) == (0, 1, 1)


def test_a_total_adds_counts_and_pools_times_rather_than_averaging_medians():
    t = Trails()
    for hours in (1, 2, 3):
        t.event(t.case(), 60 * hours, "taken")
    for hours in (10, 20):
        t.event(t.case(committee="CRI-5708", indicators=("ilo.isolation",)), 60 * hours, "taken")
    rows = t.compute()
    total = combine(rows.values())
    assert (total.committee_id, total.month, total.received, total.open) == ("total", "all", 5, 5)
    assert total.by_urgency == {"high": 5} and total.by_indicator == {"none": 3, "ilo.isolation": 2}
    assert total.durations("to_take").median == 3 * 3600          # the pooled middle, not (2 + 15) / 2
    assert rows["CRI-5709", "2026-11"].received == 3               # the rows themselves are left alone
    assert combine([]).received == 0


def test_small_values_are_hidden_for_tables_and_charts_and_the_chart_never_gets_the_true_value():
    assert [shown_count(n) for n in (0, 1, 4, 5)] == [0, SUPPRESSED, SUPPRESSED, 5]
    assert shown_count(3, exact=True) == 3
    assert shown_hours(Durations(), "median") is None
    assert shown_hours(Durations((3600.0,) * 4), "median") == SUPPRESSED
    assert shown_hours(Durations((3600.0,) * 4), "median", exact=True) == 1.0
    assert shown_hours(Durations((1800.0, 3600.0, 5400.0, 7200.0, 90000.0)), "median") == 1.5
    assert shown_hours(Durations((1800.0, 3600.0, 5400.0, 7200.0, 90000.0)), "p90") == 25.0
    series = chart_series([0, SUPPRESSED, 7, None, 1.5])
    assert series == {"data": [0, None, 7, None, 1.5], "suppressed": [False, True, False, False, False]}


def test_month_ranges_are_listed_and_counted_back_across_years():
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-03", "2026-02") == []
    assert month_before("2026-12", 11) == "2026-01" and month_before("2026-01") == "2025-12"
    assert month_before("2026-03", 27) == "2023-12"
