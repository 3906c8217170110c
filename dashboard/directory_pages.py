"""The directory page: committees in the viewer's scope with their officers, who is on duty now and
next, and their LINE links; for administrators, issuing link codes, deactivating an officer who left
and loading a directory file, each limited to the administrator's own committees (others: 404).

The file is loaded with the CLI's rules (storage/directory_file), so the page and
`flask committees load` can never disagree about what a valid directory is.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from cases.directory_rules import DirectoryError
from cases.link_codes import LINK_CODE_TTL
from storage import access_log, directory_admin, directory_file, link_codes
from storage.directory import committees_below, names_of

from .blueprint import bp
from .directory_view import committee_blocks
from .text import N_, _
from .viewer import admin_only, parts, signed_in
from .when import when_text

MAX_UPLOAD_BYTES = 512 * 1024           # a national directory with every district is far smaller

OUTCOME_LABELS = {"created": N_("dashboard.directory.report.created"),
                  "changed": N_("dashboard.directory.report.changed"),
                  "deactivated": N_("dashboard.directory.report.deactivated")}
KIND_LABELS = {"committee": N_("dashboard.directory.kind.committee"),
               "officer": N_("dashboard.directory.kind.officer")}
FIELD_LABELS = {"name": N_("dashboard.directory.field.name"), "name_th": N_("dashboard.directory.field.name_th"),
                "name_en": N_("dashboard.directory.field.name_en"), "role": N_("dashboard.directory.field.role"),
                "roster": N_("dashboard.directory.field.roster"), "admin": N_("dashboard.directory.field.admin"),
                "active": N_("dashboard.directory.field.active"),
                "committee_id": N_("dashboard.directory.field.committee"),
                "parent_id": N_("dashboard.directory.field.parent"), "level": N_("dashboard.directory.field.level"),
                "province_code": N_("dashboard.directory.field.province_code"),
                "district_code": N_("dashboard.directory.field.district_code")}
LEVEL_LABELS = {"district": N_("dashboard.directory.level.district"),
                "province": N_("dashboard.directory.level.province"),
                "national": N_("dashboard.directory.level.national")}


def _scope() -> tuple[str, ...]:
    return g.viewer.scope.below


@bp.get("/directory")
@signed_in
def directory():
    """The viewer's committees, or with ?committee=ID (one of them) that committee and those under it."""
    chosen = request.args.get("committee", "")
    with parts().db.sessions() as session:
        shown = _scope()
        if chosen in shown:
            shown = tuple(set(committees_below(session, chosen)) & set(shown))
        else:
            chosen = ""
        rows = directory_admin.directory_rows(session, shown)
        blocks = committee_blocks(rows, parts().clock(), g.language)
        choices = [(c.id, c.name_in(g.language))
                   for c in directory_admin.parent_committees(session, _scope())]
    return render_template("dashboard/directory/index.html", blocks=blocks, level_labels=LEVEL_LABELS,
                           when_text=when_text, max_upload_kib=MAX_UPLOAD_BYTES // 1024,
                           choices=choices if len(choices) > 1 else [], chosen=chosen)


@bp.post("/directory/officers/<officer_id>/link-code")
@admin_only
def officer_link_code(officer_id: str):
    now = parts().clock()
    with parts().db.transaction() as session:
        officer = directory_admin.officer_within(session, officer_id, _scope())
        if officer is None:
            abort(404)
        try:
            code = link_codes.issue_link_code(session, officer.id, now)
        except LookupError:                         # inactive officer or committee
            abort(404)
        name = officer.name
        access_log.record(session, g.viewer.officer_id, "link_code_issued", now, officer=officer.id)
    return render_template("dashboard/directory/code.html", kind="officer", subject=name, subject_id=officer_id,
                           code=code, command=f"link {code}", until=when_text(now + LINK_CODE_TTL))


@bp.post("/directory/committees/<committee_id>/group-code")
@admin_only
def committee_group_code(committee_id: str):
    now = parts().clock()
    with parts().db.transaction() as session:
        committee = directory_admin.committee_within(session, committee_id, _scope())
        if committee is None:
            abort(404)
        try:
            code = link_codes.issue_group_code(session, committee.id, now)
        except LookupError:                         # inactive committee
            abort(404)
        name = committee.name_in(g.language)
        access_log.record(session, g.viewer.officer_id, "group_code_issued", now, committee=committee.id)
    return render_template("dashboard/directory/code.html", kind="group", subject=name, subject_id=committee_id,
                           code=code, command=f"group {code}", until=when_text(now + LINK_CODE_TTL))


@bp.get("/directory/officers/<officer_id>/deactivate")
@admin_only
def confirm_deactivation(officer_id: str):
    with parts().db.sessions() as session:
        officer = _deactivatable(session, officer_id)
        committee_name = names_of(session, [officer.committee_id]).get(officer.committee_id, officer.committee_id)
        return render_template("dashboard/directory/deactivate.html", officer=officer, committee_name=committee_name)


@bp.post("/directory/officers/<officer_id>/deactivate")
@admin_only
def deactivate(officer_id: str):
    now = parts().clock()
    with parts().db.transaction() as session:
        officer = _deactivatable(session, officer_id)
        directory_admin.deactivate_officer(session, officer, now)
        access_log.record(session, g.viewer.officer_id, "officer_deactivated", now, officer=officer.id)
        flash(_("dashboard.directory.deactivated", officer=officer.id))   # an id: the cookie holds it
        committee_id = officer.committee_id
    return redirect(url_for("dashboard.directory", _anchor=f"committee-{committee_id}"), code=303)


def _deactivatable(session, officer_id: str):
    """An active officer in the administrator's scope, not the administrator (who would lock themselves out)."""
    officer = directory_admin.officer_within(session, officer_id, _scope())
    if officer is None or not officer.active or officer.id == g.viewer.officer_id:
        abort(404)
    return officer


@bp.post("/directory/upload")
@admin_only
def directory_upload():
    """Check (nothing written) or load a directory file; its problems or its change report are shown."""
    dry_run = request.form.get("mode") != "load"
    now = parts().clock()
    try:
        data = directory_file.parse_directory_text(_uploaded_text(), _("dashboard.directory.upload.the_file"))
        with parts().db.sessions() as session:
            summary = directory_file.load_directory_within(session, data, g.viewer.committee_id, now)
            names = names_of(session, [change.id for change in summary.changes])
            if dry_run:
                session.rollback()
            else:
                access_log.record(session, g.viewer.officer_id, "directory_loaded", now,
                                  **{outcome: len(summary.of(outcome)) for outcome in OUTCOME_LABELS})
                session.commit()
    except DirectoryError as error:
        return render_template("dashboard/directory/upload.html", problems=error.problems, summary=None,
                               dry_run=dry_run), 400
    return render_template("dashboard/directory/upload.html", problems=None, summary=summary, names=names,
                           dry_run=dry_run, outcome_labels=OUTCOME_LABELS, kind_labels=KIND_LABELS,
                           fields_text=_fields_text)


def _fields_text(fields) -> str:
    return ", ".join(_(FIELD_LABELS[name]) if name in FIELD_LABELS else name for name in fields)


def _uploaded_text() -> str:
    """The uploaded file's text; too big, missing or not UTF-8 is a problem like any mistake in it."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise DirectoryError([_("dashboard.directory.upload.no_file")])
    raw = upload.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise DirectoryError([_("dashboard.directory.upload.too_big", kib=MAX_UPLOAD_BYTES // 1024)])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DirectoryError([_("dashboard.directory.upload.not_utf8")]) from None
