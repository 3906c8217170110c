"""consents: the reporter's consent to be contacted, per case and channel (issue 13)

One row per case and channel (line, phone): granted or not, when, the safe time the person
chose (contact_when), revoked_at when they said "stop", and talk_officer_id: the officer who
wrote to them last (their replies go to that officer until they go back to the menu).
Written at submit from the intake's answers (storage/consents.py); read by cases/consent.py
before anything is sent to them.

Revision ID: 0009_consents
Revises: 0008_case_lifecycle
Create Date: 2026-12-07 04:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_consents"
down_revision = "0008_case_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
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


def downgrade() -> None:
    op.drop_index("ix_consents_chat", table_name="consents")
    op.drop_table("consents")
