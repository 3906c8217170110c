"""A committee's numbers per month, computed from the cases' audit trail (pure: facts in, numbers out).

`flask cases stats` (storage/stats_cli.py) prints them; storage/case_stats.py reads the facts. The
dashboard's numbers page (dashboard/numbers.py) shows the same rows, with the same "<5" rule, as
tables and charts.

A case's facts (`CaseFacts`, one per case, `case_facts`; the counting below reads only them): its plain
columns (committee, kind, urgency, sector, indicators, outcome) and, from its TRAIL (its audit
events from its first "created" one on; those before it are ignored): when the trail starts (the
"created" event's time; the case's created_at when there is none) and the committee that event
names (the case's column when there is none); the seconds to the first "acknowledged", the first
"taken" and the first "closed"; the kind of the last of closed / reopened / cancelled; whether it
was escalated; and its "moved" events, in order.

How a case is counted (the rules, in one place):
- Month: the month (Bangkok time) its trail starts. A month's numbers are those of the cases
  received in it, so a recent month still changes while its cases are open ("open" says how many).
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
  cancelled); none of them: open. The outcome is the case's outcome column (it holds the last
  close's); "unknown" without one.
- Times, from the start of the trail: to acknowledge = to the first "acknowledged" (or the first
  "taken", if the case was taken without being acknowledged first: taking answers the alert too);
  to take = to the first "taken"; to close = to the first "closed" (a reopened case keeps its first
  close). Median (middle value, the mean of the two middle ones for an even count) and 90th
  percentile (nearest rank: the smallest value that at least 90% of the cases do not exceed).
- Totals (several committees or months as one row, `combine`): counts add up, times are pooled
  (the median of all the cases, not a median of medians).
- Small numbers: a count from 1 to 4, and a time measured on fewer than 5 cases, is shown as "<5"
  unless `exact` is asked for: numbers that leave the committee's own desk must not let anyone
  pick out a person. Zero stays 0. Charts get the shown values only (`chart_series`): a
  suppressed value has no height, only its "<5" label.
- Secondary ("complementary") suppression, `hidden_cells`: where shown numbers add up (a row and
  its total, a column and its total, the cases' flow identity above, a breakdown and the cases it
  breaks down), one hidden cell would be given away by subtraction (6, "<5", total 8). So in every
  such line with exactly one hidden cell, the smallest other nonzero cell is hidden too, and again
  until no line has exactly one hidden cell. Such a cell is shown as "x" (a "<5" would be untrue).
  Tables, charts and exports all show what it leaves.
"""
from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from types import MappingProxyType
from typing import NamedTuple

from .roster import BANGKOK, bangkok_time

SMALL = 5                     # counts below this (but above 0) are shown as "<5" outside the committee
SUPPRESSED = f"<{SMALL}"
HIDDEN = "x"                  # a count of 5 or more hidden so that a "<5" cannot be worked out (`hidden_cells`)
UNKNOWN = "unknown"
NO_INDICATOR = "none"
TOTAL = "total"               # the committee of a row that adds several up
ALL_MONTHS = "all"            # the month of a row that adds several up

# The events a case's facts are read from (storage/case_stats.py), and those that end a case.
COUNTED_KINDS = ("created", "acknowledged", "taken", "moved", "closed", "reopened", "cancelled", "escalated")
ENDINGS = ("closed", "reopened", "cancelled")
# Where a "moved" event names the committee it went to, first found wins; else the event's committee.
_MOVED_TO_KEYS = ("to_committee", "to_committee_id", "committee_id", "committee", "target")


NO_DETAIL: Mapping = MappingProxyType({})
_MARKS = (SUPPRESSED, HIDDEN)


class Move(NamedTuple):
    """A "moved" event of a case's trail: its committee and its (decrypted) detail."""

    committee_id: str | None
    detail: Mapping = NO_DETAIL


class CaseFacts(NamedTuple):
    """What the numbers need of one case (the module docstring says what each fact is); a tuple:
    thousands are made per page."""

    id: int
    committee_id: str                     # the committee its "created" event names (else the case's column)
    kind: str
    urgency: str
    sector: str | None
    start: float                          # when its trail starts, POSIX seconds
    indicators: tuple[str, ...] = ()
    outcome: str | None = None            # the case's column: the last close's outcome, if closed
    acknowledged: float | None = None     # seconds from the start to the first "acknowledged"
    taken: float | None = None            # ... to the first "taken"
    closed: float | None = None           # ... to the first "closed"
    ending: str | None = None             # the kind of the last of closed / reopened / cancelled
    escalated: bool = False
    moves: tuple[Move, ...] = ()


class CaseRow(NamedTuple):
    """A case's plain columns, as storage reads them."""

    id: int
    committee_id: str
    kind: str
    urgency: str
    sector: str | None
    created_at: float                     # POSIX seconds
    indicators: tuple[str, ...] = ()
    outcome: str | None = None


class EventRow(NamedTuple):
    """One audit event of a counted kind; `detail` only where it was read ("moved")."""

    case_id: int
    id: int
    at: float                             # POSIX seconds
    kind: str
    committee_id: str | None = None
    detail: Mapping = NO_DETAIL


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


def month_of(value: datetime | float) -> str:
    """The YYYY-MM month in Bangkok of a time (naive = UTC, as SQLite gives it) or POSIX seconds."""
    local = bangkok_time(value) if isinstance(value, datetime) else datetime.fromtimestamp(value, BANGKOK)
    return f"{local.year:04d}-{local.month:02d}"


