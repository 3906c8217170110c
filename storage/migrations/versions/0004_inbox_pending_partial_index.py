"""inbox: one partial index over pending events instead of two over all of them

The webhook's insert maintains every index of inbox_events; of the two that served the
workers, one (chat, status, timestamp) grew with every event ever received and the other
(status, received_at) was only ever read for pending rows. One index over pending events
only (chat, LINE timestamp, id) serves both readers (next_pending, stale_chats), stays as
small as the backlog, and leaves the insert one B-tree fewer to write (bench/bench_webhook.py).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 10:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_index("ix_inbox_pending", "inbox_events", ["chat_key", "line_timestamp", "id"],
                    sqlite_where=PENDING, postgresql_where=PENDING)
    op.drop_index("ix_inbox_chat_pending", table_name="inbox_events")
    op.drop_index("ix_inbox_status_received", table_name="inbox_events")


def downgrade() -> None:
    op.create_index("ix_inbox_status_received", "inbox_events", ["status", "received_at"])
    op.create_index("ix_inbox_chat_pending", "inbox_events", ["chat_key", "status", "line_timestamp", "id"])
    op.drop_index("ix_inbox_pending", table_name="inbox_events")
