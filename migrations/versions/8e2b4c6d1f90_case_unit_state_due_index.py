"""A unit's cases by state in deadline order: the index of a unit leader's case list

The case list reads its page's ids from the indexes alone, then only those rows; for a unit
leader (their units' open cases, in deadline order) that needs the deadline in the unit-and-state
index. It replaces `ix_case_unit_state` (responsible unit, state), whose uses it keeps.

Revision ID: 8e2b4c6d1f90
Revises: 6d3f1a2b8c47
Create Date: 2026-12-02 19:00:00

"""

from alembic import op

revision = "8e2b4c6d1f90"
down_revision = "6d3f1a2b8c47"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_case_unit_state_due", "recommendation", ["responsible_unit_id", "state", "due_date"]
    )
    op.drop_index("ix_case_unit_state", table_name="recommendation")


def downgrade():
    op.create_index("ix_case_unit_state", "recommendation", ["responsible_unit_id", "state"])
    op.drop_index("ix_case_unit_state_due", table_name="recommendation")
