"""case lifecycle: states renamed (open -> new), assignment, outcome, referrals, read access

Issue 13: a case goes new → acknowledged → taken → in_progress → referred → closed
(cases/lifecycle.py). Cases gain assigned_to/assigned_at (who took it), state_since (when it
entered its state: the per-state timers), closed_at and outcome. Referrals to agencies get their
own table (contact and note encrypted), and a moved case's former committees keep read access
(case_access). Existing rows with status "open" become "new".

Revision ID: 0008_case_lifecycle
Revises: 0007
Create Date: 2026-12-07 04:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_case_lifecycle"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("assigned_to", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("state_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
    op.execute("UPDATE cases SET status = 'new' WHERE status = 'open'")
    op.create_table(
        "case_referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=120), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_referrals") as batch:
        batch.create_index("ix_case_referrals_case", ["case_id"], unique=False)
    op.create_table(
        "case_access",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.String(length=40), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("case_id", "committee_id"),
    )


def downgrade() -> None:
    op.drop_table("case_access")
    with op.batch_alter_table("case_referrals") as batch:
        batch.drop_index("ix_case_referrals_case")
    op.drop_table("case_referrals")
    op.execute("UPDATE cases SET status = 'open' WHERE status IN ('new', 'taken', 'in_progress', 'referred')")
    with op.batch_alter_table("cases") as batch:
        for column in ("outcome", "closed_at", "state_since", "assigned_at", "assigned_to"):
            batch.drop_column(column)
