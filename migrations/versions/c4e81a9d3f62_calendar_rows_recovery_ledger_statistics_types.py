"""Holiday rows with their kind's document and provisional state (2026 as announced, 2027
provisional); the next-working-day rule (Civil Code 2015 Art. 148(5)); on-site period in
working days; recommendation types as the national statistics count them; the recovery ledger

Revision ID: c4e81a9d3f62
Revises: 0d34ab8d21a3
Create Date: 2026-12-01 13:30:00

Data: the holiday table gains the four announced 2026 rows it lacked (Fri 2/1 off, Sat 10/1
worked; Mon 31/8 off, Sat 22/8 worked) and every 2026 row its announcing document; the 2027
rows not announced yet (Tết, the National Day's adjacent day) become provisional. Rows an
administrator added or changed are left alone (only missing dates are inserted, only empty
documents filled).

Recommendation types, the reviewed mapping (national statistics, Circular 06/2025/TT-TTCP):
  recovery         -> recovery          (recovery of money, VND; unchanged)
  admin_handling   -> admin_handling    (administrative handling of organisations; unchanged)
  discipline       -> discipline        (administrative handling of individuals; the number of
                                         persons and the form stay empty until the team fills
                                         them: the old rows never recorded them)
  amend_documents  -> other             (documents: "other: mechanisms, policies, documents,
  fix_practices    -> other              practices" in the statistics)
  new: recovery_land (m², area_m2), recovery_assets (value in VND), referral (to the
  investigation agency).
Deadline rules: case.other and case.referral are added; case.amend_documents (90 calendar days)
and case.fix_practices (60) are removed where still at their seeded values.
Downgrade maps back lossily: other -> fix_practices, recovery_assets -> recovery,
recovery_land -> fix_practices, referral -> admin_handling.
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "c4e81a9d3f62"
down_revision = "0d34ab8d21a3"
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

OLD_TYPES = ("admin_handling", "recovery", "discipline", "amend_documents", "fix_practices")
NEW_TYPES = (
    "recovery",
    "recovery_land",
    "recovery_assets",
    "admin_handling",
    "discipline",
    "referral",
    "other",
)
FORMS = ("reprimand", "warning", "salary_down", "demotion", "removal", "dismissal")
UP_MAP = {"amend_documents": "other", "fix_practices": "other"}
DOWN_MAP = {
    "other": "fix_practices",
    "recovery_assets": "recovery",
    "recovery_land": "fix_practices",
    "referral": "admin_handling",
}
OLD_RECOVERY = "type <> 'recovery' OR (amount_vnd IS NOT NULL AND amount_vnd > 0)"
NEW_RECOVERY = (
    "type NOT IN ('recovery', 'recovery_assets') OR (amount_vnd IS NOT NULL AND amount_vnd > 0)"
)
LAND = "type <> 'recovery_land' OR (area_m2 IS NOT NULL AND area_m2 > 0)"
PERSONS = "persons_count IS NULL OR persons_count > 0"
OWNERS_OLD = ("finding_id", "inspection_id", "answer_id")
OWNERS_NEW = (*OWNERS_OLD, "payment_id")
SYSTEM = "Theo kết luận thanh tra; mặc định của hệ thống"
NEW_RULES = [
    ("case.referral", "Chuyển hồ sơ vụ việc có dấu hiệu tội phạm sang cơ quan điều tra", 15),
    ("case.other", "Kiến nghị khác (cơ chế, chính sách, văn bản, chấn chỉnh quản lý)", 60),
]
OLD_RULES = [
    ("case.amend_documents", "Sửa đổi, bổ sung, hủy bỏ văn bản", 90),
    ("case.fix_practices", "Chấn chỉnh, khắc phục thiếu sót trong quản lý", 60),
]


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _one_owner(columns) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


recommendation = sa.table("recommendation", sa.column("type", sa.String))


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
    _upgrade_types(conn, bool(rules))
    _upgrade_ledger()


def _rules(conn, rows, remove):
    """Insert `rows` (key, label, amount: calendar days) that are missing; delete `remove`
    where still at their seeded values."""
    now = sa.func.current_timestamp()
    keys = set(conn.execute(sa.select(rule.c.key)).scalars())
    for key, label, amount in rows:
        if key not in keys:
            conn.execute(
                rule.insert().values(
                    key=key, label=label, amount=amount, day_kind="calendar",
                    extension_max=None, source=SYSTEM, note=None, version=1,
                    created_at=now, updated_at=now,
                )
            )  # fmt: skip
    for key, _label, amount in remove:
        conn.execute(
            rule.delete().where(
                rule.c.key == key, rule.c.amount == amount, rule.c.day_kind == "calendar"
            )
        )


def _upgrade_types(conn, has_rules: bool):
    # 1. Free the type column of its old constraints, 2. map the data, 3. the new columns and
    # constraints (SQLite rebuilds the table in each batch; PostgreSQL alters it in place).
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_recommendation_casetype"), type_="check")
        batch_op.drop_constraint(op.f("ck_recommendation_recovery_has_amount"), type_="check")
    for old, new in UP_MAP.items():
        conn.execute(recommendation.update().where(recommendation.c.type == old).values(type=new))
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("area_m2", sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column("persons_count", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("discipline_form", sa.String(length=30), nullable=True))
        batch_op.create_check_constraint(op.f("ck_recommendation_casetype"), _in("type", NEW_TYPES))
        batch_op.create_check_constraint(
            op.f("ck_recommendation_recovery_has_amount"), NEW_RECOVERY
        )
        batch_op.create_check_constraint(op.f("ck_recommendation_land_has_area"), LAND)
        batch_op.create_check_constraint(op.f("ck_recommendation_persons_positive"), PERSONS)
        batch_op.create_check_constraint(
            op.f("ck_recommendation_disciplineform"), _in("discipline_form", FORMS)
        )
    if has_rules:
        _rules(conn, NEW_RULES, OLD_RULES)


def _upgrade_ledger():
    op.create_table(
        "recovery_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_vnd", sa.Numeric(precision=18, scale=0), nullable=True),
        sa.Column("area_m2", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("document_number", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(amount_vnd IS NOT NULL AND amount_vnd > 0 AND area_m2 IS NULL) OR "
            "(area_m2 IS NOT NULL AND area_m2 > 0 AND amount_vnd IS NULL)",
            name=op.f("ck_recovery_payment_one_positive_amount"),
        ),
        sa.CheckConstraint(
            "verified_by_id IS NULL OR verified_at IS NOT NULL",
            name=op.f("ck_recovery_payment_verified_has_time"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["recommendation.id"],
            name=op.f("fk_recovery_payment_case_id_recommendation"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_recovery_payment_recorded_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["user.id"], name=op.f("fk_recovery_payment_verified_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_payment")),
    )  # fmt: skip
    with op.batch_alter_table("recovery_payment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_payment_case_id"), ["case_id"], unique=False)
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_evidence_file_payment_id"), ["payment_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_file_payment_id_recovery_payment"),
            "recovery_payment", ["payment_id"], ["id"],
        )  # fmt: skip
        batch_op.drop_constraint(op.f("ck_evidence_file_one_owner"), type_="check")
        batch_op.create_check_constraint(op.f("ck_evidence_file_one_owner"), _one_owner(OWNERS_NEW))


def _downgrade_ledger():
    op.execute("DELETE FROM evidence_file WHERE payment_id IS NOT NULL")
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_evidence_file_one_owner"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_evidence_file_payment_id_recovery_payment"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_evidence_file_payment_id"))
        batch_op.drop_column("payment_id")
        batch_op.create_check_constraint(op.f("ck_evidence_file_one_owner"), _one_owner(OWNERS_OLD))
    with op.batch_alter_table("recovery_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_payment_case_id"))
    op.drop_table("recovery_payment")


def _downgrade_types(conn):
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        for name in ("casetype", "recovery_has_amount", "land_has_area", "persons_positive",
                     "disciplineform"):  # fmt: skip
            batch_op.drop_constraint(op.f(f"ck_recommendation_{name}"), type_="check")
        batch_op.drop_column("discipline_form")
        batch_op.drop_column("persons_count")
        batch_op.drop_column("area_m2")
    for new, old in DOWN_MAP.items():
        conn.execute(recommendation.update().where(recommendation.c.type == new).values(type=old))
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_recommendation_casetype"), _in("type", OLD_TYPES))
        batch_op.create_check_constraint(
            op.f("ck_recommendation_recovery_has_amount"), OLD_RECOVERY
        )
    if set(conn.execute(sa.select(rule.c.key)).scalars()):
        _rules(conn, OLD_RULES, NEW_RULES)


def downgrade():
    conn = op.get_bind()
    _downgrade_ledger()
    _downgrade_types(conn)
    conn.execute(
        rule.update()
        .where(rule.c.key == "inspection.onsite.thanh_tra", rule.c.note == ONSITE_NOTE)
        .values(day_kind="calendar", note=ONSITE_OLD_NOTE)
    )
    conn.execute(rule.delete().where(rule.c.key == NEXT_WORKING_DAY["key"]))
    for day, old, new in RENAMED:
        conn.execute(
            holiday.update().where(holiday.c.day == day, holiday.c.name == new).values(name=old)
        )
    conn.execute(holiday.delete().where(holiday.c.day.in_([d for d, *_ in MISSING_2026])))
    with op.batch_alter_table("holiday", schema=None) as batch_op:
        batch_op.drop_column("provisional")
        batch_op.drop_column("document")
