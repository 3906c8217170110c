"""Escalate cases nobody acknowledged in time, and send the alerts that sets off.

Run by a scheduled RQ job at each case's deadline, and by every worker's sweeper as a
safety net; claim_escalation makes concurrent runs escalate a case once.
"""
from __future__ import annotations

import logging

log = logging.getLogger(__name__)


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
            next_checks = [(case.id, case.escalate_at) for case in cases if case.escalate_at]
            session.commit()
        for row_id in row_ids:
            self.delivery.deliver(row_id)
        for case_id, when in next_checks:
            self.queue.escalation_check(case_id, when)
        if cases:
            log.warning("escalated %s case(s) nobody acknowledged in time", len(cases))
        return len(cases)
