"""directory: group links wait for an officer's confirmation (pending_group_links)

A group code used to link whatever room it was typed in, at once: anyone holding a code
could take a committee's alerts away from its real group. Now `group <code>` only records
a pending link here, one per group; it takes effect when a linked officer of that committee
confirms in the same group (storage/directory.py confirm_group_link).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_group_links",
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("committee_id", sa.String(length=40), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["committee_id"], ["committees.id"]),
        sa.PrimaryKeyConstraint("group_id"),
    )
    with op.batch_alter_table("pending_group_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_group_links_committee_id"), ["committee_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pending_group_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_group_links_committee_id"))
    op.drop_table("pending_group_links")
