"""Plausible made-up cases for demonstrations and the dashboard's benchmark: spread over the
loaded directory's committees and the last 18 months, screened by the real rules, each with
an audit trail that follows cases/lifecycle.py's one transition table.

Every word a reporter or officer "wrote" is marked [DEMO], and answers carry "_demo": true, so
a demo case can never be mistaken for a report. Rows are inserted in bulk (one statement per
table and batch), so thousands of cases take seconds.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cases import lifecycle
from cases.lifecycle import (
    ACKNOWLEDGE,
    CANCEL,
    CLOSE,
    MOVE,
    NEW,
    REFER,
    START,
    TAKE,
)
from cases.reference import REFERENCE_ALPHABET
from cases.screening import screen

from .models import Case, CaseAccess, CaseEvent, CaseReferral, Committee, Officer

SPAN = timedelta(days=548)                 # 18 months back from `now`
BATCH = 1000
SECTORS = ("fishing", "construction", "agriculture", "domestic", "factory", "scam_centre", "sex_work", "other")
# (answer key, chance of the answer that raises a concern, that answer)
CONCERNS = (("in_danger", 0.06, "yes"), ("free_to_leave", 0.3, "no"), ("documents_kept", 0.3, "yes"),
            ("debt", 0.25, "yes"), ("deceived", 0.3, "yes"), ("threats_violence", 0.15, "yes"),
            ("wages_withheld", 0.35, "yes"), ("excessive_hours", 0.4, "yes"), ("bad_living", 0.3, "yes"),
            ("under_18", 0.05, "yes"), ("medical_emergency", 0.03, "yes"), ("recruited", 0.4, "yes"),
            ("moved_across_border", 0.5, "yes"))
WORDS = ("[DEMO] made-up words for a demonstration", "[DEMO] not a real report",
         "[DEMO] example text, nobody wrote this")
NOTES = ("[DEMO] called the employer", "[DEMO] visit planned", "[DEMO] example note")
# Where a case is when the demo leaves it, by how old it is: (state, weight).
RECENT_ENDS = (("new", 3), ("acknowledged", 3), ("taken", 3), ("in_progress", 2), ("referred", 1),
               ("closed", 2), ("cancelled", 1))
OLD_ENDS = (("new", 1), ("acknowledged", 1), ("taken", 2), ("in_progress", 3), ("referred", 3),
            ("closed", 30), ("cancelled", 2))
PATHS = {"new": [], "acknowledged": [ACKNOWLEDGE], "taken": [ACKNOWLEDGE, TAKE],
         "in_progress": [ACKNOWLEDGE, TAKE, START], "referred": [ACKNOWLEDGE, TAKE, START, REFER],
         "closed": [ACKNOWLEDGE, TAKE, START, REFER, CLOSE], "cancelled": [CANCEL]}
MOVE_CHANCE = 0.06


@dataclass
class _Plan:
    """One case being made: its row, and its trail, referrals and read grants to insert after it."""

    row: dict
    events: list[dict] = field(default_factory=list)
    referrals: list[dict] = field(default_factory=list)
    readers: list[tuple[str, datetime]] = field(default_factory=list)   # (committee moved away from, when)


class _Maker:
    def __init__(self, session: Session, rng: random.Random, now: datetime):
        self.rng, self.now = rng, now
        self.data = lifecycle.load()
        committees = list(session.scalars(select(Committee).where(Committee.active.is_(True))))
        if not committees:
            raise ValueError("no committees: load a directory first (flask committees load)")
        self.committees = {c.id: c for c in committees}
        self.districts = [c for c in committees if c.level == "district"]
        self.provinces = [c for c in committees if c.level == "province"]
        self.national = [c for c in committees if c.level == "national"]
        self.officers: dict[str, list[str]] = {}
        for officer_id, committee_id in session.execute(select(Officer.id, Officer.committee_id)):
            self.officers.setdefault(committee_id, []).append(officer_id)
        self.references = set(session.scalars(select(Case.reference)))

    def reference(self) -> str:
        while True:
            code = "".join(self.rng.choice(REFERENCE_ALPHABET) for _ in range(6))
            reference = f"{code[:3]}-{code[3:]}"
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def holder(self) -> tuple[Committee, str]:
        roll = self.rng.random()
        if roll < 0.75 and self.districts:
            return self.rng.choice(self.districts), "district_committee"
        if roll < 0.93 and self.provinces:
            return self.rng.choice(self.provinces), "province_only"
        return self.rng.choice(self.national or self.provinces or self.districts), "no_province"

    def officer_of(self, committee_id: str) -> str:
        return self.rng.choice(self.officers.get(committee_id) or ["system"])

    def plan(self) -> _Plan:
        rng = self.rng
        created = self.now - SPAN * rng.random()
        kind = "tip" if rng.random() < 0.3 else "self"
        answers = {key: (concern if rng.random() < chance else "no") for key, chance, concern in CONCERNS}
        answers.update(sector=rng.choice(SECTORS), description=rng.choice(WORDS), _demo=True,
                       _flow="tip" if kind == "tip" else "report")
        screening = screen({**answers, "kind": kind})
        committee, reason = self.holder()
        row = dict(reference=self.reference(), kind=kind, chat_key="_demo", reporter_user_id=None,
                   language=rng.choice(("my", "km", "lo", "th", "en")), answers=answers,
                   indicators=list(screening.ids()), urgency=screening.urgency,
                   urgency_rule=screening.urgency_rule, sector=answers["sector"],
                   province_code=committee.province_code, district_code=committee.district_code,
                   committee_id=committee.id, routing={"reason": reason, "method": "picked", "demo": True},
                   contact_allowed=False, status=NEW, escalation_level=0, escalate_at=None,
                   created_at=created, state_since=created)
        plan = _Plan(row)
        self.event(plan, created, "created", "reporter", committee.id, urgency=row["urgency"],
                   rule=row["urgency_rule"], palermo_complete=screening.palermo_complete)
        self.event(plan, created, "alerted", "system", committee.id, recipients=2, reason=reason)
        ends = RECENT_ENDS if self.now - created < timedelta(days=14) else OLD_ENDS
        end = rng.choices([s for s, _ in ends], [w for _, w in ends])[0]
        actions = list(PATHS[end])
        if end in ("in_progress", "referred", "closed") and rng.random() < 0.3:
            actions.remove(START)                       # referred straight after being taken
        if end == "closed" and rng.random() < 0.3:
            actions = [a for a in actions if a != REFER]
        if actions[:1] == [ACKNOWLEDGE] and rng.random() < MOVE_CHANCE and len(self.districts) > 1:
            actions[1:1] = [MOVE, ACKNOWLEDGE]           # wrong district: moved, then worked there
        at = created
        for action in actions:
            at = at + timedelta(hours=rng.expovariate(1 / 20))
            if at > self.now:
                break                                    # the demo's clock stops here: the case is where it got
            self.apply(plan, action, at)
        return plan

    def apply(self, plan: _Plan, action: str, at: datetime) -> None:
        row = plan.row
        before = row["status"]
        after = lifecycle.target(action, before, row["reference"])
        committee_id = row["committee_id"]
        actor = "reporter" if action == CANCEL else self.officer_of(committee_id)
        detail: dict = {"from": before, "to": after}
        if action == MOVE:
            target = self.rng.choice([c for c in self.districts if c.id != committee_id])
            plan.readers.append((committee_id, at))
            row.update(committee_id=target.id, province_code=target.province_code, district_code=target.district_code,
                       assigned_to=None, assigned_at=None)
            detail.update(frm=committee_id, reason="[DEMO] wrong district")
            committee_id = target.id
        elif action == ACKNOWLEDGE:
            row.update(acknowledged_by=actor, acknowledged_at=at)
        elif action == TAKE:
            row.update(assigned_to=actor, assigned_at=at)
        elif action == START:
            detail["activity"] = self.rng.choice(lifecycle.ACTIVITIES)
        elif action == REFER:
            service = self.rng.choice(self.data.services)
            plan.referrals.append(dict(service=service, agency="[DEMO] agency", contact=None, note=None,
                                       state=self.rng.choice(self.data.referral_states), by=actor, at=at,
                                       updated_at=at))
            detail["service"] = service
        elif action == CLOSE:
            outcome = self.rng.choice([o for o in self.data.outcomes if o != "moved"])
            row.update(closed_at=at, outcome=outcome)
            detail["outcome"] = outcome
        row.update(status=after, state_since=at)
        self.event(plan, at, action, actor, committee_id, **detail)
        if action == MOVE:
            self.event(plan, at, "alerted", "system", committee_id, recipients=2, reason="moved")
        if action in (TAKE, START) and self.rng.random() < 0.5:
            self.event(plan, at + timedelta(minutes=30), "note", actor, committee_id, text=self.rng.choice(NOTES))

    @staticmethod
    def event(plan: _Plan, at: datetime, kind: str, actor: str, committee_id: str, **detail) -> None:
        plan.events.append(dict(at=at, kind=kind, actor=actor, committee_id=committee_id, detail=detail))


def seed(session: Session, count: int, *, seed: int = 1, now: datetime) -> int:
    """Add `count` demo cases in the caller's transaction; returns how many were added.
    The same seed and now give the same cases."""
    maker = _Maker(session, random.Random(seed), now)
    made = 0
    while made < count:
        plans = [maker.plan() for _ in range(min(BATCH, count - made))]
        _insert(session, plans)
        made += len(plans)
    return made


def _insert(session: Session, plans: list[_Plan]) -> None:
    columns = {column.key for column in Case.__table__.columns}
    rows = [{key: plan.row.get(key) for key in columns if key != "id"} for plan in plans]
    ids = list(session.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), rows))
    events, referrals, readers = [], [], []
    for case_id, plan in zip(ids, plans, strict=True):
        events += [{**event, "case_id": case_id} for event in plan.events]
        referrals += [{**referral, "case_id": case_id} for referral in plan.referrals]
        readers += [{"case_id": case_id, "committee_id": committee_id, "since": since}
                    for committee_id, since in plan.readers]
    session.execute(insert(CaseEvent), events)
    if referrals:
        session.execute(insert(CaseReferral), referrals)
    if readers:
        session.execute(insert(CaseAccess), readers)
