"""Rows read by plain Core statements, handed to the session as if its ORM had loaded them.

The worker's hot reads (a chat's conversation, its oldest pending event) skip the ORM's loading,
but what else in the transaction asks for the same row must get the same object."""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached


def in_session(session: Session, model, primary_key):
    """The session's object for this primary key, if it already holds one (no query)."""
    return session.identity_map.get(inspect(model).identity_key_from_primary_key((primary_key,)))


def as_loaded(session: Session, model, values: dict):
    """The session's object for the row `values` (the primary key among them): the one it holds,
    or a new one with no changes, attributes not given left unloaded (read when first used)."""
    primary_key = values[inspect(model).primary_key[0].key]
    found = in_session(session, model, primary_key)
    if found is not None:
        return found
    row = model(**values)
    make_transient_to_detached(row)
    session.add(row)
    return row
