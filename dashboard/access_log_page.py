"""The access log for administrators: who viewed or exported which case or list, and what they did
to the directory, newest first, a page at a time. A provincial administrator reads the entries of
their province's officers; the national one reads all. Others get 404, as for any page they may not see.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, render_template, request

from storage import access_log
from storage.directory import names_of

from .blueprint import bp
from .text import N_, _
from .viewer import admin_only, parts
from .when import when_text

PAGE_SIZE = 50

ACTION_LABELS = {"case_viewed": N_("dashboard.access_log.action.case_viewed"),
                 "photo_viewed": N_("dashboard.access_log.action.photo_viewed"),
                 "cases_exported": N_("dashboard.access_log.action.cases_exported"),
                 "numbers_exported": N_("dashboard.access_log.action.numbers_exported"),
                 "link_code_issued": N_("dashboard.access_log.action.link_code_issued"),
                 "group_code_issued": N_("dashboard.access_log.action.group_code_issued"),
                 "officer_deactivated": N_("dashboard.access_log.action.officer_deactivated"),
                 "directory_loaded": N_("dashboard.access_log.action.directory_loaded"),
                 "signed_in": N_("dashboard.access_log.action.signed_in"),
                 "signed_out": N_("dashboard.access_log.action.signed_out"),
                 "broadcast_sent": N_("dashboard.access_log.action.broadcast_sent"),
                 "broadcast_cancelled": N_("dashboard.access_log.action.broadcast_cancelled")}
DETAIL_LABELS = {"format": N_("dashboard.access_log.detail.format"),
                 "rows": N_("dashboard.access_log.detail.rows"),
                 "filters": N_("dashboard.access_log.detail.filters"),
                 "photo_id": N_("dashboard.access_log.detail.photo_id"),
                 "officer": N_("dashboard.access_log.detail.officer"),
                 "committee": N_("dashboard.access_log.detail.committee"),
                 "broadcast": N_("dashboard.access_log.detail.broadcast"),
                 "recipients": N_("dashboard.access_log.detail.recipients"),
                 "created": N_("dashboard.directory.report.created"),
                 "changed": N_("dashboard.directory.report.changed"),
                 "deactivated": N_("dashboard.directory.report.deactivated")}


@dataclass(frozen=True)
class LogLine:
    when: str
    officer_id: str
    officer_name: str
    action: str
    case_reference: str
    detail: str


def _detail_text(detail: dict | None) -> str:
    """Ids, formats, counts and filters, each labelled; nothing here is what a case says."""
    parts_ = []
    for key, value in sorted((detail or {}).items()):
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in sorted(value.items()) if v not in (None, "", [], {}))
        elif isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        parts_.append(f"{_(DETAIL_LABELS[key]) if key in DETAIL_LABELS else key}: {value}")
    return " · ".join(parts_)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


@bp.get("/access-log", endpoint="access_log")
@admin_only
def access_log_page():
    page = _page_number()
    officer = request.args.get("officer") or None
    scope = g.viewer.scope.below
    with parts().db.sessions() as session:
        total = access_log.count(session, officer_id=officer, committee_ids=scope)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(page, pages)
        entries = access_log.recent(session, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, officer_id=officer,
                                    committee_ids=scope)
        names = names_of(session, [entry.officer_id for entry in entries])
        references = access_log.case_references(session, [entry.case_id for entry in entries])
        lines = [LogLine(when_text(entry.at), entry.officer_id, names.get(entry.officer_id, entry.officer_id),
                         _(ACTION_LABELS[entry.action]) if entry.action in ACTION_LABELS else entry.action,
                         references.get(entry.case_id, ""), _detail_text(entry.detail)) for entry in entries]
    return render_template("dashboard/directory/access_log.html", lines=lines, page=page, pages=pages, total=total,
                           officer=officer)
