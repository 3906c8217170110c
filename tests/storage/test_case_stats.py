"""The committees' numbers read from stored cases and events, and `flask cases stats` (SQLite and PostgreSQL)."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from storage.case_stats import case_facts, committee_months
from storage.models import Case, CaseEvent

integration = pytest.mark.integration

NOV = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)        # 09:00 Bangkok


def _case(db, committee="CRI-5709", at=NOV, kind="self", sector="fishing", steps=()):
    """A case received at `at` and its steps: (minutes after, kind, committee, detail)."""
    with db.transaction() as session:
        case = Case(reference=uuid.uuid4().hex[:7].upper(), kind=kind, chat_key="Ureporter",
                    answers={"description": "QXZWORDS"}, indicators=[], urgency="high", urgency_rule="ilo",
                    sector=sector, committee_id=committee, routing={}, status="open", escalation_level=0,
                    created_at=at)
        session.add(case)
        session.flush()
        session.add(CaseEvent(case_id=case.id, kind="created", actor="reporter", committee_id=committee,
                              detail={"urgency": "high"}, at=at))
        for minutes, kind_, committee_, detail in steps:
            session.add(CaseEvent(case_id=case.id, kind=kind_, actor="CRI-5709-1", committee_id=committee_,
                                  detail=detail, at=at + timedelta(minutes=minutes)))
            if kind_ == "moved":
                case.committee_id = detail["to_committee"]
            if kind_ == "closed":                  # as Casework.close writes it: the column and the event
                case.outcome = detail.get("outcome")
        return case.id


@integration
def test_the_numbers_come_from_the_stored_audit_trail(db):
    for n in range(5):
        _case(db, steps=[(10 * (n + 1), "acknowledged", "CRI-5709", {}),
                         (20 * (n + 1), "note", "CRI-5709", {"text": "QXZWORDS"}),
                         (60, "taken", "CRI-5709", {"from": "acknowledged", "to": "taken"}),
                         (120 * (n + 1), "closed", "CRI-5709", {"outcome": "nrm_referred", "from": "taken",
                                                                 "to": "closed"})])
    moved = _case(db, kind="tip", sector=None, steps=[
        (5, "moved", "CRI-5709", {"to_committee": "CRI-5711", "reason": "wrong district"}),
        (30, "taken", "CRI-5711", {}), (45, "closed", "CRI-5711", {"outcome": "labour_referred"})])
    _case(db, committee="CRI-5711", at=datetime(2026, 11, 30, 17, 30, tzinfo=UTC))   # 00:30 on 1 December
    _case(db, at=datetime(2026, 10, 31, 16, 59, tzinfo=UTC))                          # 23:59 on 31 October

    with db.sessions() as session:
        rows = {(r.committee_id, r.month): r for r in committee_months(session)}
        assert sorted(rows) == [("CRI-5709", "2026-10"), ("CRI-5709", "2026-11"), ("CRI-5711", "2026-11"),
                                ("CRI-5711", "2026-12")]
        mine = rows["CRI-5709", "2026-11"]
        assert (mine.received, mine.moved_out, mine.closed, mine.open) == (6, 1, 5, 0)
        assert mine.by_kind == {"self": 5, "tip": 1} and mine.by_sector == {"fishing": 5, "unknown": 1}
        assert mine.outcomes == {"nrm_referred": 5}
        assert mine.durations("to_acknowledge").median == 30 * 60
        assert mine.durations("to_close").median == 6 * 3600 and mine.durations("to_close").p90 == 10 * 3600
        theirs = rows["CRI-5711", "2026-11"]
        assert (theirs.received, theirs.moved_in, theirs.closed) == (0, 1, 1)
        assert theirs.outcomes == {"labour_referred": 1} and theirs.to_close == [45 * 60.0]

        # one committee: a case it received and moved away is found though the case is now another's
        only = committee_months(session, "CRI-5709", "2026-11", "2026-11")
        assert [(r.committee_id, r.month, r.received) for r in only] == [("CRI-5709", "2026-11", 6)]
        assert [(r.month, r.moved_in) for r in committee_months(session, "CRI-5711", "2026-11", "2026-11")] == [
            ("2026-11", 1)]
        assert [r.month for r in committee_months(session, "CRI-5711", "2026-12")] == ["2026-12"]
        assert [r.month for r in committee_months(session, None, None, "2026-10")] == ["2026-10"]

        facts = {f.id: f for f in case_facts(session, "CRI-5709", "2026-11", "2026-11")}
        assert moved in facts and facts[moved].committee_id == "CRI-5709"     # received there, now another's
        assert [m.detail["to_committee"] for m in facts[moved].moves] == ["CRI-5711"]
        assert session.scalar(select(Case.committee_id).where(Case.id == moved)) == "CRI-5711"


@integration
def test_flask_cases_stats_prints_a_table_or_csv_with_small_counts_hidden_unless_exact(db):
    """Through a Flask app's CLI, registered as create_app does: app.cli.add_command(cases_cli)."""
    from types import SimpleNamespace

    from flask import Flask

    from storage.stats_cli import cases_cli

    app = Flask(__name__)
    app.extensions["hotline"] = SimpleNamespace(db=db)
    app.cli.add_command(cases_cli)
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["cases", "stats", *args])
        assert result.exit_code == 0, result.output
        return result.output

    assert "no cases in that period" in run()
    for n in range(6):
        _case(db, kind="tip" if n < 2 else "self",
              steps=[(90, "acknowledged", "CRI-5709", {})] + ([(30, "cancelled", "CRI-5709", {})] if n == 0 else []))
    _case(db, committee="CRI-5711")

    table = run()
    assert table.splitlines()[0].split() == ["CRI-5709", "2026-11"]
    first_block = table.split("\n\n")[0].splitlines()[1:]
    lines = {line.rsplit(" ", 1)[0].strip(): line.split()[-1] for line in first_block}
    assert lines["received"] == "6" and lines["kind:tip"] == "<5" and lines["cancelled"] == "<5"
    assert lines["time to acknowledge median (h:mm)"] == "1:30" and lines["time to close median (h:mm)"] == "-"
    assert "CRI-5711" in table and "--exact shows them" in table

    exact = run("--exact", "--committee", "CRI-5709")
    assert "CRI-5711" not in exact and "<5" not in exact
    assert any(line.split() == ["kind:tip", "2"] for line in exact.splitlines())

    parsed = list(csv.DictReader(io.StringIO(run("--csv", "--from", "2026-11", "--to", "2026-11"))))
    assert [(r["committee"], r["month"], r["received"]) for r in parsed] == [("CRI-5709", "2026-11", "6"),
                                                                              ("CRI-5711", "2026-11", "<5")]
    assert parsed[0]["time to acknowledge p90 (h:mm)"] == "1:30" and parsed[0]["kind:tip"] == "<5"
    assert run("--csv", "--from", "2026-12").strip() == "committee,month,received,moved_in,moved_out,open," \
        "cancelled,closed,escalated,time to acknowledge median (h:mm),time to acknowledge p90 (h:mm)," \
        "time to take median (h:mm),time to take p90 (h:mm),time to close median (h:mm),time to close p90 (h:mm)"

    for bad in (["--from", "2026-13"], ["--to", "November"], ["--from", "2026-11", "--to", "2026-10"]):
        result = runner.invoke(args=["cases", "stats", *bad])
        assert result.exit_code != 0 and ("YYYY-MM" in result.output or "after --to" in result.output)


