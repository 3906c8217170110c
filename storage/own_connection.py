"""A driver connection that a hot path or a watcher keeps for good.

Made by the engine, so it gets the same connect arguments and pragmas as every other
connection, then detached from the pool: not counted against it, never reset by it.
"""
from __future__ import annotations

from sqlalchemy.engine import Engine


class OwnConnection:
    def __init__(self, engine: Engine):
        self.proxy = engine.raw_connection()
        self.proxy.detach()
        self.dbapi = self.proxy.dbapi_connection

    def close(self) -> None:
        try:
            self.proxy.close()
        except Exception:  # noqa: BLE001 - a connection being thrown away may already be broken
            pass
