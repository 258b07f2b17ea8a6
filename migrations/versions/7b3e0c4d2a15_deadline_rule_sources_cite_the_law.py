"""Deadline rules seeded with internal notes in their source now cite the law

Revision ID: 7b3e0c4d2a15
Revises: 46eead492378
Create Date: 2026-12-01 12:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "7b3e0c4d2a15"
down_revision = "46eead492378"
branch_labels = None
depends_on = None

L22 = "Luật Thanh tra số 11/2022/QH15"
# (key, the seeded text users must not read, the citation that replaces it)
SOURCES = [
    (
        "plan.issue",
        f"{L22}, Điều 45 (legacy; verify)",
        f"Luật Thanh tra số 84/2025/QH15, khoản 4 Điều 2; {L22}, Điều 45",
    ),
    (
        "inspection.onsite.thanh_tra",
        f"{L22}, Điều 47 (legacy; verify)",
        f"{L22}, Điều 47; Thông tư số 06/2021/TT-TTCP, khoản 5 Điều 3",
    ),
    (
        "inspection.onsite.kiem_tra",
        "Quy định nội bộ (verify)",
        "Quy định nội bộ của Thanh tra tỉnh (có thể điều chỉnh)",
    ),
]

rule = sa.table("deadline_rule", sa.column("key", sa.String), sa.column("source", sa.String))


def upgrade():
    for key, old, new in SOURCES:
        op.execute(
            rule.update().where(rule.c.key == key, rule.c.source == old).values(source=new)
        )


def downgrade():
    for key, old, new in SOURCES:
        op.execute(
            rule.update().where(rule.c.key == key, rule.c.source == new).values(source=old)
        )
