"""committee dashboard (issue 14): sign-in links, sessions, access log, photos, administrators

dashboard_sign_ins: one-time links the bot sends an officer (token hashed; used once, in the
browser that used it). dashboard_sessions: a signed-in browser (id hashed; idle and absolute
clocks). dashboard_access_log: who viewed or exported what (ids and filters only).
case_photos: the reporter's photos, fetched from LINE at intake, encrypted;
cases.photos_pending_since: photos still to fetch (the sweeper re-queues them).
officers.admin: manages the directory on the dashboard.
Indexes for the dashboard's lists: cases by committee and date, alerts by committee.

Revision ID: 0009_dashboard
Revises: 0008_case_work
Create Date: 2026-12-07 06:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_dashboard"
down_revision = "0008_case_work"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("officers") as batch:
        batch.add_column(sa.Column("admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("photos_pending_since", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_cases_photos_pending", "cases", ["photos_pending_since"])
    op.create_table(
        "dashboard_sign_ins",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("officer_id", sa.String(40), sa.ForeignKey("officers.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_hash", sa.String(64), nullable=True),
    )
    op.create_index("ix_dashboard_sign_ins_officer_id", "dashboard_sign_ins", ["officer_id"])
    op.create_table(
        "dashboard_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("officer_id", sa.String(40), sa.ForeignKey("officers.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
    )
    op.create_index("ix_dashboard_sessions_officer_id", "dashboard_sessions", ["officer_id"])
    op.create_table(
        "dashboard_access_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("officer_id", sa.String(40), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_dashboard_access_log_at", "dashboard_access_log", ["at"])
    op.create_table(
        "case_photos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("data", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_photos_case", "case_photos", ["case_id", "position"])
    op.create_index("ix_cases_committee_created", "cases", ["committee_id", "created_at"])
    op.create_index("ix_case_events_committee_kind", "case_events", ["committee_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_case_events_committee_kind", table_name="case_events")
    op.drop_index("ix_cases_committee_created", table_name="cases")
    op.drop_index("ix_case_photos_case", table_name="case_photos")
    op.drop_table("case_photos")
    op.drop_index("ix_dashboard_access_log_at", table_name="dashboard_access_log")
    op.drop_table("dashboard_access_log")
    op.drop_index("ix_dashboard_sessions_officer_id", table_name="dashboard_sessions")
    op.drop_table("dashboard_sessions")
    op.drop_index("ix_dashboard_sign_ins_officer_id", table_name="dashboard_sign_ins")
    op.drop_table("dashboard_sign_ins")
    op.drop_index("ix_cases_photos_pending", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("photos_pending_since")
    with op.batch_alter_table("officers") as batch:
        batch.drop_column("admin")
