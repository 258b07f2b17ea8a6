"""Holiday rows with their kind's document and provisional state (2026 as announced, 2027
provisional); the next-working-day rule (Civil Code 2015 Art. 148(5)); on-site period in
working days

Revision ID: c4e81a9d3f62
Revises: 7b3e0c4d2a15
Create Date: 2026-12-01 13:30:00

Data: the holiday table gains the four announced 2026 rows it lacked (Fri 2/1 off, Sat 10/1
worked; Mon 31/8 off, Sat 22/8 worked) and every 2026 row its announcing document; the 2027
rows not announced yet (Tết, the National Day's adjacent day) become provisional. Rows an
administrator added or changed are left alone (only missing dates are inserted, only empty
documents filled).
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "c4e81a9d3f62"
down_revision = "7b3e0c4d2a15"
branch_labels = None
depends_on = None

BLLD = "Bộ luật Lao động số 45/2019/QH14"
HOLIDAY_LAW = f"{BLLD}, khoản 1 Điều 112"
MAKE_UP_LAW = f"{BLLD}, khoản 3 Điều 111"
VPCP_2026 = "Công văn 12729/VPCP-KGVX"

# The 2026 rows the table lacked: (day, name, is_working_day, document)
MISSING_2026 = [
    (date(2026, 1, 2), "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", False, VPCP_2026),
    (date(2026, 1, 10), "Làm bù cho ngày nghỉ 02/01/2026", True, VPCP_2026),
    (date(2026, 8, 22), "Làm bù cho ngày nghỉ 31/8/2026", True, VPCP_2026),
    (date(2026, 8, 31), "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", False, VPCP_2026),
]
# The document of the other seeded 2026 rows, by day.
DOCUMENTS_2026 = {
    date(2026, 1, 1): HOLIDAY_LAW,
    **{date(2026, 2, d): HOLIDAY_LAW for d in range(14, 23)},
    date(2026, 4, 26): HOLIDAY_LAW,
    date(2026, 4, 27): MAKE_UP_LAW,
    date(2026, 4, 30): HOLIDAY_LAW,
    date(2026, 5, 1): HOLIDAY_LAW,
    date(2026, 9, 1): HOLIDAY_LAW,
    date(2026, 9, 2): HOLIDAY_LAW,
}
PROVISIONAL_2027 = [*(date(2027, 2, d) for d in range(4, 11)), date(2027, 9, 3)]
RENAMED = [  # (day, seeded name, announced name)
    (date(2026, 9, 1), "Quốc khánh (ngày liền kề, dự kiến)", "Quốc khánh (ngày liền kề)"),
    (date(2027, 9, 3), "Quốc khánh (ngày liền kề, dự kiến)", "Quốc khánh (ngày liền kề)"),
    *(
        (date(2027, 2, d), "Tết Nguyên đán Đinh Mùi (dự kiến)", "Tết Nguyên đán Đinh Mùi")
        for d in range(4, 11)
    ),
]

NEXT_WORKING_DAY = {
    "key": "deadline.next_working_day",
    "label": "Thời hạn kết thúc vào ngày nghỉ: chuyển sang ngày làm việc tiếp theo",
    "amount": 1,
    "day_kind": "working",
    "extension_max": None,
    "source": "Bộ luật Dân sự số 91/2015/QH13, khoản 5 Điều 148",
    "note": "1: áp dụng, 0: không áp dụng. Khi ngày cuối cùng của thời hạn là ngày nghỉ cuối "
    "tuần hoặc ngày nghỉ lễ thì thời hạn kết thúc tại thời điểm kết thúc ngày làm việc tiếp "
    "theo.",
}
ONSITE_NOTE = (
    "Tính theo ngày làm việc kể từ ngày công bố quyết định thanh tra (ghi trong biên bản công "
    "bố), không kể ngày nghỉ theo quy định. Gia hạn một lần, không quá 30 ngày làm việc, do "
    "người ra quyết định thanh tra quyết định."
)
ONSITE_OLD_NOTE = "Gia hạn một lần, không quá 30 ngày, do người ra quyết định thanh tra quyết định."

holiday = sa.table(
    "holiday",
    sa.column("day", sa.Date),
    sa.column("name", sa.String),
    sa.column("is_working_day", sa.Boolean),
    sa.column("document", sa.String),
    sa.column("provisional", sa.Boolean),
)
rule = sa.table(
    "deadline_rule",
    sa.column("key", sa.String),
    sa.column("label", sa.String),
    sa.column("amount", sa.Integer),
    sa.column("day_kind", sa.String),
    sa.column("extension_max", sa.Integer),
    sa.column("source", sa.String),
    sa.column("note", sa.Text),
    sa.column("version", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)


def upgrade():
    with op.batch_alter_table("holiday", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("provisional", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    conn = op.get_bind()
    # Only databases that hold the seeded calendar get its corrections (an empty table stays
    # empty: the seed fills it).
    seeded = conn.execute(
        sa.select(sa.func.count()).select_from(holiday).where(holiday.c.day == date(2026, 1, 1))
    ).scalar_one()
    if seeded:
        listed = set(conn.execute(sa.select(holiday.c.day)).scalars())
        for day, name, working, document in MISSING_2026:
            if day not in listed:
                conn.execute(
                    holiday.insert().values(
                        day=day, name=name, is_working_day=working, document=document,
                        provisional=False,
                    )
                )  # fmt: skip
        for day, document in DOCUMENTS_2026.items():
            conn.execute(
                holiday.update()
                .where(holiday.c.day == day, holiday.c.document.is_(None))
                .values(document=document)
            )
        for day, old, new in RENAMED:
            conn.execute(
                holiday.update().where(holiday.c.day == day, holiday.c.name == old).values(name=new)
            )
        conn.execute(
            holiday.update()
            .where(holiday.c.day.in_(PROVISIONAL_2027))
            .values(provisional=True, document=sa.func.coalesce(holiday.c.document, HOLIDAY_LAW))
        )
    rules = set(conn.execute(sa.select(rule.c.key)).scalars())
    if rules and NEXT_WORKING_DAY["key"] not in rules:
        now = sa.func.current_timestamp()
        conn.execute(rule.insert().values(**NEXT_WORKING_DAY, version=1, created_at=now,
                                          updated_at=now))  # fmt: skip
    # The on-site period counts working days from the announcement (unless an administrator
    # changed the seeded rule already).
    conn.execute(
        rule.update()
        .where(
            rule.c.key == "inspection.onsite.thanh_tra",
            rule.c.amount == 45,
            rule.c.day_kind == "calendar",
        )
        .values(day_kind="working", note=ONSITE_NOTE)
    )


def downgrade():
    conn = op.get_bind()
    conn.execute(
        rule.update()
        .where(rule.c.key == "inspection.onsite.thanh_tra", rule.c.note == ONSITE_NOTE)
        .values(day_kind="calendar", note=ONSITE_OLD_NOTE)
    )
    conn.execute(rule.delete().where(rule.c.key == NEXT_WORKING_DAY["key"]))
    for day, old, new in RENAMED:
        conn.execute(holiday.update().where(holiday.c.day == day, holiday.c.name == new).values(name=old))
    conn.execute(holiday.delete().where(holiday.c.day.in_([d for d, *_ in MISSING_2026])))
    with op.batch_alter_table("holiday", schema=None) as batch_op:
        batch_op.drop_column("provisional")
        batch_op.drop_column("document")
