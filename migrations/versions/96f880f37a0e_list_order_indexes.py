"""Indexes in the lists' default order: cases by deadline and id, inspections by start and id

Revision ID: 96f880f37a0e
Revises: 9d15d198713a
Create Date: 2026-12-01 14:00:00

"""

from alembic import op

revision = "96f880f37a0e"
down_revision = "9d15d198713a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_case_due_id", "recommendation", ["due_date", "id"])
    op.create_index("ix_inspection_start_id", "inspection", ["start_date", "id"])


def downgrade():
    op.drop_index("ix_inspection_start_id", table_name="inspection")
    op.drop_index("ix_case_due_id", table_name="recommendation")
