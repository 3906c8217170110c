"""A committee's numbers per month, computed from the cases' audit trail (pure: rows in, numbers out).

`flask cases stats` (storage/stats_cli.py) prints them; storage/case_stats.py reads the rows.
Everything is derived from the EVENTS (case_events: created, acknowledged, taken, moved, closed,
reopened, cancelled, escalated) plus a case's plain columns (committee, kind, urgency, sector,
indicators, outcome, created_at). The dashboard's numbers page (dashboard/numbers.py) shows the
same rows, with the same "<5" rule, as tables and charts.

How a case is counted (the rules, in one place):
- Month: the month (Bangkok time) the case was received, i.e. of its "created" event (the case's
  created_at when there is none). A month's numbers are those of the cases received in it, so a
  recent month still changes while its cases are open ("open" says how many are).
- Committee: a case is received by the committee of its "created" event. A "moved" event hands it
  to another committee: the one it left counts it as "moved out" (the outcome "moved to another
  committee"), the one it went to as "moved in". Escalation does not hand a case over: the
  committees above help, the case stays the holder's. Everything else about a case (its state and
  outcome, escalated, the three times) counts for the committee holding it at the end, i.e. the one
  that closed it. So for every committee and month:
      received + moved in == moved out + open + cancelled + closed.
- Breakdowns of the cases received: by kind, urgency, sector and indicator (a case with several
  indicators counts once under each; one with none under "none").
- State at the end: the last of closed / reopened / cancelled decides (closed, open again, or
  cancelled); none of them: open. The outcome is that of the last "closed" event (detail
  "outcome"; when the detail was not read, the case's outcome column, which holds the last
  close's; "unknown" if neither has one).
- Times, from the "created" event: to acknowledge = to the first "acknowledged" event (or the first
  "taken", if the case was taken without being acknowledged first: taking answers the alert too);
  to take = to the first "taken"; to close = to the first "closed" (a reopened case keeps its first
  close). Events before the "created" one are ignored. Median (middle value, the mean of the two
  middle ones for an even count) and 90th percentile (nearest rank: the smallest value that at
  least 90% of the cases do not exceed).
- Totals (several committees or months as one row, `combine`): counts add up, times are pooled
  (the median of all the cases, not a median of medians).
- Small numbers: a count from 1 to 4, and a time measured on fewer than 5 cases, is shown as "<5"
  unless `exact` is asked for: numbers that leave the committee's own desk must not let anyone
  pick out a person. Zero stays 0. Charts get the shown values only (`chart_series`): a
  suppressed value has no height, only its "<5" label.
"""
from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from types import MappingProxyType
from typing import NamedTuple

from .roster import BANGKOK

SMALL = 5                     # counts below this (but above 0) are shown as "<5" outside the committee
SUPPRESSED = f"<{SMALL}"
UNKNOWN = "unknown"
NO_INDICATOR = "none"
TOTAL = "total"               # the committee of a row that adds several up
ALL_MONTHS = "all"            # the month of a row that adds several up

# The event kinds the numbers are made of (the storage query reads only these).
COUNTED_KINDS = ("created", "acknowledged", "taken", "moved", "closed", "reopened", "cancelled", "escalated")
_ENDINGS = ("closed", "reopened", "cancelled")
_TIME_AND_ID = itemgetter(0, 1)         # a trail's order: (time, event id, event) by time, then id
# Where a "moved" event names the committee it went to, first found wins; else the event's committee.
_MOVED_TO_KEYS = ("to_committee", "to_committee_id", "committee_id", "committee", "target")


NO_DETAIL: Mapping = MappingProxyType({})


class CaseRow(NamedTuple):
    """A case's plain columns (a tuple: tens of thousands are made per page)."""

    id: int
    committee_id: str
    kind: str
    urgency: str
    sector: str | None
    created_at: datetime
    indicators: tuple[str, ...] = ()
    outcome: str | None = None            # the case's column: the last close's outcome, if closed


class EventRow(NamedTuple):
    """One counted audit event; `detail` only where it was read."""

    case_id: int
    at: datetime
    kind: str
    committee_id: str | None = None
    detail: Mapping = NO_DETAIL
    id: int = 0


@dataclass(frozen=True)
class Durations:
    """Seconds from a case's creation to one of its steps, over the cases that took it."""
    values: tuple[float, ...] = ()

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def p90(self) -> float | None:
        if not self.values:
            return None
        ordered = sorted(self.values)
        return ordered[math.ceil(0.9 * len(ordered)) - 1]


