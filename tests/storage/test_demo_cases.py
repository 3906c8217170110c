"""Demo cases: spread over the directory and 18 months, and every trail a walk through the
lifecycle's one transition table that ends in the case's own state."""
from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from cases import lifecycle
from cases.screening import VOCABULARY
from storage import case_scope, demo_cases
from storage.models import Case, CaseAccess, CaseEvent, CaseReferral, Committee
from storage.stats_cli import cases_cli
from storage.timeutil import as_utc

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
ACTIONS = set(lifecycle.ACTIONS)


@pytest.fixture
def seeded(loaded):
    with loaded.transaction() as session:
        assert demo_cases.seed(session, 200, seed=7, now=NOW) == 200
    return loaded


def test_every_trail_follows_the_transition_table_to_the_cases_state(seeded):
    data = lifecycle.load()
    with seeded.sessions() as session:
        committees = set(session.scalars(select(Committee.id)))
        events: dict[int, list[CaseEvent]] = {}
        for event in session.scalars(select(CaseEvent).order_by(CaseEvent.case_id, CaseEvent.id)):
            events.setdefault(event.case_id, []).append(event)
        cases = list(session.scalars(select(Case)))
        assert len(cases) == 200
        for case in cases:
            trail = events[case.id]
            assert [e.kind for e in trail[:2]] == ["created", "alerted"]
            state = lifecycle.NEW
            for event in trail:
                assert as_utc(case.created_at) <= as_utc(event.at) <= NOW
                if event.kind in ACTIONS:
                    assert event.detail["from"] == state
                    state = lifecycle.target(event.kind, state)
                    assert event.detail["to"] == state
            assert case.status == state and case.committee_id in committees
            assert case.answers["_demo"] is True and case.answers["description"].startswith("[DEMO]")
            assert all(i.split(":")[0] in VOCABULARY for i in case.indicators)
            assert (case.outcome in data.outcomes) == (case.status == "closed")
            last_move = max((e.id for e in trail if e.kind == "moved"), default=0)
            assert (case.assigned_to is not None) == any(e.kind == "taken" and e.id > last_move for e in trail)
            assert NOW - as_utc(case.created_at) <= demo_cases.SPAN


def test_cases_are_spread_and_moved_cases_stay_readable_where_they_were(seeded):
    with seeded.sessions() as session:
        statuses = Counter(session.scalars(select(Case.status)))
        assert set(statuses) >= {"new", "taken", "closed", "cancelled"} and statuses["closed"] > 50
        assert len(set(session.scalars(select(Case.committee_id)))) >= 5
        assert {"self", "tip"} == set(session.scalars(select(Case.kind)))
        assert session.scalar(select(func.count(CaseReferral.id))) > 0
        for access in session.scalars(select(CaseAccess)):
            case = session.get(Case, access.case_id)
            assert case.committee_id != access.committee_id
            scope = case_scope.Scope(access.committee_id, (access.committee_id,))
            assert case_scope.may_read(session, scope, case) and not case_scope.may_act(session, scope, case)


def test_the_same_seed_makes_the_same_cases(loaded):
    with loaded.transaction() as session:
        demo_cases.seed(session, 20, seed=3, now=NOW)
        first = [(c.urgency, c.status, c.committee_id) for c in session.scalars(select(Case).order_by(Case.id))]
        session.execute(CaseEvent.__table__.delete())
        session.execute(CaseReferral.__table__.delete())
        session.execute(CaseAccess.__table__.delete())
        session.execute(Case.__table__.delete())
        demo_cases.seed(session, 20, seed=3, now=NOW)
        again = [(c.urgency, c.status, c.committee_id) for c in session.scalars(select(Case).order_by(Case.id))]
    assert first == again


def test_the_cli_is_refused_outside_development(app, monkeypatch):
    info = ScriptInfo(create_app=lambda: app)
    runner = CliRunner()
    made = runner.invoke(cases_cli, ["demo", "--count", "30"], obj=info)
    assert made.exit_code == 0, made.output
    assert "example directory" in made.output and "added 30 demo cases" in made.output
    with app.extensions["hotline"].db.sessions() as session:
        assert session.scalar(select(func.count(Case.id))) == 30
    monkeypatch.setattr(type(app.extensions["hotline"].settings), "development", property(lambda self: False))
    refused = runner.invoke(cases_cli, ["demo", "--count", "30"], obj=info)
    assert refused.exit_code != 0 and "development" in refused.output
