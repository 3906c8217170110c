"""A committee's numbers from hand-made case facts (cases/stats.py, no database; how the facts are
read from a stored trail is tests/storage/test_case_stats.py's)."""
from __future__ import annotations

import random
from datetime import UTC, datetime

from cases.stats import (
    HIDDEN,
    SUPPRESSED,
    CaseFacts,
    Durations,
    Move,
    chart_series,
    combine,
    compute,
    count_text,
    csv_rows,
    hidden_cells,
    hours_minutes,
    month_after,
    month_before,
    month_of,
    month_start,
    months_between,
    shown_cell,
    shown_count,
    shown_hours,
    table_text,
)

T0 = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)          # 09:00 in Bangkok, November


class Trails:
    """Cases' facts, as storage/case_stats.py reads them (times in minutes from the start)."""

    def __init__(self):
        self.cases = []

    def case(self, committee="CRI-5709", at=T0, kind="self", urgency="high", sector="fishing", indicators=(),
             outcome=None, acknowledged=None, taken=None, closed=None, ending=None, escalated=False, moves=()):
        def seconds(minutes):
            return None if minutes is None else minutes * 60.0
        case = CaseFacts(id=len(self.cases) + 1, committee_id=committee, kind=kind, urgency=urgency, sector=sector,
                         start=at.timestamp(), indicators=tuple(indicators), outcome=outcome,
                         acknowledged=seconds(acknowledged), taken=seconds(taken), closed=seconds(closed),
                         ending=ending, escalated=escalated, moves=tuple(moves))
        self.cases.append(case)
        return case

    def compute(self, **kwargs):
        return {(r.committee_id, r.month): r for r in compute(self.cases, **kwargs)}


def test_cases_received_are_counted_by_committee_and_bangkok_month_with_their_kind_urgency_and_sector():
    t = Trails()
    t.case()
    t.case(kind="tip", urgency="urgent", sector=None)
    t.case(at=datetime(2026, 11, 30, 18, 0, tzinfo=UTC))            # 01:00 on 1 December in Bangkok
    t.case(committee="CRI-5711", at=datetime(2026, 11, 30, 16, 59, tzinfo=UTC))   # 23:59 on 30 November
    rows = t.compute()
    assert sorted(rows) == [("CRI-5709", "2026-11"), ("CRI-5709", "2026-12"), ("CRI-5711", "2026-11")]
    november = rows["CRI-5709", "2026-11"]
    assert november.received == 2 and november.open == 2
    assert november.by_kind == {"self": 1, "tip": 1}
    assert november.by_urgency == {"high": 1, "urgent": 1}
    assert november.by_sector == {"fishing": 1, "unknown": 1}
    assert rows["CRI-5709", "2026-12"].received == 1 and rows["CRI-5711", "2026-11"].received == 1
    assert month_of(datetime(2026, 11, 30, 17, 0)) == "2026-12"     # naive (SQLite) = UTC
    assert month_of(datetime(2026, 11, 30, 16, 59, tzinfo=UTC).timestamp()) == "2026-11"


def test_the_three_times_are_from_the_start_to_the_first_step_with_median_and_90th_percentile():
    t = Trails()
    for n in range(10):                                  # acknowledged after 10, 20 ... 100 minutes
        t.case(acknowledged=10 * (n + 1), taken=60 * (n + 1), closed=600 * (n + 1), ending="closed",
               outcome="not_a_case")
    row = t.compute()["CRI-5709", "2026-11"]
    acknowledge, take, close = (row.durations(name) for name in ("to_acknowledge", "to_take", "to_close"))
    assert acknowledge.count == 10 and acknowledge.median == 55 * 60 and acknowledge.p90 == 90 * 60
    assert take.median == 5.5 * 3600 and take.p90 == 9 * 3600
    assert close.median == 55 * 3600 and close.p90 == 90 * 3600
    assert row.closed == 10 and row.outcomes == {"not_a_case": 10} and row.open == 0
    assert Durations((5.0,)).p90 == 5.0 and Durations().median is None


def test_a_case_taken_without_acknowledgement_was_acknowledged_when_taken():
    t = Trails()
    t.case(taken=7)
    row = t.compute()["CRI-5709", "2026-11"]
    assert row.to_acknowledge == [420.0] and row.to_take == [420.0] and row.to_close == []


def test_the_last_ending_decides_the_state_and_a_reopened_case_keeps_its_first_close_time():
    t = Trails()
    t.case(closed=60, ending="closed", outcome="assisted_otherwise")     # closed, reopened, closed again
    t.case(closed=30, ending="reopened", outcome="duplicate")            # its column keeps the old outcome
    t.case(ending="cancelled")
    row = t.compute()["CRI-5709", "2026-11"]
    assert row.to_close == [3600.0, 1800.0]
    assert row.outcomes == {"assisted_otherwise": 1} and row.closed == 1
    assert row.open == 1 and row.cancelled == 1


