"""The numbers page: the committees' numbers per month within the viewer's scope, as tables and
charts, and their CSV and XLSX exports (each export written to the access log).

Which cases count where, and the "<5" rule, are cases/stats.py's; dashboard/numbers_tables.py
lays the rows out. The page shows a month range (default: the last 12 months, Bangkok time).
The numbers of a scope and range are kept for a minute per process (`RecentNumbers`) and the page
says when they were counted.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from flask import Response, abort, current_app, g, render_template, request

from cases.roster import bangkok_time
from cases.stats import HIDDEN, CommitteeMonth, month_before, month_of, month_start, months_between
from storage import access_log, case_stats, directory

from . import numbers_tables
from .blueprint import bp
from .spreadsheet import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes
from .text import _
from .viewer import parts, signed_in

DEFAULT_MONTHS = 12
MAX_MONTHS = 36                        # a longer range is refused: the page stays quick to read and compute
EXPORTED = "numbers_exported"
FRESH_FOR = timedelta(seconds=60)      # how long counted numbers are shown again (the page says when they were counted)
KEPT = 32                              # scopes and ranges kept per process


class RecentNumbers:
    """Numbers counted in the last minute, per scope and month range, in this process: a reload,
    another officer of the same scope or an export does not count every case again."""

    def __init__(self):
        self._found: OrderedDict[tuple, tuple[datetime, list[CommitteeMonth]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, now: datetime, count) -> tuple[datetime, list[CommitteeMonth]]:
        """(when counted, rows): kept ones if counted less than FRESH_FOR ago, else `count()`'s."""
        with self._lock:
            kept = self._found.get(key)
        if kept is not None and timedelta(0) <= now - kept[0] < FRESH_FOR:
            return kept
        counted = (now, count())
        with self._lock:
            self._found[key] = counted
            self._found.move_to_end(key)
            while len(self._found) > KEPT:
                self._found.popitem(last=False)
        return counted


RECENT = "dashboard_numbers"     # app.extensions key of the process's RecentNumbers


def _recent() -> RecentNumbers:
    return current_app.extensions.setdefault(RECENT, RecentNumbers())


def forget_recent(app) -> None:
    """Count afresh on the next request (the benchmark times the counting itself)."""
    app.extensions.pop(RECENT, None)


def _period() -> tuple[str, str, str | None]:
    """The months asked for (from, to), or the default range and the reason it was not taken."""
    last = month_of(parts().clock())
    default = (month_before(last, DEFAULT_MONTHS - 1), last)
    first_asked, last_asked = request.args.get("from", ""), request.args.get("to", "")
    if not first_asked and not last_asked:
        return (*default, None)
    try:
        for asked in (first_asked, last_asked):
            if len(asked) != 7:
                raise ValueError(asked)
            month_start(asked)
    except ValueError:
        return (*default, _("dashboard.numbers.error.month"))
    if first_asked > last_asked:
        return (*default, _("dashboard.numbers.error.order"))
    if len(months_between(first_asked, last_asked)) > MAX_MONTHS:
        return (*default, _("dashboard.numbers.error.long", months=MAX_MONTHS))
    return first_asked, last_asked, None


def _numbers(first: str, last: str) -> tuple[datetime, numbers_tables.Numbers]:
    """When counted, and the numbers of the viewer's committees (national: every committee there
    is). A line per committee with cases in the period, and always for the viewer's own and those
    right under it (a province sees a district that had none; national is not given every quiet
    district)."""
    viewer = g.viewer
    committees = None if viewer.level == "national" else tuple(sorted(viewer.scope.below))
    with parts().db.sessions() as session:
        counted, rows = _recent().get((committees, first, last), parts().clock(), lambda: case_stats.committee_months(
            session, first_month=first, last_month=last, committees=committees))
        known = {c.id: c for c in directory.all_committees(session, active_only=False)}
    with_cases = {r.committee_id for r in rows}
    shown = [cid for cid in viewer.scope.below if cid in known and (
        cid in with_cases or cid == viewer.committee_id or known[cid].parent_id == viewer.committee_id)]
    names = [(cid, known[cid].name_in(g.language)) for cid in shown]
    return counted, numbers_tables.build(rows, months_between(first, last), names)


@bp.get("/numbers")
@signed_in
def numbers():
    first, last, error = _period()
    counted, found = _numbers(first, last)
    return render_template("dashboard/numbers.html", numbers=found, first=first, last=last, error=error,
                           all_months=_("dashboard.numbers.all_months"), hidden_mark=HIDDEN,
                           counted_at=bangkok_time(counted).strftime("%H:%M"))


@bp.get("/numbers/export.<fmt>")
@signed_in
def numbers_export(fmt: str):
    if fmt not in ("csv", "xlsx"):
        abort(404)
    first, last, error = _period()
    if error:
        abort(400)
    _counted, found = _numbers(first, last)
    all_months = _("dashboard.numbers.all_months")
    if fmt == "csv":
        header, rows = numbers_tables.export_rows(found, all_months)
        body, mimetype, count = csv_bytes(header, rows), CSV_TYPE, len(rows)
    else:
        sheets = numbers_tables.export_sheets(found, all_months)
        body, mimetype = xlsx_bytes(sheets), XLSX_TYPE
        count = sum(len(rows) for _header, rows in sheets.values())
    with parts().db.transaction() as session:
        access_log.record(session, g.viewer.officer_id, EXPORTED, parts().clock(), format=fmt,
                          months=f"{first}..{last}", rows=count)
    filename = f"numbers-{g.viewer.committee_id}-{first}-{last}.{fmt}"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
