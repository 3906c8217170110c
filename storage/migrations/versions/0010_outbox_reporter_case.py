"""outbox: reporter_case_id, the case a push to its reporter is about (issue 13)

A note or an officer's message to the person who reported (cases/reporter_notes.py) may wait
for their safe time. When it is sent, bot/delivery.py asks again whether it may go (consent
not withdrawn, bot not blocked, not inside a report); this column says which case's consent
to ask. NULL for every other row.

Revision ID: 0010_outbox_reporter_case
Revises: 0009_consents
Create Date: 2026-12-07 05:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_outbox_reporter_case"
down_revision = "0009_consents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox_messages", sa.Column("reporter_case_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("reporter_case_id")
