"""Decree 216/2025/NĐ-CP cited by its title: "quy định chi tiết một số điều và hướng dẫn thi
hành Luật Thanh tra" (the issuing body's legal basis said "biện pháp thi hành").

Revision ID: 6d3f1a2b8c47
Revises: 4c1d2e3f5a60
Create Date: 2026-12-01 23:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "6d3f1a2b8c47"
down_revision = "4c1d2e3f5a60"
branch_labels = None
depends_on = None

WRONG = "một số điều và biện pháp thi hành Luật Thanh tra"
RIGHT = "một số điều và hướng dẫn thi hành Luật Thanh tra"


def _replace(old: str, new: str) -> None:
    op.execute(
        sa.text(
            "UPDATE issuing_body SET legal_basis = replace(legal_basis, :old, :new)"
            " WHERE legal_basis LIKE :like"
        ).bindparams(old=old, new=new, like=f"%{old}%")
    )


def upgrade():
    _replace(WRONG, RIGHT)


def downgrade():
    _replace(RIGHT, WRONG)
