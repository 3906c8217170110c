"""`flask cases demo --count N`: fill a development database with made-up cases
(storage/demo_cases.py) to try the dashboard on. Refused outside HOTLINE_ENV=development, so
demo cases never reach a committee's real database."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from . import demo_cases
from .directory_file import load_directory, read_directory_file
from .models import Committee, utcnow

EXAMPLE_DIRECTORY = Path(__file__).resolve().parent.parent / "config" / "committees.example.yaml"


@click.command("demo")
@click.option("--count", default=1000, show_default=True, type=click.IntRange(1, 100_000),
              help="How many demo cases to add.")
@click.option("--seed", default=1, show_default=True, help="The same seed makes the same cases.")
def demo(count: int, seed: int) -> None:
    """Add demo cases (development only); loads the example directory first if none is loaded."""
    obj = click.get_current_context().find_root().obj
    if obj is None or not hasattr(obj, "load_app"):
        raise click.ClickException("run this through `flask cases demo` (no app to load)")
    hotline = obj.load_app().extensions["hotline"]
    if not hotline.settings.development:
        raise click.ClickException("refused: demo cases only in HOTLINE_ENV=development")
    with hotline.db.transaction() as session:
        if not session.scalar(select(func.count(Committee.id))):
            load_directory(session, read_directory_file(EXAMPLE_DIRECTORY))
            click.echo(f"loaded the example directory ({EXAMPLE_DIRECTORY.name})")
        made = demo_cases.seed(session, count, seed=seed, now=utcnow())
    click.echo(f"added {made} demo cases")
