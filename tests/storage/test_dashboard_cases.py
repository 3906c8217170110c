"""The dashboard's case list queries: filters, sort, paging, counts, overdue, and the scope rule."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event

from storage import case_scope
from storage.dashboard_cases import (
    CaseFilters,
    count_cases,
    count_overdue,
    counts_by_state,
    is_overdue,
    iter_cases,
    list_cases,
    summary,
)
from storage.models import Officer
from tests.support.dashboard_cases import START, make_case, make_cases

NOW = START + timedelta(days=2)


def _scope(session, officer_id):
    return case_scope.scope_of(session, session.get(Officer, officer_id))


def _refs(rows):
    return [r.reference for r in rows]


def test_a_district_sees_only_its_cases_and_a_province_both_districts(loaded):
    mae_sai = make_cases(loaded, {"CRI-5709": 3})
    chiang_saen = make_cases(loaded, {"CRI-5708": 2})
    with loaded.transaction() as session:
        district = _scope(session, "CRI-5709-1")
        listed = _refs(list_cases(session, district, CaseFilters(), NOW, limit=50))
        assert sorted(listed) == sorted(mae_sai) and count_cases(session, district, CaseFilters()) == 3
        province = _scope(session, "CRI-57-1")
        listed = _refs(list_cases(session, province, CaseFilters(), NOW, limit=50))
        assert sorted(listed) == sorted(mae_sai + chiang_saen)
        national = _scope(session, "TH-NATIONAL-1")
        assert count_cases(session, national, CaseFilters()) == 5
        assert sorted(_refs(iter_cases(session, district, CaseFilters(), NOW))) == sorted(mae_sai)


def test_filters_combine_in_sql(loaded):
    with loaded.transaction() as session:
        make_case(session, "CRI-5709", reference="AAA1111", urgency="urgent", kind="tip", sector="fishing")
        make_case(session, "CRI-5709", reference="BBB2222", urgency="standard", status="taken", sector="construction")
        make_case(session, "CRI-5708", reference="CCC3333", urgency="urgent", status="closed", outcome="duplicate")
    with loaded.transaction() as session:
        scope = _scope(session, "CRI-57-1")

        def refs(**f):
            return sorted(_refs(list_cases(session, scope, CaseFilters(**f), NOW, limit=50)))
        assert refs(states=("new",)) == ["AAA1111"]
        assert refs(states=("new", "closed")) == ["AAA1111", "CCC3333"]
        assert refs(urgencies=("urgent",)) == ["AAA1111", "CCC3333"]
        assert refs(committee_id="CRI-5708") == ["CCC3333"]
        assert refs(kind="tip") == ["AAA1111"]
        assert refs(sector="construction") == ["BBB2222"]
        assert refs(reference="bb2") == ["BBB2222"] == refs(reference="BB-22")
        assert refs(reference="%") == []                   # a wildcard is a character, not a pattern
        assert refs(urgencies=("urgent",), committee_id="CRI-5709") == ["AAA1111"]


def test_dates_are_bangkok_days(loaded):
    # 23:30 UTC on 1 December is 06:30 on 2 December in Bangkok.
    with loaded.transaction() as session:
        make_case(session, "CRI-5709", reference="LATE111", created_at=datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
        make_case(session, "CRI-5709", reference="EARLY11", created_at=datetime(2026, 12, 1, 16, 59, tzinfo=UTC))
    with loaded.transaction() as session:
        scope = _scope(session, "CRI-5709-1")
        on_2nd = CaseFilters(date_from=date(2026, 12, 2), date_to=date(2026, 12, 2))
        assert _refs(list_cases(session, scope, on_2nd, NOW, limit=50)) == ["LATE111"]
        on_1st = CaseFilters(date_to=date(2026, 12, 1))
        assert _refs(list_cases(session, scope, on_1st, NOW, limit=50)) == ["EARLY11"]


def test_sorts_and_pages(loaded):
    with loaded.transaction() as session:
        make_case(session, "CRI-5709", reference="OLD1111", created_at=START, urgency="standard")
        make_case(session, "CRI-5709", reference="MID1111", created_at=START + timedelta(hours=1), urgency="urgent",
                  status="closed")
        make_case(session, "CRI-5708", reference="NEW1111", created_at=START + timedelta(hours=2), urgency="high")
    with loaded.transaction() as session:
        scope = _scope(session, "CRI-57-1")

        def refs(sort, **paging):
            return _refs(list_cases(session, scope, CaseFilters(sort=sort), NOW, **({"limit": 50} | paging)))
        assert refs("newest") == ["NEW1111", "MID1111", "OLD1111"]
        assert refs("oldest") == ["OLD1111", "MID1111", "NEW1111"]
        assert refs("urgency") == ["MID1111", "NEW1111", "OLD1111"]
        assert refs("state") == ["NEW1111", "OLD1111", "MID1111"]
        assert refs("committee") == ["NEW1111", "MID1111", "OLD1111"]
        assert refs("newest", limit=2, offset=2) == ["OLD1111"]
        assert refs("newest", limit=1, offset=1) == ["MID1111"]


def test_counts_per_state_ignore_the_state_filter_but_keep_the_others(loaded):
    with loaded.transaction() as session:
        make_case(session, "CRI-5709", status="new", urgency="urgent")
        make_case(session, "CRI-5709", status="new")
        make_case(session, "CRI-5709", status="taken", urgency="urgent")
        make_case(session, "CRI-5708", status="taken", urgency="urgent")     # another district
    with loaded.transaction() as session:
        scope = _scope(session, "CRI-5709-1")
        counts = counts_by_state(session, scope, CaseFilters(states=("taken",), urgencies=("urgent",)))
        assert counts["new"] == 1 and counts["taken"] == 1 and counts["closed"] == 0
        assert set(counts) >= {"new", "acknowledged", "taken", "in_progress", "referred", "closed", "cancelled"}


def test_overdue_is_an_open_case_past_its_time(loaded):
    with loaded.transaction() as session:
        make_case(session, "CRI-5709", reference="LATE111", escalate_at=NOW - timedelta(minutes=1))
        make_case(session, "CRI-5709", reference="FINE111", escalate_at=NOW + timedelta(minutes=1))
        make_case(session, "CRI-5709", reference="DONE111", escalate_at=NOW - timedelta(hours=1), status="closed",
                  outcome="duplicate")
    with loaded.transaction() as session:
        scope = _scope(session, "CRI-5709-1")
        rows = {r.reference: r.overdue for r in list_cases(session, scope, CaseFilters(), NOW, limit=50)}
        assert rows == {"LATE111": True, "FINE111": False, "DONE111": False}
        assert count_overdue(session, scope, CaseFilters(), NOW) == 1


def test_a_page_is_a_fixed_number_of_queries_whatever_its_size(loaded):
    make_cases(loaded, {"CRI-5709": 60})
    statements = []
    engine = loaded.engine
    listener = lambda *args: statements.append(args[2])   # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with loaded.transaction() as session:
            scope = _scope(session, "CRI-5709-1")
            before = len(statements)
            rows = list_cases(session, scope, CaseFilters(), NOW, limit=50)
            assert len(rows) == 50 and len(statements) - before == 1
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def test_one_case_is_overdue_by_the_same_rule(loaded):
    with loaded.transaction() as session:
        late = make_case(session, "CRI-5709", escalate_at=NOW - timedelta(minutes=1)).id
        closed = make_case(session, "CRI-5709", escalate_at=NOW - timedelta(minutes=1), status="closed").id
        assert is_overdue(session, late, NOW) and not is_overdue(session, closed, NOW)


def test_the_summary_agrees_with_the_separate_counts(loaded):
    with loaded.transaction() as session:
        make_case(session, "CRI-5709", status="new", escalate_at=NOW - timedelta(minutes=1), urgency="urgent")
        make_case(session, "CRI-5709", status="new", urgency="urgent")
        make_case(session, "CRI-5709", status="taken", escalate_at=NOW - timedelta(minutes=1), urgency="urgent")
        make_case(session, "CRI-5709", status="closed", escalate_at=NOW - timedelta(minutes=1), urgency="urgent")
        make_case(session, "CRI-5709", status="taken", urgency="standard")
    with loaded.transaction() as session:
        scope = _scope(session, "CRI-5709-1")
        for filters in (CaseFilters(), CaseFilters(states=("new",)), CaseFilters(urgencies=("urgent",)),
                        CaseFilters(states=("taken", "closed"), urgencies=("urgent",))):
            head = summary(session, scope, filters, NOW)
            assert head.per_state == counts_by_state(session, scope, filters)
            assert head.total == count_cases(session, scope, filters)
            assert head.overdue == count_overdue(session, scope, filters, NOW)
        everything = summary(session, scope, CaseFilters(), NOW)
        assert (everything.total, everything.overdue) == (5, 2)
