"""case list index on type, state, due date

Revision ID: 277936a11adf
Revises: eddc996dd671
Create Date: 2026-11-25 17:25:55.988413

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '277936a11adf'
down_revision = 'eddc996dd671'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.create_index('ix_case_type_state_due', ['type', 'state', 'due_date'], unique=False)



def downgrade():
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_index('ix_case_type_state_due')

