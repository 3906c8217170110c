"""The directory page's content: per committee, its officers, who is on duty now (Bangkok time) and who
comes on duty next, built from the rows storage/directory_admin reads, so the template only lays it out.

"Next" is the earliest start of a duty window among the active officers not on duty now: the person an
alert will reach after the present shift, which is what a committee checks before a weekend.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from cases.roster import next_duty_start, roster_covers
from storage.directory_admin import DirectoryRows

from .text import N_, _

DAY_WORDS = {"mon": N_("dashboard.directory.day.mon"), "tue": N_("dashboard.directory.day.tue"),
             "wed": N_("dashboard.directory.day.wed"), "thu": N_("dashboard.directory.day.thu"),
             "fri": N_("dashboard.directory.day.fri"), "sat": N_("dashboard.directory.day.sat"),
             "sun": N_("dashboard.directory.day.sun"), "daily": N_("dashboard.directory.day.daily")}
DAY_SPELLINGS = {"monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu", "friday": "fri",
                 "saturday": "sat", "sunday": "sun", "all": "daily", "every day": "daily", "everyday": "daily"}


@dataclass(frozen=True)
class OfficerLine:
    id: str
    name: str
    role: str | None
    linked: bool
    active: bool
    admin: bool
    roster: str
    on_duty: bool


@dataclass(frozen=True)
class CommitteeBlock:
    id: str
    name: str
    level: str
    parent_id: str | None
    active: bool
    group_linked: bool
    waiting_groups: int
    officers: list[OfficerLine]
    on_duty: list[OfficerLine]
    next_on_duty: list[OfficerLine]
    next_at: datetime | None


def _days_text(spec: str) -> str:
    """"mon-fri", "sat,sun", "daily" in the viewer's language."""
    def word(match: re.Match) -> str:
        token = DAY_SPELLINGS.get(match.group(0), match.group(0))
        return _(DAY_WORDS[token]) if token in DAY_WORDS else match.group(0)
    return re.sub(r"\s*,\s*", ", ", re.sub(r"every ?day|[a-z]+", word, spec))


def roster_text(roster) -> str:
    """A roster in one line: "always", "none", or its windows with days in the viewer's language."""
    if roster == "always":
        return _("dashboard.directory.roster.always")
    if not roster or not isinstance(roster, list):
        return _("dashboard.directory.roster.never")
    return "; ".join(f"{_days_text(w['days'])} {w['from']}–{w['to']}" for w in roster)


def committee_blocks(rows: DirectoryRows, now: datetime, language: str) -> list[CommitteeBlock]:
    blocks = []
    for committee in rows.committees:
        lines, starts = [], {}
        for officer in rows.officers.get(committee.id, []):
            on_duty = officer.active and committee.active and roster_covers(officer.roster, now)
            lines.append(OfficerLine(officer.id, officer.name, officer.role, officer.line_user_id is not None,
                                     officer.active, bool(officer.admin), roster_text(officer.roster), on_duty))
            if officer.active and committee.active and not on_duty:
                start = next_duty_start(officer.roster, now)
                if start is not None:
                    starts[officer.id] = start
        next_at = min(starts.values(), default=None)
        blocks.append(CommitteeBlock(
            committee.id, committee.name_in(language), committee.level,
            committee.parent_id, committee.active, committee.line_group_id is not None,
            rows.waiting_groups.get(committee.id, 0), lines, [line for line in lines if line.on_duty],
            [line for line in lines if next_at is not None and starts.get(line.id) == next_at], next_at))
    return blocks
