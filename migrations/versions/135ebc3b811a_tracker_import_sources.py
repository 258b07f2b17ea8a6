"""Tracker imports: a case's external key, source row and answers so far; an inspection's
source row

Revision ID: 135ebc3b811a
Revises: 15fc7bb81bd2
Create Date: 2026-12-01 13:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "135ebc3b811a"
down_revision = "15fc7bb81bd2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_ref", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("import_source", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("answers_text", sa.Text(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_recommendation_external_ref"), ["external_ref"]
        )
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_source", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_column("import_source")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_recommendation_external_ref"), type_="unique")
        batch_op.drop_column("answers_text")
        batch_op.drop_column("import_source")
        batch_op.drop_column("external_ref")
