"""outbox_messages.send_group: rows made together with the same messages for several officers

A case's alert (and the other notices casework makes for a committee's officers) was one push
per on-duty officer. Rows that carry the same messages to several officers now share a send
group (a UUID, also the multicast's X-Line-Retry-Key): bot/delivery.py claims the group's rows
together and sends them as ONE multicast. NULL for every other row (a push or a reply as before).
Indexed: the claim looks the group up by it.

Revision ID: 0012_outbox_send_group
Revises: 0011_broadcast_planning
Create Date: 2026-12-07 12:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_outbox_send_group"
down_revision = "0011_broadcast_planning"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("send_group", sa.String(36), nullable=True))
    op.create_index("ix_outbox_send_group", "outbox_messages", ["send_group"])


def downgrade() -> None:
    op.drop_index("ix_outbox_send_group", table_name="outbox_messages")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("send_group")
