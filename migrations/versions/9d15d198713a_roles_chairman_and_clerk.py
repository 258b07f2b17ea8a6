"""Roles that match the law: the Chairman of the People's Committee and the clerk

The Chairman (Chủ tịch UBND tỉnh) was an account of the "leadership" role; leadership now means
the Chief Inspector and deputies. Accounts of that role whose title names the Chairman become
Chairman accounts.

Revision ID: 9d15d198713a
Revises: 7b3e0c4d2a15
Create Date: 2026-12-01 13:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "9d15d198713a"
down_revision = "7b3e0c4d2a15"
branch_labels = None
depends_on = None

OLD = ("admin", "inspector", "lead_inspector", "unit_leader", "leadership")
NEW = (*OLD, "chairman", "clerk")

user = sa.table(
    "user", sa.column("role", sa.String), sa.column("title", sa.String), sa.column("id")
)


def _check(values) -> str:
    return "role IN (%s)" % ", ".join(f"'{v}'" for v in values)


def _recreate(values) -> None:
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_user_role"), _check(values))


def upgrade():
    _recreate(NEW)
    op.execute(
        user.update()
        .where(user.c.role == "leadership")
        .where(sa.or_(user.c.title.like("%Chủ tịch%"), user.c.title.like("%Chairman%")))
        .values(role="chairman")
    )


def downgrade():
    op.execute(
        user.update().where(user.c.role.in_(("chairman", "clerk"))).values(role="leadership")
    )
    _recreate(OLD)
