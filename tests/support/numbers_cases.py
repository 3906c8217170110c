"""Cases with their audit events written straight to the database, as casework leaves them, for
the numbers page's tests (what is counted is cases/stats.py's business, tested on its own)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from storage.models import Case, CaseEvent


def add_case(db, committee: str, at: datetime, urgency: str = "high", closed_after: int | None = None,
             outcome: str = "nrm_referred", indicators=("ilo.deception",)) -> None:
    """A case received at `at`; with `closed_after` (hours) taken after an hour and closed then."""
    with db.transaction() as session:
        case = Case(reference=uuid.uuid4().hex[:7].upper(), kind="self", chat_key="U1", answers={},
                    indicators=list(indicators), urgency=urgency, urgency_rule="ilo", sector="fishing",
                    committee_id=committee, routing={}, status="new", created_at=at)
        session.add(case)
        session.flush()
        session.add(CaseEvent(case_id=case.id, kind="created", actor="reporter", committee_id=committee, at=at))
        if closed_after is not None:
            case.status, case.outcome = "closed", outcome           # as Casework.close writes it
            session.add(CaseEvent(case_id=case.id, kind="taken", actor=f"{committee}-1", committee_id=committee,
                                  at=at + timedelta(hours=1)))
            session.add(CaseEvent(case_id=case.id, kind="closed", actor=f"{committee}-1", committee_id=committee,
                                  detail={"outcome": outcome}, at=at + timedelta(hours=closed_after)))
