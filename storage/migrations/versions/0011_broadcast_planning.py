"""broadcasts.plan_cursor: a broadcast's batches are made a slice of subscribers at a time

The last subscription id planned into batches while the broadcast is being cut (0 at its start),
NULL once every subscriber is in a batch: a start no longer holds a worker for the whole
audience, and replies get in between the slices.

Revision ID: 0011_broadcast_planning
Revises: 0010_news
Create Date: 2026-12-07 10:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_broadcast_planning"
down_revision = "0010_news"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("plan_cursor", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("plan_cursor")
