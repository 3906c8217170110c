"""The numbers page's tables and chart data, built from cases/stats.py's rows for one viewer's
scope: every value passes through the stats module's "<5" rule (and its secondary suppression,
so no "<5" can be worked out by subtraction) before it is kept, so the page, its charts and its
exports can only show what may leave the committee.

A table is months across (then all the months together) and one line per committee, category
or measure down; the same tables make the page, the CSV (one file, a column naming the table)
and the XLSX (one sheet per table).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cases import stats
from cases.officer_text import OFFICER_MESSAGE_IDS, indicator_id
from cases.stats import CommitteeMonth

from .text import N_, _, date_text

# Labels of the values cases carry, from the officers' catalog (the same words LINE uses).
# (Indicators, "framework:name", are named by cases.officer_text.indicator_id: see value_label.)
_LABELS = {"by_kind": "officer.kind.{}", "by_urgency": "officer.urgency.{}", "by_sector": "officer.value.sector.{}",
           "outcomes": "officer.outcome.{}"}
_SPECIAL_LABELS = {stats.UNKNOWN: "officer.unknown", stats.NO_INDICATOR: "officer.indicators.none"}
_ORDER = {"by_urgency": ("urgent", "high", "standard")}      # most urgent first; others by size

_BREAKDOWN_TABLES = (("urgency", "by_urgency", N_("dashboard.numbers.table.urgency")),
                     ("kind", "by_kind", N_("dashboard.numbers.table.kind")),
                     ("sector", "by_sector", N_("dashboard.numbers.table.sector")),
                     ("indicator", "by_indicator", N_("dashboard.numbers.table.indicator")),
                     ("outcome", "outcomes", N_("dashboard.numbers.table.outcome")))
_FLOW = (("received", N_("dashboard.numbers.count.received")), ("moved_in", N_("dashboard.numbers.count.moved_in")),
         ("moved_out", N_("dashboard.numbers.count.moved_out")), ("open", N_("dashboard.numbers.count.open")),
         ("cancelled", N_("dashboard.numbers.count.cancelled")), ("closed", N_("dashboard.numbers.count.closed")),
         ("escalated", N_("dashboard.numbers.count.escalated")))
_TIMES = (("to_acknowledge", N_("dashboard.numbers.time.acknowledge")),
          ("to_take", N_("dashboard.numbers.time.take")), ("to_close", N_("dashboard.numbers.time.close")))
_WHICH = (("median", N_("dashboard.numbers.time.median")), ("p90", N_("dashboard.numbers.time.p90")))


@dataclass(frozen=True)
class Table:
    key: str                                   # stable, ASCII: the CSV's table column, the XLSX sheet
    title: str
    row_header: str
    rows: list[tuple[str, list]]               # (label, one shown value per column)
    keys: tuple[str, ...] = ()                 # a breakdown's values (urgent, fishing...), row by row


@dataclass(frozen=True)
class Numbers:
    months: list[str]                          # YYYY-MM, the columns (then all of them together)
    tables: list[Table]
    charts: dict                               # what numbers.js draws, shown values only


def value_label(attribute: str, key: str) -> str:
    """A category's words (urgency, kind, sector, indicator, outcome), its id if it has none. An
    indicator is "framework:name" (cases/screening), said as "framework: name" as on a case."""
    if attribute == "by_indicator" and key not in _SPECIAL_LABELS:
        framework, _sep, name = key.rpartition(":")
        name_id, framework_id = indicator_id(framework, name), OFFICER_MESSAGE_IDS.get(f"framework.{framework}")
        name_words = _(name_id) if name_id else name.replace("_", " ")
        return f"{_(framework_id)}: {name_words}" if framework_id else name_words
    message_id = _SPECIAL_LABELS.get(key) or _LABELS[attribute].format(key)
    found = _(message_id)
    return key if found == message_id else found


# Which line of the cases table a breakdown's months add up to (indicators count a case once each).
_ADDS_UP_TO = {"by_urgency": "received", "by_kind": "received", "by_sector": "received", "outcomes": "closed"}
# The cases' flow per column: received + moved in == moved out + open + cancelled + closed.
_FLOW_IDENTITY = ("received", "moved_in", "moved_out", "open", "cancelled", "closed")


def build(rows: Sequence[CommitteeMonth], months: list[str], committees: list[tuple[str, str]]) -> Numbers:
    """`rows` of the viewer's scope; `committees` (id, name) in the order to show them. Every count
    is shown through cases/stats.py's `hidden_cells`, over all the tables' lines at once (a line's
    sum may be shown in another table)."""
    by_month = {month: stats.combine([r for r in rows if r.month == month], month=month) for month in months}
    columns = [*(by_month[m] for m in months), stats.combine(by_month.values())]
    width = len(columns)
    counts: dict[tuple[str, int, int], int] = {}
    lines: list[list[tuple[str, int, int]]] = []

    def count_table(key: str, values: list[list[int]]) -> None:
        """A table of counts: a line per row (months and their total), cells keyed (table, row, column)."""
        for i, line in enumerate(values):
            counts.update({(key, i, j): value for j, value in enumerate(line)})
            lines.append([(key, i, j) for j in range(width)])

    named = dict(committees)
    shown_committees = list(named) + sorted({r.committee_id for r in rows} - set(named))
    per_committee = []
    for committee in shown_committees:
        mine = {r.month: r for r in rows if r.committee_id == committee}
        values = [mine[m].received if m in mine else 0 for m in months]
        per_committee.append([*values, sum(values)])
    per_committee.append([c.received for c in columns])
    count_table("committees", per_committee)
    total = len(per_committee) - 1
    lines.extend([("committees", i, j) for i in range(len(per_committee))] for j in range(width))

    flow = [attribute for attribute, _label in _FLOW]
    count_table("cases", [[getattr(c, attribute) for c in columns] for attribute in flow])
    lines.extend([("cases", flow.index(a), j) for a in _FLOW_IDENTITY] for j in range(width))
    lines.extend([("committees", total, j), ("cases", flow.index("received"), j)] for j in range(width))

    breakdown_keys = {}
    for key, attribute, _title in _BREAKDOWN_TABLES:
        found = getattr(columns[-1], attribute)
        preferred = [k for k in _ORDER.get(attribute, ()) if k in found]
        keys = breakdown_keys[key] = preferred + sorted((k for k in found if k not in preferred),
                                                        key=lambda k: (-found[k], k))
        count_table(key, [[getattr(c, attribute)[k] for c in columns] for k in keys])
        if attribute in _ADDS_UP_TO:
            of_sum = ("cases", flow.index(_ADDS_UP_TO[attribute]))
            lines.extend([*((key, i, j) for i in range(len(keys))), (*of_sum, j)] for j in range(width))

    hidden = stats.hidden_cells(counts, lines)

    def shown(key: str, i: int) -> list:
        return [stats.shown_cell(counts[key, i, j], hidden, (key, i, j)) for j in range(width)]

    labels = [named.get(c, c) for c in shown_committees] + [_("dashboard.numbers.total")]
    tables = [Table("committees", _("dashboard.numbers.table.committees"), _("dashboard.numbers.committee"),
                    [(label, shown("committees", i)) for i, label in enumerate(labels)]),
              Table("cases", _("dashboard.numbers.table.cases"), _("dashboard.numbers.measure"),
                    [(_(label), shown("cases", i)) for i, (_attribute, label) in enumerate(_FLOW)])]
    for key, attribute, title in _BREAKDOWN_TABLES:
        keys = breakdown_keys[key]
        tables.append(Table(key, _(title), _("dashboard.numbers.value"),
                            [(value_label(attribute, k), shown(key, i)) for i, k in enumerate(keys)], tuple(keys)))
    tables.append(Table("times", _("dashboard.numbers.table.times"), _("dashboard.numbers.measure"),
                        [(_("dashboard.numbers.time.row", step=_(step), which=_(which_label)),
                          [stats.shown_hours(c.durations(attribute), which) for c in columns])
                         for attribute, step in _TIMES for which, which_label in _WHICH]))
    return Numbers(months, tables, _charts(tables, months))


def _charts(tables: list[Table], months: list[str]) -> dict:
    """The three charts' data: month by month (the "all months" column is left out)."""
    table = {t.key: t for t in tables}
    return {
        "months": months,
        "month_labels": [date_text(month) for month in months],
        "suppressed_label": stats.SUPPRESSED,          # the mark of a hidden value the data does not name
        "hours_label": _("dashboard.numbers.chart.hours"),
        "received": [{"label": label, "key": key, **stats.chart_series(values[:-1])}
                     for (label, values), key in zip(table["urgency"].rows, table["urgency"].keys, strict=True)],
        "outcomes": {"labels": [label for label, _values in table["outcome"].rows],
                     **stats.chart_series(values[-1] for _label, values in table["outcome"].rows)},
        "times": [{"label": label, **stats.chart_series(values[:-1])} for label, values in table["times"].rows],
    }


def export_rows(numbers: Numbers, all_months: str) -> tuple[list[str], list[list]]:
    """All tables as one sheet: the table's key, the line's label, its values month by month."""
    header = ["table", "row", *numbers.months, all_months]
    return header, [[table.key, label, *values] for table in numbers.tables for label, values in table.rows]


def export_sheets(numbers: Numbers, all_months: str) -> dict:
    """One sheet per table, named by its key."""
    return {table.key: ([table.row_header, *numbers.months, all_months], [[label, *values] for label, values in
                                                                           table.rows])
            for table in numbers.tables}
