"""case work (issue 13): the lifecycle, referrals, read access, consents, pushes to reporters

A case goes new → acknowledged → taken → in_progress → referred → closed
(cases/lifecycle.py). Cases gain assigned_to/assigned_at (who took it), state_since (when it
entered its state: the per-state timers), closed_at and outcome. Referrals to agencies get their
own table (contact and note encrypted), and a moved case's former committees keep read access
(case_access). Existing rows with status "open" become "new".

consents: one row per case and channel (line, phone): granted or not, when, the safe time the
person chose (contact_when), revoked_at when they said "stop", and talk_officer_id: the officer
who wrote to them last. Written at submit (storage/consents.py), read by cases/consent.py before
anything is sent to them.

outbox_messages.reporter_case_id: the case a push to its reporter is about, so that
bot/delivery.py asks again, when it sends, whether it may go. NULL for every other row.

Revision ID: 0008_case_work
Revises: 0007
Create Date: 2026-12-07 05:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_case_work"
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
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("chat_key", sa.String(80), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("safe_time", sa.String(24), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("talk_officer_id", sa.String(40), nullable=True),
        sa.UniqueConstraint("case_id", "channel", name="uq_consents_case_channel"),
    )
    op.create_index("ix_consents_chat", "consents", ["chat_key"])
    op.add_column("outbox_messages", sa.Column("reporter_case_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("reporter_case_id")
    op.drop_index("ix_consents_chat", table_name="consents")
    op.drop_table("consents")
    op.drop_table("case_access")
    with op.batch_alter_table("case_referrals") as batch:
        batch.drop_index("ix_case_referrals_case")
    op.drop_table("case_referrals")
    op.execute("UPDATE cases SET status = 'open' WHERE status IN ('new', 'taken', 'in_progress', 'referred')")
    with op.batch_alter_table("cases") as batch:
        for column in ("outcome", "closed_at", "state_since", "assigned_at", "assigned_to"):
            batch.drop_column(column)
