"""conversations.blocked_at (the person blocked the bot); an index for pruning the inbox

blocked_at: set by an `unfollow` event, cleared by `follow`; while it is set nothing is
sent to that chat (bot/delivery.py). The index on outbox_messages.inbox_event_id lets the
retention sweep (storage/retention.py) delete old inbox rows without a scan of the outbox
per row (the foreign key is checked on every delete, on PostgreSQL and on SQLite).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.add_column(sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_outbox_inbox_event", "outbox_messages", ["inbox_event_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_inbox_event", table_name="outbox_messages")
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.drop_column("blocked_at")
