"""`flask committees ...`: load the committee directory, link LINE accounts and groups, see who is on duty.

A plain click group (no Flask import, so storage/ stays free of the web framework): the
Flask CLI passes its ScriptInfo as the root context's obj, and `load_app()` gives the app
whose Hotline holds the database. Register it in create_app with
`app.cli.add_command(committees_cli)`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import click

from cases.directory_rules import DirectoryError
from cases.link_codes import LINK_CODE_TTL
from cases.roster import BANGKOK, bangkok_time, describe_roster

from . import directory, directory_file, link_codes
from .directory import officers_of
from .models import Officer, utcnow


def _db():
    obj = click.get_current_context().find_root().obj
    if obj is None or not hasattr(obj, "load_app"):
        raise click.ClickException("run this through `flask committees ...` (no app to load)")
    return obj.load_app().extensions["hotline"].db


def _bangkok(value: datetime | None) -> str:
    return bangkok_time(value).strftime("%Y-%m-%d %H:%M (Bangkok time)") if value else "-"


def _validity(issued: datetime) -> str:
    """How long a code issued at `issued` works, as the one who passes it on is told."""
    return f"Valid {LINK_CODE_TTL.total_seconds() / 3600:g} h, until {_bangkok(issued + LINK_CODE_TTL)}; it works once"


@contextmanager
def _issuing() -> Iterator:
    """The transaction that issues a code; no active officer or committee of that id (LookupError) is the
    command's error."""
    with _db().transaction() as session:
        try:
            yield session
        except LookupError as error:
            raise click.ClickException(str(error)) from None


@click.group("committees", help="The committee directory: who gets reports, who is on duty.")
def committees_cli() -> None:
    pass


@committees_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
def load(path: str, dry_run: bool) -> None:
    """Load the directory from PATH (YAML): upsert by id; what the file lacks becomes inactive."""
    db = _db()
    try:
        data = directory_file.read_directory_file(path)
        with db.sessions() as session:
            summary = directory_file.load_directory(session, data)
            if dry_run:
                session.rollback()
            else:
                session.commit()
    except DirectoryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(("dry run, nothing written: " if dry_run else "loaded: ") + str(summary))
    for outcome in ("created", "changed", "deactivated"):
        for change in summary.of(outcome):
            click.echo(f"  {outcome}: {change}")


@committees_cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also show inactive committees and officers.")
def list_committees(show_all: bool) -> None:
    """Every committee with its parent, LINE group and officers."""
    with _db().sessions() as session:
        committees = directory.all_committees(session, active_only=not show_all)
        if not committees:
            click.echo("no committees: load a directory with `flask committees load FILE`")
        for committee in committees:
            area = committee.district_code or committee.province_code or "-"
            click.echo(f"{committee.id}  [{committee.level} {area}]{'' if committee.active else '  INACTIVE'}  "
                       f"{committee.name_en} / {committee.name_th}")
            waiting = directory.pending_group_links_of(session, committee.id)
            click.echo(f"    escalates to: {committee.parent_id or '-'}    "
                       f"LINE group: {'linked' if committee.line_group_id else 'not linked'}"
                       f"{f' ({len(waiting)} waiting for an officer to confirm)' if waiting else ''}")
            for officer in officers_of(session, committee.id, active_only=not show_all):
                click.echo(f"    - {officer.id}  {officer.name}"
                           f"{' (' + officer.role + ')' if officer.role else ''}  "
                           f"LINE: {'linked' if officer.line_user_id else 'not linked'}  "
                           f"roster: {describe_roster(officer.roster)}"
                           f"{'' if officer.active else '  INACTIVE'}")


@committees_cli.command("link-code")
@click.argument("officer_id")
def link_code(officer_id: str) -> None:
    """Print a one-time code with which OFFICER_ID links their LINE account (valid 24 h)."""
    now = utcnow()
    with _issuing() as session:
        code = link_codes.issue_link_code(session, officer_id, now)
        name = session.get(Officer, officer_id).name
    click.echo(f"One-time code for {officer_id} ({name}): {code}")
    click.echo(f"Ask them to send `link {code}` to the bot in LINE. {_validity(now)}. Only its hash is kept: "
               "if lost, print a new one (the old one stops working).")


@committees_cli.command("group-code")
@click.argument("committee_id")
def group_code(committee_id: str) -> None:
    """Print a one-time code with which a LINE group becomes COMMITTEE_ID's group (valid 24 h)."""
    now = utcnow()
    with _issuing() as session:
        code = link_codes.issue_group_code(session, committee_id, now)
    click.echo(f"One-time code for the LINE group of {committee_id}: {code}")
    click.echo(f"Invite the bot to the group, then send `group {code}` in the group. One of the committee's "
               "officers whose LINE account is linked then confirms in the same group (taps Confirm group, "
               "or sends `confirm group` / `ยืนยันกลุ่ม`); only then do alerts go there. "
               f"{_validity(now)}.")


@committees_cli.command("unlink-group")
@click.argument("committee_id")
def unlink_group(committee_id: str) -> None:
    """Stop sending COMMITTEE_ID's alerts to its LINE group (its officers still get them)."""
    with _db().transaction() as session:
        committee = directory.get_committee(session, committee_id)
        if committee is None:
            raise click.ClickException(f"no committee {committee_id!r}")
        if not committee.line_group_id:
            click.echo(f"{committee_id} has no LINE group linked")
            return
        directory.forget_group(session, committee.line_group_id)
    click.echo(f"{committee_id}: LINE group unlinked; alerts go to its on-duty officers only")


@committees_cli.command("roster")
@click.option("--at", "at", default=None, metavar="'YYYY-MM-DD HH:MM'",
              help="Bangkok time to check instead of now.")
def roster(at: str | None) -> None:
    """Who is on duty now (or --at a Bangkok time), per committee."""
    if at:
        try:
            now = datetime.strptime(at, "%Y-%m-%d %H:%M").replace(tzinfo=BANGKOK)
        except ValueError:
            raise click.BadParameter("use 'YYYY-MM-DD HH:MM' (Bangkok time)", param_hint="--at") from None
    else:
        now = utcnow()
    click.echo(f"on duty at {bangkok_time(now).strftime('%a %Y-%m-%d %H:%M')} (Bangkok time)")
    with _db().sessions() as session:
        for committee in directory.all_committees(session):
            on_duty = directory.on_duty_officers(session, committee.id, now)
            group = "group linked" if committee.line_group_id else "no group"
            if not on_duty:
                click.echo(f"{committee.id}: NOBODY ON DUTY ({group}; alerts escalate)")
                continue
            click.echo(f"{committee.id} ({group}):")
            for officer in on_duty:
                click.echo(f"    {officer.id}  {officer.name}  "
                           f"{'LINE linked' if officer.line_user_id else 'LINE NOT LINKED: cannot be alerted'}")