def test_a_moved_case_counts_for_the_committee_that_closed_it_and_as_moved_for_the_first():
    t = Trails()
    t.case(committee="CRI-5709", acknowledged=10, taken=30, closed=90, ending="closed", outcome="labour_referred",
           moves=[Move("CRI-5709", {"to_committee": "CRI-5711", "reason": "wrong district"})])
    t.case(committee="CRI-5709", moves=[Move("CRI-57")], escalated=True)   # the destination as the event's committee
    t.case(committee="CRI-5709")
    t.case(committee="CRI-5709", moves=[Move("CRI-5709")])                 # names no other committee: no move
    rows = t.compute()
    first, second, province = rows["CRI-5709", "2026-11"], rows["CRI-5711", "2026-11"], rows["CRI-57", "2026-11"]
    assert (first.received, first.moved_out, first.open, first.closed) == (4, 2, 2, 0)
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
        t.case(kind="tip" if n == 0 else "self", acknowledged=30 + n,
               **({"closed": 95, "ending": "closed", "outcome": "not_a_case"} if n < 2 else {}))
    rows = compute(t.cases)
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


def test_a_closed_cases_outcome_is_its_column_or_unknown():
    t = Trails()
    t.case(outcome="not_a_case", closed=60, ending="closed")
    t.case(closed=60, ending="closed")
    t.case(outcome="duplicate", closed=60, ending="cancelled")     # not closed at the end: no outcome counted
    assert t.compute()["CRI-5709", "2026-11"].outcomes == {"not_a_case": 1, "unknown": 1}


def test_only_the_committees_of_a_scope_are_kept_though_a_case_moved_in_from_outside_counts():
    t = Trails()
    t.case(committee="CRI-5711", moves=[Move("CRI-5709")], closed=60, ending="closed", outcome="nrm_referred")
    t.case(committee="CRI-5708")
    rows = t.compute(committees=("CRI-5709",))
    assert list(rows) == [("CRI-5709", "2026-11")]
    mine = rows["CRI-5709", "2026-11"]
    assert (mine.received, mine.moved_in, mine.closed) == (0, 1, 1)


def test_a_total_adds_counts_and_pools_times_rather_than_averaging_medians():
    t = Trails()
    for hours in (1, 2, 3):
        t.case(taken=60 * hours)
    for hours in (10, 20):
        t.case(committee="CRI-5708", indicators=("ilo.isolation",), taken=60 * hours)
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
    series = chart_series([0, SUPPRESSED, 7, None, 1.5, HIDDEN])
    assert series == {"data": [0, None, 7, None, 1.5, None], "suppressed": [False, "<5", False, False, False, "x"]}


def test_month_ranges_are_listed_and_counted_back_across_years():
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-03", "2026-02") == []
    assert month_before("2026-12", 11) == "2026-01" and month_before("2026-01") == "2025-12"
    assert month_before("2026-03", 27) == "2023-12"


def _lines_of(grid):
    """A table with its totals: each row with its last cell, each column with its last row."""
    rows, columns = len(grid), len(grid[0])
    return [[(i, j) for j in range(columns)] for i in range(rows)] + [[(i, j) for i in range(rows)]
                                                                       for j in range(columns)]


def test_a_small_count_a_total_would_give_away_hides_the_next_smallest_number_of_its_line_too():
    grid = [[6, 3, 9],                                 # 9 - 6 = 3: the 6 must go too
            [7, 8, 15],
            [13, 11, 24]]
    counts = {(i, j): value for i, row in enumerate(grid) for j, value in enumerate(row)}
    hidden = hidden_cells(counts, _lines_of(grid))
    assert (0, 1) in hidden and (0, 0) in hidden       # the "<5" and the smallest other of its row
    assert (1, 1) in hidden and (1, 0) in hidden       # its column (3 + 8 = 11) and then that row's
    assert [shown_cell(counts[0, j], hidden, (0, j)) for j in range(3)] == [HIDDEN, SUPPRESSED, 9]
    assert hidden_cells(counts, _lines_of(grid), exact=True) == set()
    alone = {(0, 0): 0, (0, 1): 3, (0, 2): 3}          # the total is small too: two hidden already
    assert hidden_cells(alone, [[(0, 0), (0, 1), (0, 2)]]) == {(0, 1), (0, 2)}


def test_after_hiding_no_line_has_exactly_one_hidden_cell():
    chance = random.Random(14)
    for _ in range(200):
        inner = [[chance.choice((0, 0, 1, 2, 4, 5, 6, 9, 30)) for _j in range(4)] for _i in range(3)]
        grid = [[*row, sum(row)] for row in inner]
        grid.append([sum(column) for column in zip(*grid, strict=True)])
        counts = {(i, j): value for i, row in enumerate(grid) for j, value in enumerate(row)}
        lines = _lines_of(grid)
        hidden = hidden_cells(counts, lines)
        assert {cell for cell, value in counts.items() if 0 < value < 5} <= hidden
        assert all(sum(cell in hidden for cell in line) != 1 for line in lines), grid
        assert all(counts[cell] > 0 for cell in hidden)                     # a 0 is never hidden
