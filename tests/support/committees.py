"""The example committee directory, loaded for a test with everyone on duty around the clock
(rosters make alert recipients depend on the time of day otherwise)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from storage.directory_file import load_directory, read_directory_file
from storage.models import Officer

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "committees.example.yaml"


def load_example(db, linked: dict[str, str] | None = None) -> None:
    """Load the example; `linked` maps officer ids to the LINE user ids they are linked to."""
    with db.transaction() as session:
        load_directory(session, read_directory_file(EXAMPLE))
        for officer in session.scalars(select(Officer)):
            officer.roster = "always"
            if linked and officer.id in linked:
                officer.line_user_id = linked[officer.id]
