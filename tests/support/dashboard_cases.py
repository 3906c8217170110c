"""Cases for dashboard tests, written straight through storage.cases (the intake has tests of its
own): each with its "created" and "alerted" events, as a report leaves them."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import cases as case_store

START = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)     # 10:00 in Bangkok

ANSWERS = {"description": "ထွက်ခွင့်မရပါ", "sector": "fishing", "contact_ok": "no",
           "location": {"latitude": 20.4275, "longitude": 99.8836, "address": ""}}


def make_case(session, committee_id: str, *, created_at: datetime = START, status: str = "new",
              urgency: str = "standard", kind: str = "self", sector: str | None = "fishing",
              escalate_at: datetime | None = None, district_code: str | None = None,
              answers: dict | None = None, indicators: list | None = None, language: str = "my",
              outcome: str | None = None, reference: str | None = None):
    case = case_store.insert_new(
        session, reference=reference, kind=kind, chat_key="u-test",
        reporter_user_id=None, language=language, answers=dict(answers if answers is not None else ANSWERS),
        indicators=list(indicators if indicators is not None else ["ilo:restriction_of_movement"]),
        urgency=urgency, urgency_rule="danger_now" if urgency == "urgent" else "ilo_core", sector=sector,
        province_code="57", district_code=district_code or committee_id.rpartition("-")[2][:4],
        committee_id=committee_id, routing={"reason": "district_committee", "method": "picked"},
        status=status, escalation_level=0, escalate_at=escalate_at if escalate_at else created_at + timedelta(days=30),
        created_at=created_at, state_since=created_at, outcome=outcome)
    case_store.record(session, case, "created", "reporter", committee_id, urgency=urgency, rule=case.urgency_rule)
    case_store.record(session, case, "alerted", "system", committee_id, recipients=1, reason="new")
    return case


def make_cases(db, committees: dict[str, int], *, start: datetime = START, step: timedelta = timedelta(hours=1),
               **fields) -> list[str]:
    """{committee id: how many} cases, one every `step` from `start`; their references, in order made."""
    references, moment = [], start
    with db.transaction() as session:
        for committee_id, count in committees.items():
            for _ in range(count):
                references.append(make_case(session, committee_id, created_at=moment, **fields).reference)
                moment += step
    return references
