"""bench/faults/tally.py's counting: what makes an answer a duplicate, an event lost, an alert arrived.

The fault table is only as true as this count, so it is checked on records shaped like the
emulator's /received log and the database's rows, without starting anything.
"""
from __future__ import annotations

from bench.faults.tally import tally

OFFICERS = {"D-1": ["Uofficer1", "Uofficer2"]}


def event(eid: str, user: str, token: str, kind: str = "message") -> dict:
    return {"webhookEventId": eid, "type": kind, "replyToken": token, "source": {"type": "user", "userId": user}}


def reply(token: str, status: int = 200, at: float = 1.0) -> dict:
    return {"status": status, "reply_token": token, "path": "/v2/bot/message/reply", "time": at, "messages": []}


def push(to: str, key: str, status: int = 200, at: float = 2.0, case_id: int | None = None) -> dict:
    messages = [{"type": "text", "text": "hi"}]
    if case_id is not None:
        messages = [{"type": "flex", "altText": "case", "contents": {
            "footer": {"contents": [{"action": {"data": f"case|ack|{case_id}"}}]}}}]
    return {"status": status, "reply_token": None, "to": to, "retry_key": key, "path": "/v2/bot/message/push",
            "time": at, "messages": messages}


def count(ours, got200=None, received=(), inbox=(), outbox=(), cases=(), fallback=None):
    return tally(ours, set(ours) if got200 is None else got200, list(received), list(inbox),
                              list(outbox), list(cases), OFFICERS, fallback or {})


def test_an_answer_by_reply_then_again_by_push_is_one_duplicate():
    ours = {"E1": event("E1", "Ua", "t1")}
    t = count(ours, received=[reply("t1", at=5.0), push("Ua", "k1", at=9.0)],
              inbox=[(1, "E1", "done")], outbox=[(10, 1, "k1", "sent", 1, None)])
    assert t.deliveries["E1"] == 2
    assert t.dup_answers == 1 and t.duplicates == 1
    assert t.lost == [] and t.processed == 1
    assert t.last_delivery == 9.0


def test_refused_calls_are_not_deliveries_and_a_given_up_answer_is_lost():
    ours = {"E1": event("E1", "Ua", "t1"), "E2": event("E2", "Ub", "t2")}
    t = count(ours, received=[reply("t1", status=500), reply("t2")],
              inbox=[(1, "E1", "done"), (2, "E2", "done")],
              outbox=[(10, 1, "k1", "failed", 5, "LINE 500"), (11, 2, "k2", "sent", 1, None)])
    assert t.rejected == 1
    assert t.lost == ["E1"]
    assert t.duplicates == 0 and t.processed == 2


def test_an_event_still_pending_is_not_lost_nor_processed():
    ours = {"E1": event("E1", "Ua", "t1")}
    t = count(ours, inbox=[(1, "E1", "pending")])
    assert t.lost == [] and t.processed == 0


def test_an_event_the_webhook_never_answered_200_is_lost_even_if_stored():
    ours = {"E1": event("E1", "Ua", "t1"), "E2": event("E2", "Ub", "t2")}
    t = count(ours, got200={"E2"}, received=[reply("t2")], inbox=[(2, "E2", "done")])
    assert t.lost == ["E1"]
    assert t.status_of["E1"] is None


def test_alerts_count_per_case_and_officer_and_twice_is_a_duplicate():
    ours = {"S1": event("S1", "Ureporter", "t1", kind="postback")}
    received = [reply("t1"), push("Uofficer1", "a1", case_id=7), push("Uofficer1", "a1b", case_id=7),
                push("Uofficer2", "a2", status=429, case_id=7)]
    t = count(ours, received=received, inbox=[(1, "S1", "done")], cases=[(7, "Ureporter", "D-1")],
              fallback={"Ureporter": 2})
    assert (t.alerts_expected, t.alerts_arrived) == (2, 1)
    assert t.dup_alerts == 1 and t.dup_answers == 0


def test_a_send_tap_without_a_case_still_expects_its_alerts_and_a_second_case_is_a_duplicate():
    ours = {"S1": event("S1", "Ur1", "t1", kind="postback"), "S2": event("S2", "Ur2", "t2", kind="postback")}
    t = count(ours, received=[reply("t1"), reply("t2")], inbox=[(1, "S1", "done"), (2, "S2", "done")],
              cases=[(7, "Ur2", "D-1"), (8, "Ur2", "D-1")], fallback={"Ur1": 2, "Ur2": 2})
    assert t.alerts_expected == 4 and t.alerts_arrived == 0
    assert t.dup_cases == 1


def test_a_push_nobody_can_place_is_unmatched_not_an_answer():
    ours = {"E1": event("E1", "Ua", "t1")}
    t = count(ours, received=[reply("t1"), push("Ua", "unknown-key")], inbox=[(1, "E1", "done")])
    assert t.unmatched == 1 and t.duplicates == 0