@lru_cache(maxsize=65536)
def _month_of_hour(hour: int) -> str:
    """The month of an hour since the epoch (Bangkok's offset is whole hours: a month starts on one)."""
    return month_of(hour * 3600.0)


def month_start(month: str) -> datetime:
    """The first instant of a YYYY-MM month in Bangkok, as UTC (ValueError if not a month)."""
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=BANGKOK)
    return start.astimezone(UTC)


def month_after(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _moved_to(move: Move, holder: str) -> str | None:
    detail = move.detail or {}
    for key in _MOVED_TO_KEYS:
        value = detail.get(key)
        if isinstance(value, str) and value:
            return value
    return move.committee_id if move.committee_id and move.committee_id != holder else None


_TRAIL_ORDER = itemgetter(2, 1)          # an EventRow's (at, id): a trail is in time order, then id order


def case_facts(cases: Iterable[CaseRow], events: Iterable[EventRow]) -> list[CaseFacts]:
    """Each case's facts from its plain columns and its events (in any order)."""
    trails: dict[int, list[EventRow]] = {}
    for event in events:
        trails.setdefault(event.case_id, []).append(event)
    found = []
    for case_id, holder, kind, urgency, sector, start, indicators, outcome in cases:
        trail = sorted(trails.get(case_id, ()), key=_TRAIL_ORDER)
        for _case, _id, at, step, committee, _detail in trail:
            if step == "created":
                start, holder = at, committee or holder
                break
        firsts: dict[str, float] = {}
        ending, escalated, moves = None, False, []
        for _case, _id, at, step, committee, detail in trail:
            if at < start:
                continue
            if step not in firsts:
                firsts[step] = at - start
            if step in ENDINGS:
                ending = step
            elif step == "moved":
                moves.append(Move(committee, detail))
            elif step == "escalated":
                escalated = True
        found.append(CaseFacts(case_id, holder, kind, urgency, sector, start, indicators, outcome,
                               firsts.get("acknowledged"), firsts.get("taken"), firsts.get("closed"), ending,
                               escalated, tuple(moves)))
    return found


def compute(cases: Iterable[CaseFacts], committee_id: str | None = None, first_month: str | None = None,
            last_month: str | None = None, committees: Collection[str] | None = None) -> list[CommitteeMonth]:
    """The numbers per (committee, month), sorted by committee then month; only rows of
    `committee_id` if given (or of `committees`), only months from `first_month` to `last_month`
    (YYYY-MM, inclusive)."""
    table: dict[tuple[str, str], CommitteeMonth] = {}

    def row(committee: str, month: str) -> CommitteeMonth:
        found = table.get((committee, month))
        if found is None:
            found = table[committee, month] = CommitteeMonth(committee, month)
        return found

    for (_id, holder, kind, urgency, sector, start, indicators, outcome, acknowledged, taken, closed, ending,
         escalated, moves) in cases:
        month = _month_of_hour(int(start // 3600))
        if (first_month and month < first_month) or (last_month and month > last_month):
            continue
        first = final = row(holder, month)
        first.received += 1
        first.by_kind[kind or UNKNOWN] += 1
        first.by_urgency[urgency or UNKNOWN] += 1
        first.by_sector[sector or UNKNOWN] += 1
        by_indicator = first.by_indicator
        for indicator in dict.fromkeys(indicators or (NO_INDICATOR,)):
            by_indicator[indicator] += 1
        for move in moves:
            target = _moved_to(move, holder)
            if target is None or target == holder:
                continue
            final.moved_out += 1
            final = row(target, month)
            final.moved_in += 1
            holder = target

        if ending is None or ending == "reopened":
            final.open += 1
        elif ending == "cancelled":
            final.cancelled += 1
        else:
            final.closed += 1
            final.outcomes[outcome or UNKNOWN] += 1
        if escalated:
            final.escalated += 1
        if acknowledged is not None or taken is not None:
            final.to_acknowledge.append(acknowledged if acknowledged is not None else taken)
        if taken is not None:
            final.to_take.append(taken)
        if closed is not None:
            final.to_close.append(closed)

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
    """Shown values as a chart draws them: a hidden one ("<5" or "x") gets no height (null) and its
    mark, so the chart writes the mark where it stands and its true size never reaches the browser."""
    shown = list(shown)
    return {"data": [None if value in _MARKS else value for value in shown],
            "suppressed": [value if value in _MARKS else False for value in shown]}


def shown_cell(value: int, hidden: Collection, cell: Hashable) -> int | str:
    """A count as `hidden_cells` left it: the number, "<5" (a small one) or "x" (hidden with it)."""
    if cell not in hidden:
        return value
    return SUPPRESSED if 0 < value < SMALL else HIDDEN


def hidden_cells(counts: Mapping[Hashable, int], lines: Iterable[Sequence[Hashable]],
                 exact: bool = False) -> set[Hashable]:
    """The cells to show as "<5": the small counts, and as many others as it takes so that no
    line (cells bound by a sum: a row and its total, a column and its total...) has exactly one
    hidden cell, which its line would give away; each time the line's smallest other nonzero cell
    (the first of equals). Nothing is hidden when `exact`."""
    if exact:
        return set()
    hidden = {cell for cell, value in counts.items() if 0 < value < SMALL}
    lines = [tuple(line) for line in lines]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            others = [cell for cell in line if cell not in hidden and counts[cell] > 0]
            if others:
                hidden.add(min(others, key=counts.__getitem__))
                changed = True
    return hidden


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
