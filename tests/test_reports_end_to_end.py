"""Reports end to end: a worker and a volunteer report through the emulator, the case is
routed and screened, the district's duty officers get an alert in LINE, acknowledge it,
and an unanswered urgent case escalates to the province. Real worker processes."""
from __future__ import annotations

import time
from dataclasses import replace

import pytest
from sqlalchemy import select

from flows.loader import load_flows
from storage.cases import Case, trail
from tests.support.cards import button_data
from tests.support.committees import load_example
from tests.support.reporter import Reporter
from tests.support.servers import OwnRedis, wait_for
from tests.support.stack import Stack, texts

pytestmark = [pytest.mark.integration, pytest.mark.stack(urgency_windows={"urgent": 3})]

FLOWS = load_flows()


def setup_directory(stack) -> dict[str, str]:
    """The example directory; Mae Sai's and the province's officers linked to emulator users."""
    users = {officer: stack.user("th", name=officer)
             for officer in ("CRI-5709-1", "CRI-5709-2", "CRI-57-1", "CRI-57-2")}
    load_example(stack.app.extensions["hotline"].db, users)
    return users


def alerts_for(stack, user: str) -> list[dict]:
    return [m for d in stack.delivered(user) for m in d["messages"] if m["type"] == "flex"]


def case_by_ref(stack, reference: str) -> Case:
    with stack.app.extensions["hotline"].db.sessions() as session:
        return session.scalar(select(Case).where(Case.reference == reference))


def file_report(stack, user: str, menu_index: int, answers: dict) -> str:
    person = Reporter(stack, user, FLOWS)
    stack.say(user, "hello")
    menu = person.answer()
    start = next(item["action"]["data"] for item in menu["messages"][-1]["quickReply"]["items"]
                 if item["action"]["data"] == f"c|main.menu|{menu_index}")
    person.tap(start)
    person.fill(answers)
    submitted = person.tap("c|" + person.at() + "|0")  # Send
    words = " ".join(texts(submitted))
    with stack.app.extensions["hotline"].db.sessions() as session:
        case = session.scalars(select(Case).where(Case.chat_key == user)).all()[-1]
    assert case.reference in words
    return case.reference


def test_a_workers_report_reaches_the_district_officer_who_acknowledges_it(stack):
    officers = setup_directory(stack)
    worker = stack.user("my", name="Reporter")
    reference = file_report(stack, worker, 2, {
        "in_danger": "no", "location": (20.4335, 99.8762), "sector": "fishing", "free_to_leave": "no",
        "documents_kept": "yes", "description": "သူဌေးက ကျွန်တော့် ပတ်စ်ပို့ကို သိမ်းထားတယ်", "contact_ok": "no",
    })
    case = case_by_ref(stack, reference)
    assert case.committee_id == "CRI-5709" and case.routing["reason"] == "district_committee"
    assert case.urgency == "high" and "ilo:retention_of_identity_documents" in case.indicators
    on_duty = officers["CRI-5709-1"]
    alert = wait_for(lambda: alerts_for(stack, on_duty), message="alert at the district officer")[0]
    assert reference in alert["altText"]
    body = str(alert["contents"])
    assert "สาย" in body and "ပတ်စ်ပို့" not in body  # district in Thai; the reporter's words only in Details
    buttons = button_data(alert["contents"])
    assert buttons[:3] == [f"case|ack|{case.id}", f"case|esc|{case.id}", f"case|info|{case.id}"]
    stack.send(on_duty, type="postback", data=f"case|ack|{case.id}")
    wait_for(lambda: case_by_ref(stack, reference).status == "acknowledged", message="acknowledged")
    other = officers["CRI-5709-2"]
    wait_for(lambda: any(reference in t for d in stack.delivered(other) for t in texts(d)),
             message="the other officer told")
    assert [d["path"] for d in stack.delivered(worker)].count("/v2/bot/message/push") == 0  # no push


def test_someone_who_is_not_an_officer_learns_nothing(stack):
    setup_directory(stack)
    reporter = stack.user("th")
    reference = file_report(stack, reporter, 2, {"in_danger": "no", "province": "57", "district": "5709",
                                                 "contact_ok": "no"})
    case = case_by_ref(stack, reference)
    stranger = stack.user("th", name="Stranger")
    stack.send(stranger, type="postback", data=f"case|ack|{case.id}")
    stack.say(stranger, f"case {reference}")
    time.sleep(1.5)
    shown = " ".join(t for d in stack.delivered(stranger) for t in texts(d))
    assert reference not in shown and case_by_ref(stack, reference).status == "new"


def test_an_unanswered_urgent_tip_escalates_to_the_province(stack):
    officers = setup_directory(stack)
    volunteer = stack.user("km", name="Volunteer")
    reference = file_report(stack, volunteer, 3, {
        "in_danger": "yes", "province": "57", "district": "5709", "people_count": 4, "nationality": "cambodia",
        "contact_ok": "no"})
    case = case_by_ref(stack, reference)
    assert case.kind == "tip" and case.urgency == "urgent"
    wait_for(lambda: alerts_for(stack, officers["CRI-5709-1"]), message="district alert")
    wait_for(lambda: alerts_for(stack, officers["CRI-57-1"]), timeout=20, message="escalated to the province")
    escalated = case_by_ref(stack, reference)
    assert escalated.committee_id == "CRI-57" and escalated.escalation_level >= 1
    with stack.app.extensions["hotline"].db.sessions() as session:
        kinds = [e.kind for e in trail(session, escalated.id)]
    assert kinds[:3] == ["created", "alerted", "escalated"]


def test_redis_down_during_submission_the_alert_still_arrives(settings, tmp_path):
    redis = OwnRedis().start()
    stack = Stack(replace(settings, redis_url=redis.url), tmp_path, workers=1)
    try:
        officers = setup_directory(stack)
        worker = stack.user("th")
        person = Reporter(stack, worker, FLOWS)
        stack.say(worker, "hello")
        person.tap("c|" + person.at() + "|2") if person.answer() else None
        person.fill({"in_danger": "no", "province": "57", "district": "5709", "contact_ok": "no"})
        redis.stop()
        stack.send(worker, type="postback", data="c|" + person.at() + "|0")  # Send, while Redis is down
        redis.start()
        alert = wait_for(lambda: alerts_for(stack, officers["CRI-5709-1"]), timeout=40,
                         message="alert after Redis came back")
        time.sleep(2)
        assert len(alerts_for(stack, officers["CRI-5709-1"])) == 1 == len(alert)
    finally:
        stack.close()
        redis.close()
