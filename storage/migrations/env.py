"""Alembic environment: the models' metadata, the URL given by storage.migrate."""
from alembic import context

import storage.cases  # noqa: F401,E402  (registers the tables on Base.metadata)
import storage.directory  # noqa: F401,E402
from storage.db import make_engine
from storage.models import Base

config = context.config


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
