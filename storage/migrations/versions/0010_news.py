"""news and reminders (issue 15): subscriptions, personal reminders, broadcasts and their batches

news_subscriptions: one row per chat, fixed codes (country, document, province, language).
news_reminders: the person's dates, encrypted. broadcasts: news composed per language, its
audience, who sent it and the counts. broadcast_batches: up to 500 recipients (encrypted) per
multicast, each with its retry key.

Revision ID: 0010_news
Revises: 0009_dashboard
Create Date: 2026-12-07 09:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_news"
down_revision = "0009_dashboard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "news_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_key", sa.String(80), nullable=False, unique=True),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("document", sa.String(16), nullable=False),
        sa.Column("province", sa.String(8), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("zawgyi", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_news_subscriptions_language", "news_subscriptions", ["language", "id"])
    op.create_table(
        "news_reminders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_key", sa.String(80), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_news_reminders_chat_key", "news_reminders", ["chat_key"])
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("quota", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
    )
    op.create_index("ix_broadcasts_state_send_at", "broadcasts", ["state", "send_at"])
    op.create_table(
        "broadcast_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("broadcast_id", sa.Integer(), sa.ForeignKey("broadcasts.id"), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("zawgyi", sa.Boolean(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("retry_key", sa.String(36), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
    )
    op.create_index("ix_broadcast_batches_broadcast_id", "broadcast_batches", ["broadcast_id"])
    op.create_index("ix_broadcast_batches_pending", "broadcast_batches", ["broadcast_id", "state", "id"])


def downgrade() -> None:
    op.drop_index("ix_broadcast_batches_pending", table_name="broadcast_batches")
    op.drop_index("ix_broadcast_batches_broadcast_id", table_name="broadcast_batches")
    op.drop_table("broadcast_batches")
    op.drop_index("ix_broadcasts_state_send_at", table_name="broadcasts")
    op.drop_table("broadcasts")
    op.drop_index("ix_news_reminders_chat_key", table_name="news_reminders")
    op.drop_table("news_reminders")
    op.drop_index("ix_news_subscriptions_language", table_name="news_subscriptions")
    op.drop_table("news_subscriptions")
