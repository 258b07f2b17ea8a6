"""A case's verifier: who checks and confirms the unit's answer (kiểm tra, xác nhận)

Revision ID: ca4b22517f17
Revises: 3f9a61c2d8e4
Create Date: 2026-12-01 16:21:32

"""

import sqlalchemy as sa
from alembic import op

revision = "ca4b22517f17"
down_revision = "3f9a61c2d8e4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("verifier_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_recommendation_verifier_id"), ["verifier_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_recommendation_verifier_id_user"), "user", ["verifier_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_recommendation_verifier_id_user"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_recommendation_verifier_id"))
        batch_op.drop_column("verifier_id")
