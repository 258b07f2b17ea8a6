"""evidence file has exactly one owner

Revision ID: 5c1d7e2f9a40
Revises: 277936a11adf
Create Date: 2026-12-01 10:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c1d7e2f9a40'
down_revision = '277936a11adf'
branch_labels = None
depends_on = None

ONE_OWNER = (
    "(CASE WHEN finding_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN inspection_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN answer_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def upgrade():
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_evidence_file_one_owner'), ONE_OWNER)


def downgrade():
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_evidence_file_one_owner'), type_='check')
