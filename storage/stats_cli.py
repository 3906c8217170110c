"""`flask cases stats`: a committee's numbers per month, from the cases' audit trail.

A plain click group (no Flask import, like directory_cli.py): registered in create_app with
`app.cli.add_command(cases_cli)`. How each number is counted is in cases/stats.py.
"""
from __future__ import annotations

import csv
import io

import click

from cases.stats import csv_rows, month_start, table_text

from . import case_stats
from .demo_cli import demo


def _db():
    obj = click.get_current_context().find_root().obj
    if obj is None or not hasattr(obj, "load_app"):
        raise click.ClickException("run this through `flask cases ...` (no app to load)")
    return obj.load_app().extensions["hotline"].db


def _month(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        month_start(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM (a month, Bangkok time)") from None
    return value


@click.group("cases", help="Cases: the committees' numbers.")
def cases_cli() -> None:
    pass


@cases_cli.command("stats")
@click.option("--committee", "committee_id", default=None, metavar="ID", help="Only this committee.")
@click.option("--from", "first_month", default=None, metavar="YYYY-MM", callback=_month,
              help="First month (Bangkok time) of cases received; default: the first there is.")
@click.option("--to", "last_month", default=None, metavar="YYYY-MM", callback=_month,
              help="Last month (Bangkok time), included; default: the last there is.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV (one line per committee and month) instead of a table.")
@click.option("--exact", is_flag=True,
              help="Show counts under 5 as they are: only for the committee's own use. By default they are "
                   "'<5' (and times measured on fewer than 5 cases too), so the output can leave the committee.")
def stats(committee_id: str | None, first_month: str | None, last_month: str | None, as_csv: bool,
          exact: bool) -> None:
    """Per committee and month: cases received (kind, urgency, sector), moved, open, cancelled, closed
    and their outcomes, and the times to acknowledge, take and close (median and 90th percentile, h:mm)."""
    if first_month and last_month and first_month > last_month:
        raise click.BadParameter("--from is after --to", param_hint="--from")
    with _db().sessions() as session:
        rows = case_stats.committee_months(session, committee_id, first_month, last_month)
    if as_csv:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(csv_rows(rows, exact))
        click.echo(out.getvalue(), nl=False)
        return
    click.echo(table_text(rows, exact))
    if not exact and rows:
        click.echo("\n<5: between 1 and 4 (or a time measured on fewer than 5 cases); --exact shows them, "
                   "for the committee's own use only.")


cases_cli.add_command(demo)   # `flask cases demo` (storage/demo_cli.py), development only
