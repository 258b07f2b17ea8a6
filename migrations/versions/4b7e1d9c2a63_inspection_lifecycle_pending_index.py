"""The inspections with a lifecycle step still to record: a partial index

The dashboard's count of overdue conclusion steps and the daily reminders read the live
inspections with a step left to record; with this index they read those rows only, not every
inspection of the province (on SQLite and PostgreSQL alike).

Revision ID: 4b7e1d9c2a63
Revises: 8e2b4c6d1f90
Create Date: 2026-12-03 07:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "4b7e1d9c2a63"
down_revision = "8e2b4c6d1f90"
branch_labels = None
depends_on = None

# As inspections.models.LIFECYCLE_PENDING_SQL wrote it on this date.
PENDING = (
    "drafting_assigned_on IS NULL OR draft_submitted_on IS NULL OR appraised_on IS NULL OR "
    "conclusion_date IS NULL OR published_on IS NULL OR recommended_on IS NULL OR "
    "instruction_date IS NULL"
)


def upgrade():
    op.create_index(
        "ix_inspection_lifecycle_pending",
        "inspection",
        ["state", "reported_on"],
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )


def downgrade():
    op.drop_index("ix_inspection_lifecycle_pending", table_name="inspection")
