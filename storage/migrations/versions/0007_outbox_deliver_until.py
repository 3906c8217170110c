"""outbox: deliver_until, how long a row is retried (emergency answers, alerts)

An answer from an emergency flow (flows/data/emergency.yaml, `emergency: true`) was dropped
after LINE_SEND_RETRIES attempts (about 15 s of LINE 5xx). Such rows, and alerts to officers,
now carry the time until which delivery keeps trying (bot/delivery.py); NULL keeps the old
rule (LINE_SEND_RETRIES attempts).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox_messages", sa.Column("deliver_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("deliver_until")
