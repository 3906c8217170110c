"""The one gettext marker: N_("id") marks a message id for extraction into the catalogs.

It imports nothing, so flows, bot and cases can all mark their ids without importing each other.
"""
from __future__ import annotations


def N_(message_id: str) -> str:
    """Marks a message id for extraction into the catalogs; translated later, by whoever shows it."""
    return message_id
