"""Escalate cases nobody acknowledged in time, send the alerts that sets off, and schedule
each case's next check.

Run by a scheduled RQ job at a case's deadline, and by every worker's sweeper as a safety
net; claim_escalation makes concurrent runs escalate a case once.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def schedule_checks(queue, cases) -> None:
    """The one place a case's next escalation check is scheduled: an RQ job at its escalate_at,
    for a case that has one (an acknowledged case, or one at the top, has none). Called once
    the transaction that set the deadline is committed, so the job never runs before the
    case it looks at exists; if Redis is down the sweeper escalates the case in time instead."""
    for case in cases:
        if case.escalate_at:
            queue.escalation_check(case.id, case.escalate_at)


class Escalations:
    def __init__(self, db, casework, delivery, queue):
        self.db = db
        self.casework = casework
        self.delivery = delivery
        self.queue = queue

    def run_due(self) -> int:
        """Escalate what is due now; returns how many cases moved up."""
        with self.db.sessions() as session:
            rows, cases = self.casework.escalate_due(session)
            row_ids = [row.id for row in rows]
            session.commit()
        for row_id in row_ids:
            self.delivery.deliver(row_id)
        schedule_checks(self.queue, cases)
        if cases:
            log.warning("escalated %s case(s) nobody acknowledged in time", len(cases))
        return len(cases)
