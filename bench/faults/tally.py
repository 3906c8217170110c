"""The fault table's count: what makes an answer a duplicate, an event lost, an alert arrived.

Pure: it reads the emulator's records and the database's rows it is given, so
tests/test_bench_faults.py can check it without starting anything.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bench.line import alert_case_ids

WAITING = ("received", "pending")          # inbox statuses of events no decision has closed yet


@dataclass
class Tally:
    processed: int
    alerts_expected: int
    alerts_arrived: int
    dup_answers: int
    dup_alerts: int
    dup_cases: int
    lost: list[str]
    status_of: dict[str, str | None]
    deliveries: Counter
    last_delivery: float
    unmatched: int
    rejected: int

    @property
    def duplicates(self) -> int:
        return self.dup_answers + self.dup_alerts + self.dup_cases


def tally(ours: dict[str, dict], got200: set[str], received: list[dict], inbox_rows, outbox_rows, cases,
          officers_of: dict[str, list[str]], expected_without_case: dict[str, int]) -> Tally:
    """The row's figures from what LINE saw and what the database says.

    ours: webhookEventId -> the event as LINE sent it; got200: events the webhook answered
    200 at least once; received: the emulator's /received records (every send call);
    inbox_rows (id, webhook_event_id, status); outbox_rows (id, inbox_event_id, retry_key,
    ...); cases (id, chat_key, committee_id); officers_of: committee -> its officers' LINE
    ids; expected_without_case: reporter -> officers to alert should the tap have no case.

    An answer belongs to an event by its reply token, or (a push) by the retry key of an
    outbox row made for that event; an alert is a push to an officer whose flex card names
    a case (`case|ack|<id>`). Only sends LINE accepted (200) count."""
    token_of = {e["replyToken"]: eid for eid, e in ours.items() if e.get("replyToken")}
    inbox_by_id = {r[0]: r[1] for r in inbox_rows}
    status_of = {eid: None for eid in ours}
    status_of.update({r[1]: r[2] for r in inbox_rows if r[1] in status_of})
    event_of_key = {r[2]: inbox_by_id.get(r[1]) for r in outbox_rows if r[1] is not None}
    officers = {o for members in officers_of.values() for o in members}
    deliveries: Counter = Counter()
    alerts: Counter = Counter()
    unmatched = rejected = 0
    last = 0.0
    for r in received:
        if r.get("status") != 200:
            rejected += 1
            continue
        if r.get("reply_token"):
            eid = token_of.get(r["reply_token"])
        else:
            ids = alert_case_ids(r)
            if ids and r.get("to") in officers:
                for case_id in ids:
                    alerts[(case_id, r["to"])] += 1
                last = max(last, r["time"])
                continue
            eid = event_of_key.get(r.get("retry_key"))
        if eid in status_of:
            deliveries[eid] += 1
            last = max(last, r["time"])
        else:
            unmatched += 1
    cases_of: dict[str, list[tuple[int, str]]] = {}
    for case_id, chat_key, committee in cases:
        cases_of.setdefault(chat_key, []).append((case_id, committee))
    expected = arrived = 0
    for event in ours.values():
        user = event["source"].get("userId")
        if user not in expected_without_case:
            continue
        found = cases_of.get(user)
        if not found:
            expected += expected_without_case[user]
            continue
        case_id, committee = found[0]
        expected += len(officers_of.get(committee, []))
        arrived += sum(1 for o in officers_of.get(committee, []) if alerts[(case_id, o)])
    lost = [eid for eid in ours if eid not in got200 or (not deliveries[eid] and status_of[eid] not in WAITING)]
    return Tally(
        processed=sum(1 for s in status_of.values() if s == "done"),
        alerts_expected=expected, alerts_arrived=arrived,
        dup_answers=sum(c - 1 for c in deliveries.values() if c > 1),
        dup_alerts=sum(c - 1 for c in alerts.values() if c > 1),
        dup_cases=sum(len(v) - 1 for v in cases_of.values() if len(v) > 1),
        lost=lost, status_of=status_of, deliveries=deliveries, last_delivery=last,
        unmatched=unmatched, rejected=rejected)
