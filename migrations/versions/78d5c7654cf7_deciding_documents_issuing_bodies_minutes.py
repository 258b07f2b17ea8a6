"""Deciding documents of changes (a signed conclusion's deadline, a withdrawal, the extension of
on-site work); the issuing body of each inspection or check; the files of deciding documents
and of check minutes

Revision ID: 78d5c7654cf7
Revises: e5a1c7b90d42
Create Date: 2026-12-01 16:26:09

Data: the two issuing bodies are inserted (Thanh tra tỉnh, TTr: inspections under Law
84/2025/QH15 and Decree 216/2025/NĐ-CP; Sở Nội vụ, SNV: checks under Decree 217/2025/NĐ-CP).
Existing activities are mapped by kind, the reviewed mapping: thanh_tra -> Thanh tra tỉnh,
kiem_tra -> Sở Nội vụ (checks are the Department of Home Affairs' since the 2025 texts).
Extensions of on-site work recorded before keep their reference text; they never recorded the
decision's date or signer, so no deciding document is made up for them.
"""

import sqlalchemy as sa
from alembic import op

revision = "78d5c7654cf7"
down_revision = "e5a1c7b90d42"
branch_labels = None
depends_on = None

OWNERS_OLD = ("finding_id", "inspection_id", "answer_id", "payment_id")
OWNERS_NEW = (*OWNERS_OLD, "decision_id", "check_id")
BODIES = [
    {
        "code": "TTr",
        "name": "THANH TRA TỈNH",
        "display_name": "Thanh tra tỉnh",
        "signer_title": "CHÁNH THANH TRA",
        "legal_basis": "Luật Thanh tra số 84/2025/QH15 ngày 25 tháng 6 năm 2025 của Quốc hội\n"
        "Nghị định số 216/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ quy định chi tiết "
        "một số điều và biện pháp thi hành Luật Thanh tra",
        "activity_kind": "thanh_tra",
    },
    {
        "code": "SNV",
        "name": "SỞ NỘI VỤ",
        "display_name": "Sở Nội vụ",
        "signer_title": "GIÁM ĐỐC",
        "legal_basis": "Nghị định số 217/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ về "
        "hoạt động kiểm tra chuyên ngành",
        "activity_kind": "kiem_tra",
    },
]
KINDS = ("thanh_tra", "kiem_tra")
PURPOSES = ("deadline", "withdrawal", "onsite_extension")


def _one_owner(columns) -> str:
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in columns) + " = 1"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    body = op.create_table(
        "issuing_body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("signer_title", sa.String(length=200), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("activity_kind", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(_in("activity_kind", KINDS), name=op.f("ck_issuing_body_activitykind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issuing_body")),
        sa.UniqueConstraint("code", name=op.f("uq_issuing_body_code")),
    )
    op.create_table(
        "deciding_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("inspection_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("signer", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _in("purpose", PURPOSES), name=op.f("ck_deciding_document_decisionpurpose")
        ),
        sa.CheckConstraint(
            "number <> '' AND signer <> ''", name=op.f("ck_deciding_document_number_and_signer")
        ),
        sa.CheckConstraint(
            _one_owner(("case_id", "inspection_id")), name=op.f("ck_deciding_document_one_subject")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["recommendation.id"],
            name=op.f("fk_deciding_document_case_id_recommendation"),
        ),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspection.id"],
            name=op.f("fk_deciding_document_inspection_id_inspection"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user.id"], name=op.f("fk_deciding_document_recorded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deciding_document")),
    )  # fmt: skip
    with op.batch_alter_table("deciding_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deciding_document_case_id"), ["case_id"])
        batch_op.create_index(batch_op.f("ix_deciding_document_inspection_id"), ["inspection_id"])

    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("check_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_evidence_file_check_id"), ["check_id"])
        batch_op.create_index(batch_op.f("ix_evidence_file_decision_id"), ["decision_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_file_check_id_implementation_check"),
            "implementation_check", ["check_id"], ["id"],
        )  # fmt: skip
        batch_op.create_foreign_key(
            batch_op.f("fk_evidence_file_decision_id_deciding_document"),
            "deciding_document", ["decision_id"], ["id"],
        )  # fmt: skip
        batch_op.drop_constraint(op.f("ck_evidence_file_one_owner"), type_="check")
        batch_op.create_check_constraint(op.f("ck_evidence_file_one_owner"), _one_owner(OWNERS_NEW))

    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issuing_body_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_inspection_issuing_body_id"), ["issuing_body_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_inspection_issuing_body_id_issuing_body"),
            "issuing_body", ["issuing_body_id"], ["id"],
        )  # fmt: skip

    now = sa.func.current_timestamp()
    conn = op.get_bind()
    for row in BODIES:
        conn.execute(body.insert().values(**row, created_at=now, updated_at=now, version=1))
    inspection = sa.table(
        "inspection", sa.column("kind", sa.String), sa.column("issuing_body_id", sa.Integer)
    )
    for row in BODIES:
        body_id = sa.select(body.c.id).where(body.c.code == row["code"]).scalar_subquery()
        conn.execute(
            inspection.update()
            .where(inspection.c.kind == row["activity_kind"])
            .values(issuing_body_id=body_id)
        )


def downgrade():
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_inspection_issuing_body_id_issuing_body"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_inspection_issuing_body_id"))
        batch_op.drop_column("issuing_body_id")

    op.execute("DELETE FROM evidence_file WHERE decision_id IS NOT NULL OR check_id IS NOT NULL")
    with op.batch_alter_table("evidence_file", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_evidence_file_one_owner"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_evidence_file_decision_id_deciding_document"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_evidence_file_check_id_implementation_check"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_evidence_file_decision_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_file_check_id"))
        batch_op.drop_column("check_id")
        batch_op.drop_column("decision_id")
        batch_op.create_check_constraint(op.f("ck_evidence_file_one_owner"), _one_owner(OWNERS_OLD))

    with op.batch_alter_table("deciding_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deciding_document_inspection_id"))
        batch_op.drop_index(batch_op.f("ix_deciding_document_case_id"))
    op.drop_table("deciding_document")
    op.drop_table("issuing_body")
