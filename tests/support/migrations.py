"""What the migration tests share: where the migrated schema and the models disagree."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.models import Base


def schema_drift(database, *names: str) -> list:
    """Alembic's differences between the migrated database and the models that mention any of
    `names` (a table's name; "'cases'" with its quotes to tell it from "case_events")."""
    with database.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    return [diff for diff in diffs if any(name in repr(diff) for name in names)]