@dataclass
class CommitteeMonth:
    committee_id: str
    month: str                                   # YYYY-MM, Bangkok time
    received: int = 0
    moved_in: int = 0
    moved_out: int = 0
    open: int = 0
    cancelled: int = 0
    closed: int = 0
    escalated: int = 0
    by_kind: Counter = field(default_factory=Counter)
    by_urgency: Counter = field(default_factory=Counter)
    by_sector: Counter = field(default_factory=Counter)
    by_indicator: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    to_acknowledge: list = field(default_factory=list)
    to_take: list = field(default_factory=list)
    to_close: list = field(default_factory=list)

    def durations(self, which: str) -> Durations:
        return Durations(tuple(getattr(self, which)))


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)   # SQLite: naive = UTC


def month_of(value: datetime) -> str:
    local = _utc(value).astimezone(BANGKOK)
    return f"{local.year:04d}-{local.month:02d}"


def month_start(month: str) -> datetime:
    """The first instant of a YYYY-MM month in Bangkok, as UTC (ValueError if not a month)."""
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=BANGKOK)
    return start.astimezone(UTC)


def month_after(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _moved_to(event: EventRow, holder: str) -> str | None:
    detail = event.detail or {}
    for key in _MOVED_TO_KEYS:
        value = detail.get(key)
        if isinstance(value, str) and value:
            return value
    return event.committee_id if event.committee_id and event.committee_id != holder else None


def compute(cases: Iterable[CaseRow], events: Iterable[EventRow], committee_id: str | None = None,
            first_month: str | None = None, last_month: str | None = None,
            committees: Collection[str] | None = None) -> list[CommitteeMonth]:
    """The numbers per (committee, month), sorted by committee then month; only rows of
    `committee_id` if given (or of `committees`), only months from `first_month` to `last_month`
    (YYYY-MM, inclusive)."""
    trails: dict[int, list[tuple[datetime, int, EventRow]]] = {}
    for event in events:
        if event.kind in COUNTED_KINDS:
            trails.setdefault(event.case_id, []).append((_utc(event.at), event.id, event))
    table: dict[tuple[str, str], CommitteeMonth] = {}

    def row(committee: str, month: str) -> CommitteeMonth:
        if (committee, month) not in table:
            table[committee, month] = CommitteeMonth(committee, month)
        return table[committee, month]

    for case in cases:
        timed = sorted(trails.get(case.id, ()), key=_TIME_AND_ID)
        created = next(((at, e) for at, _id, e in timed if e.kind == "created"), None)
        start = created[0] if created else _utc(case.created_at)
        month = month_of(start)
        if (first_month and month < first_month) or (last_month and month > last_month):
            continue
        trail = [(at, e) for at, _id, e in timed if at >= start]
        holder = (created[1].committee_id if created else None) or case.committee_id

        first = row(holder, month)
        first.received += 1
        first.by_kind[case.kind or UNKNOWN] += 1
        first.by_urgency[case.urgency or UNKNOWN] += 1
        first.by_sector[case.sector or UNKNOWN] += 1
        for indicator in dict.fromkeys(case.indicators or (NO_INDICATOR,)):
            first.by_indicator[indicator] += 1
        for _at, event in trail:
            if event.kind != "moved":
                continue
            target = _moved_to(event, holder)
            if target is None or target == holder:
                continue
            row(holder, month).moved_out += 1
            row(target, month).moved_in += 1
            holder = target

        final = row(holder, month)
        ending = next((e for _at, e in reversed(trail) if e.kind in _ENDINGS), None)
        if ending is None or ending.kind == "reopened":
            final.open += 1
        elif ending.kind == "cancelled":
            final.cancelled += 1
        else:
            final.closed += 1
            final.outcomes[str((ending.detail or {}).get("outcome") or case.outcome or UNKNOWN)] += 1
        if any(e.kind == "escalated" for _at, e in trail):
            final.escalated += 1

        firsts: dict[str, datetime] = {}
        for at, event in trail:
            firsts.setdefault(event.kind, at)
        acknowledged = firsts.get("acknowledged") or firsts.get("taken")
        for at, bucket in ((acknowledged, final.to_acknowledge), (firsts.get("taken"), final.to_take),
                           (firsts.get("closed"), final.to_close)):
            if at is not None:
                bucket.append((at - start).total_seconds())

    rows = [r for r in table.values() if (committee_id is None or r.committee_id == committee_id)
            and (committees is None or r.committee_id in committees)]
    return sorted(rows, key=lambda r: (r.committee_id, r.month))


# A row's measures: (attribute, the name `flask cases stats` prints it under).
COUNTS = ("received", "moved_in", "moved_out", "open", "cancelled", "closed", "escalated")
_BREAKDOWNS = (("by_kind", "kind"), ("by_urgency", "urgency"), ("by_sector", "sector"),
               ("by_indicator", "indicator"), ("outcomes", "outcome"))
_TIMES = (("to_acknowledge", "acknowledge"), ("to_take", "take"), ("to_close", "close"))
BREAKDOWNS = tuple(attribute for attribute, _label in _BREAKDOWNS)
TIMES = tuple(attribute for attribute, _label in _TIMES)


def combine(rows: Iterable[CommitteeMonth], committee_id: str = TOTAL, month: str = ALL_MONTHS) -> CommitteeMonth:
    """Several rows as one (a total over committees or months): counts added, breakdowns added,
    times pooled so the median and p90 are those of all the cases."""
    total = CommitteeMonth(committee_id, month)
    for r in rows:
        for name in COUNTS:
            setattr(total, name, getattr(total, name) + getattr(r, name))
        for name in BREAKDOWNS:
            getattr(total, name).update(getattr(r, name))
        for name in TIMES:
            getattr(total, name).extend(getattr(r, name))
    return total


def months_between(first_month: str, last_month: str) -> list[str]:
    """Every YYYY-MM from the first to the last, included."""
    months, month = [], first_month
    while month <= last_month:
        months.append(month)
        month = month_after(month)
    return months


def month_before(month: str, count: int = 1) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + number - 1 - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# -- printing ------------------------------------------------------------------------------------
def hours_minutes(seconds: float | None) -> str:
    """h:mm (hours may pass 24: 50:03 is two days and two hours and three minutes)."""
    if seconds is None:
        return "-"
    minutes = int(seconds / 60 + 0.5)          # to the nearest minute, half up
    return f"{minutes // 60}:{minutes % 60:02d}"


def count_text(value: int, exact: bool) -> str:
    return str(shown_count(value, exact))


def shown_count(value: int, exact: bool = False) -> int | str:
    """A count as it may be shown outside the committee: the number, or "<5"."""
    return SUPPRESSED if not exact and 0 < value < SMALL else value


def shown_hours(durations: Durations, which: str, exact: bool = False) -> float | str | None:
    """A median or p90 ("median" | "p90") in hours to one decimal; "<5" when measured on fewer
    than 5 cases; None when no case took that step."""
    if durations.count == 0:
        return None
    if not exact and durations.count < SMALL:
        return SUPPRESSED
    seconds = durations.median if which == "median" else durations.p90
    return round(seconds / 3600, 1)


def chart_series(shown: Iterable[int | float | str | None]) -> dict:
    """Shown values as a chart draws them: a suppressed one gets no height (null) and a flag, so
    the chart writes "<5" where it stands and its true size never reaches the browser."""
    shown = list(shown)
    return {"data": [None if value == SUPPRESSED else value for value in shown],
            "suppressed": [value == SUPPRESSED for value in shown]}


def duration_text(durations: Durations, which: str, exact: bool) -> str:
    if durations.count == 0:
        return "-"
    if not exact and durations.count < SMALL:
        return SUPPRESSED
    return hours_minutes(durations.median if which == "median" else durations.p90)


def measures(rows: list[CommitteeMonth]) -> list[str]:
    """The measures' names, in print order: counts, breakdowns (keys seen in any row), times."""
    names = list(COUNTS)
    for attribute, label in _BREAKDOWNS:
        keys = sorted({key for r in rows for key in getattr(r, attribute)})
        names += [f"{label}:{key}" for key in keys]
    for _attribute, label in _TIMES:
        names += [f"time to {label} median (h:mm)", f"time to {label} p90 (h:mm)"]
    return names


def value_text(r: CommitteeMonth, measure: str, exact: bool) -> str:
    if measure in COUNTS:
        return count_text(getattr(r, measure), exact)
    if measure.startswith("time to "):
        label, which = measure[len("time to "):].split(" ")[:2]
        attribute = next(a for a, name in _TIMES if name == label)
        return duration_text(r.durations(attribute), which, exact)
    label, key = measure.split(":", 1)
    attribute = next(a for a, name in _BREAKDOWNS if name == label)
    return count_text(getattr(r, attribute)[key], exact)


def table_text(rows: list[CommitteeMonth], exact: bool) -> str:
    """One block per committee: the measures down, its months across."""
    if not rows:
        return "no cases in that period"
    names = measures(rows)
    blocks = []
    for committee in dict.fromkeys(r.committee_id for r in rows):
        mine = [r for r in rows if r.committee_id == committee]
        lines = [[committee] + [r.month for r in mine]]
        lines += [[name] + [value_text(r, name, exact) for r in mine] for name in names]
        widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
        blocks.append("\n".join(
            "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line))
            .rstrip() for line in lines))
    return "\n\n".join(blocks)


def csv_rows(rows: list[CommitteeMonth], exact: bool) -> list[list[str]]:
    """A header and one line per committee and month (the same texts as the table)."""
    names = measures(rows)
    return [["committee", "month", *names]] + [[r.committee_id, r.month, *(value_text(r, n, exact) for n in names)]
                                               for r in rows]
