"""Re-encrypt every encrypted column with the newest key (after adding a key in front)."""
from __future__ import annotations

from sqlalchemy import column, select, table, update

from .crypto import KeyRing

ENCRYPTED = {  # table: (primary key, encrypted columns)
    "inbox_events": ("id", ("payload",)),
    "conversations": ("chat_key", ("state",)),
    "outbox_messages": ("id", ("messages",)),
    "cases": ("id", ("answers",)),
    "case_events": ("id", ("detail",)),
    "case_referrals": ("id", ("contact", "note")),
    "news_reminders": ("id", ("details",)),
    "broadcast_batches": ("id", ("recipients",)),
}


def rotate_all(db, keys: KeyRing, batch: int = 500) -> int:
    """Returns how many values were re-encrypted. Safe to run again; safe while running."""
    done = 0
    for name, (key, columns) in ENCRYPTED.items():
        raw = table(name, column(key), *(column(c) for c in columns))
        with db.engine.begin() as connection:
            rows = connection.execute(select(raw)).all()
            for start in range(0, len(rows), batch):
                for row in rows[start:start + batch]:
                    values = {c: keys.rotate(getattr(row, c)) for c in columns if getattr(row, c) is not None}
                    if values:
                        connection.execute(update(raw).where(raw.c[key] == getattr(row, key)).values(**values))
                        done += len(values)
    return done
