"""The case list: the viewer's cases filtered, sorted and paged in SQL, counts per state as
filter links, overdue cases marked in words; and the filtered list as CSV or XLSX (no personal
data: what a committee triages by), each export written to the access log."""
from __future__ import annotations

import math

from flask import Response, abort, g, redirect, render_template, request, url_for

from cases.lifecycle import STATES
from cases.roster import bangkok_time
from cases.screening import URGENCY_LEVELS
from storage import access_log
from storage import dashboard_cases as queries

from . import case_filters
from .blueprint import bp
from .case_words import officer_words, state_name
from .spreadsheet import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes
from .text import N_, _, language
from .viewer import parts, signed_in

PAGE_SIZE = 50
SORT_NAMES = {"newest": N_("dashboard.cases.sort.newest"), "oldest": N_("dashboard.cases.sort.oldest"),
              "urgency": N_("dashboard.cases.sort.urgency"), "state": N_("dashboard.cases.sort.state"),
              "committee": N_("dashboard.cases.sort.committee")}
EXPORT_TIME = "%Y-%m-%d %H:%M"
EXPORTS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
EXPORT_COLUMNS = (N_("dashboard.cases.column.reference"), N_("dashboard.cases.column.created"),
                  N_("dashboard.cases.column.committee"), N_("dashboard.cases.column.kind"),
                  N_("dashboard.cases.column.sector"), N_("dashboard.cases.column.urgency"),
                  N_("dashboard.cases.column.state"), N_("dashboard.cases.column.outcome"),
                  N_("dashboard.cases.column.overdue"))


@bp.get("/cases")
@signed_in
def case_list():
    viewer = g.viewer
    now = parts().clock()
    with parts().db.transaction() as db:
        names = queries.committee_names(db, viewer.scope.below, language())
        filters, dropped = case_filters.parse(request.args, tuple(names))
        head = queries.summary(db, viewer.scope, filters, now)
        total = head.total
        pages = max(1, math.ceil(total / PAGE_SIZE))
        if filters.page > pages:
            return redirect(url_for("dashboard.case_list", **case_filters.query(filters, page=pages)), code=303)
        rows = queries.list_cases(db, viewer.scope, filters, now, limit=PAGE_SIZE,
                                  offset=(filters.page - 1) * PAGE_SIZE)
        names.update(queries.committee_names(db, {r.committee_id for r in rows} - set(names), language()))
    words = officer_words()
    return render_template(
        "dashboard/cases/list.html", rows=rows, total=total, pages=pages, filters=filters, dropped=dropped,
        counts=head.per_state, overdue=head.overdue, names=names, words=words, state_name=state_name,
        query=case_filters.query, options=_options(words, names), page_size=PAGE_SIZE)


def _options(words, names: dict[str, str]) -> dict:
    """What the filter form offers, in the viewer's words."""
    return {"states": [(s, state_name(words, s)) for s in STATES],
            "urgencies": [(u, words.urgency_name(u)) for u in URGENCY_LEVELS],
            "committees": sorted(names.items(), key=lambda item: item[1]),
            "kinds": [(k, words.t(f"kind.{k}")) for k in case_filters.KINDS],
            "sectors": [(s, words.t(f"{case_filters.SECTOR_PREFIX}{s}")) for s in case_filters.SECTORS],
            "sorts": [(s, _(SORT_NAMES[s])) for s in queries.SORTS]}


@bp.get("/cases/export.<fmt>")
@signed_in
def case_list_export(fmt: str):
    if fmt not in EXPORTS:
        abort(404)
    viewer = g.viewer
    now = parts().clock()
    words = officer_words()
    with parts().db.transaction() as db:
        names = queries.committee_names(db, viewer.scope.below, language())
        filters, _dropped = case_filters.parse(request.args, tuple(names))
        rows = list(queries.iter_cases(db, viewer.scope, filters, now))
        names.update(queries.committee_names(db, {r.committee_id for r in rows} - set(names), language()))
        access_log.record(db, viewer.officer_id, "cases_exported", now, format=fmt, rows=len(rows),
                          filters=case_filters.described(filters))
    header = [_(column) for column in EXPORT_COLUMNS]
    cells = _cells(words, names, rows)
    body = csv_bytes(header, cells) if fmt == "csv" else xlsx_bytes({_("dashboard.cases.title"): (header, cells)})
    stamp = now.strftime("%Y%m%d-%H%M")
    return Response(body, mimetype=EXPORTS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="cases-{stamp}.{fmt}"'})


def _cells(words, names: dict[str, str], rows) -> list[list]:
    """The export's rows: times as "YYYY-MM-DD HH:MM" in Bangkok (a spreadsheet sorts them), words
    looked up once per distinct value (a national export has every case)."""
    said: dict[tuple[str, str | None], str] = {}

    def say(kind: str, value: str | None, make) -> str:
        key = (kind, value)
        if key not in said:
            said[key] = make(value) if value else ""
        return said[key]

    yes_no = {True: _("dashboard.cases.overdue.yes"), False: _("dashboard.cases.overdue.no")}
    return [[row.reference, bangkok_time(row.created_at).strftime(EXPORT_TIME),
             say("committee", row.committee_id, lambda v: names.get(v, v)),
             say("kind", row.kind, lambda v: words.t(f"kind.{v}") if v in case_filters.KINDS else v),
             say("sector", row.sector,
                 lambda v: words.t(case_filters.SECTOR_PREFIX + v) if v in case_filters.SECTORS else v),
             say("urgency", row.urgency, words.urgency_name),
             say("state", row.status, lambda v: state_name(words, v)),
             say("outcome", row.outcome, lambda v: words.choice("outcome", v)), yes_no[row.overdue]]
            for row in rows]