@integration
def test_a_scope_reads_its_committees_cases_and_the_moves_details(db):
    mine = _case(db, steps=[(60, "closed", "CRI-5709", {"outcome": "nrm_referred"})])
    came_in = _case(db, committee="CRI-5711", steps=[
        (5, "moved", "CRI-5711", {"to_committee": "CRI-5709", "reason": "wrong district"})])
    _case(db, committee="CRI-5708")                                        # another district, outside the scope
    with db.transaction() as session:
        session.get(Case, mine).indicators = ["ilo.deception", "ilo.isolation"]

    with db.sessions() as session:
        facts = {f.id: f for f in case_facts(session, first_month="2026-11", last_month="2026-11",
                                             committees=("CRI-5709", "CRI-5703"))}
        assert set(facts) == {mine, came_in}
        assert facts[mine].indicators == ("ilo.deception", "ilo.isolation")
        assert facts[came_in].moves[0].detail["to_committee"] == "CRI-5709"   # read: it may name the new holder
        rows = committee_months(session, first_month="2026-11", last_month="2026-11",
                                committees=("CRI-5709", "CRI-5703"))
        assert [(r.committee_id, r.received, r.moved_in, r.closed, r.open) for r in rows] == [
            ("CRI-5709", 1, 1, 1, 1)]
        assert rows[0].outcomes == {"nrm_referred": 1}                     # from the case's column
        assert rows[0].by_indicator == {"ilo.deception": 1, "ilo.isolation": 1}
        assert [r.committee_id for r in committee_months(session, committees=())] == []


@integration
def test_a_cases_facts_are_the_firsts_the_last_ending_and_the_moves_of_its_trail_from_its_created_event(db):
    early = NOV - timedelta(minutes=30)
    steps = [(-20, "acknowledged", "CRI-5709", {}),                          # before "created": not the trail's
             (10, "acknowledged", "CRI-5709", {}), (15, "acknowledged", "CRI-5709", {}),
             (20, "moved", "CRI-5709", {"to_committee": "CRI-5711"}), (40, "taken", "CRI-5711", {}),
             (60, "closed", "CRI-5711", {"outcome": "unreachable"}), (70, "reopened", "CRI-5711", {}),
             (90, "escalated", "TH-NATIONAL", {}), (120, "closed", "CRI-5711", {"outcome": "nrm_referred"})]
    reopened = _case(db, steps=steps)
    still_open = _case(db, steps=[(30, "closed", "CRI-5709", {"outcome": "duplicate"}),
                                  (40, "reopened", "CRI-5709", {})])
    cancelled = _case(db, steps=[(5, "cancelled", "CRI-5709", {}), (-5, "closed", "CRI-5709", {})])
    plain = _case(db, at=early)
    with db.transaction() as session:              # a case without a "created" event starts at its created_at
        session.execute(CaseEvent.__table__.delete().where(CaseEvent.case_id == plain))
        session.add(CaseEvent(case_id=plain, kind="taken", actor="x", committee_id="CRI-5708", detail={},
                              at=early + timedelta(minutes=3)))
    with db.sessions() as session:
        facts = {f.id: f for f in case_facts(session)}
    first = facts[reopened]
    assert first.start == NOV.timestamp() and first.committee_id == "CRI-5709"
    assert (first.acknowledged, first.taken, first.closed) == (600.0, 2400.0, 3600.0)   # firsts: 10, 40, 60 min
    assert first.ending == "closed" and first.escalated and first.outcome == "nrm_referred"
    assert [(m.committee_id, m.detail["to_committee"]) for m in first.moves] == [("CRI-5709", "CRI-5711")]
    assert facts[still_open].ending == "reopened" and facts[still_open].closed == 1800.0
    assert facts[cancelled].ending == "cancelled" and facts[cancelled].closed is None      # its close came before
    last = facts[plain]
    assert last.start == early.timestamp() and last.committee_id == "CRI-5709" and last.taken == 180.0
    assert (last.acknowledged, last.ending, last.escalated, last.moves) == (None, None, False, ())
