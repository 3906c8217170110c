"""End to end through the emulator and a real worker: a confirmed report alerts the district's two
on-duty officers through ONE multicast (keyed by the rows' send group), each gets the card once."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import OutboxMessage
from tests.support.servers import wait_for
from tests.test_reports_end_to_end import case_by_ref, file_report, setup_directory

pytestmark = [pytest.mark.integration, pytest.mark.stack()]


def test_a_report_reaches_two_officers_by_one_multicast(stack):
    officers = setup_directory(stack)
    mae_sai = [officers["CRI-5709-1"], officers["CRI-5709-2"]]
    reporter = stack.user("th", name="Reporter")
    reference = file_report(stack, reporter, 2, {"in_danger": "no", "province": "57", "district": "5709",
                                                 "contact_ok": "no"})
    case = case_by_ref(stack, reference)
    assert case.committee_id == "CRI-5709"

    def alerts():
        return [r for r in stack.received() if r["path"].endswith(("/push", "/multicast"))
                and any(reference in m.get("altText", "") for m in r.get("messages") or [])]

    sent = wait_for(lambda: (lambda found: found if len(found) >= 1 else None)(alerts()),
                    message=f"the alert\n{stack.worker_logs()}")
    [multicast] = sent
    assert multicast["path"] == "/v2/bot/message/multicast" and multicast["status"] == 200
    assert sorted(multicast["chats"]) == sorted(mae_sai)
    for officer in mae_sai:   # each officer's chat has the card, once
        cards = [m for d in stack.delivered(officer) for m in d["messages"]
                 if m["type"] == "flex" and reference in m["altText"]]
        assert len(cards) == 1
    with stack.app.extensions["hotline"].db.sessions() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.push_to.in_(mae_sai))).all()
    assert {r.status for r in rows} == {"sent"} and len({r.send_group for r in rows}) == 1
    assert multicast["retry_key"] == rows[0].send_group
