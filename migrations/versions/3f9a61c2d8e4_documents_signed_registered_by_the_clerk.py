"""documents: signed, then registered and numbered by the clerk per issuing body's register

Revision ID: 3f9a61c2d8e4
Revises: c4e81a9d3f62
Create Date: 2026-12-01 13:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3f9a61c2d8e4"
down_revision = "c4e81a9d3f62"
branch_labels = None
depends_on = None

OLD_STATES = ("draft", "issued")
NEW_STATES = ("draft", "signed", "issued")
CHECKS = {
    "signed_has_signer": "state = 'draft' OR (signed_at IS NOT NULL AND signer_name IS NOT NULL)",
    "issued_is_registered": "state <> 'issued' OR registered_on IS NOT NULL",
    "final_file_of_issued": (
        "final_stored_name IS NULL OR (state = 'issued' AND final_sha256 IS NOT NULL)"
    ),
}


def _state_check(states) -> str:
    return "state IN (%s)" % ", ".join(f"'{s}'" for s in states)


def upgrade():
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("symbol", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("drafting_unit", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("signed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("registered_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("number_typed", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("final_stored_name", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("final_sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("final_size", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("final_uploaded_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("final_uploaded_by_id", sa.Integer(), nullable=True))
    # Documents issued before: signed and registered when they were issued, in the register of
    # their type's old symbol.
    day = "substr(issued_at, 1, 10)" if op.get_bind().dialect.name == "sqlite" else "CAST(issued_at AS DATE)"
    op.execute(
        "UPDATE document SET symbol = CASE kind WHEN 'report' THEN 'BC-TTr' "
        "WHEN 'check_decision' THEN 'QĐ-TTr' ELSE 'TTr-NV' END, "
        "drafting_unit = 'NV', number_typed = false"
    )
    op.execute(
        f"UPDATE document SET signed_at = issued_at, signed_by_id = issued_by_id, "
        f"registered_on = {day}, signer_name = COALESCE(signer_name, '') "
        "WHERE state = 'issued'"
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.alter_column("symbol", existing_type=sa.String(length=30), nullable=False)
        batch_op.alter_column("drafting_unit", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("number_typed", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_constraint("uq_document_number", type_="unique")
        batch_op.create_unique_constraint(
            "uq_document_number", ["issuing_body", "symbol", "year", "number"]
        )
        batch_op.drop_constraint(op.f("ck_document_documentstate"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_document_documentstate"), _state_check(NEW_STATES)
        )
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_document_{name}"), condition)
        batch_op.create_foreign_key(
            op.f("fk_document_signed_by_id_user"), "user", ["signed_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            op.f("fk_document_final_uploaded_by_id_user"), "user", ["final_uploaded_by_id"], ["id"]
        )


def downgrade():
    # Signed, unregistered documents go back to drafts (the old schema has no such state).
    op.execute("UPDATE document SET state = 'draft' WHERE state = 'signed'")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_document_final_uploaded_by_id_user"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_document_signed_by_id_user"), type_="foreignkey")
        for name in CHECKS:
            batch_op.drop_constraint(op.f(f"ck_document_{name}"), type_="check")
        batch_op.drop_constraint(op.f("ck_document_documentstate"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_document_documentstate"), _state_check(OLD_STATES)
        )
        batch_op.drop_constraint("uq_document_number", type_="unique")
        batch_op.create_unique_constraint("uq_document_number", ["kind", "year", "number"])
        for column in (
            "final_uploaded_by_id",
            "final_uploaded_at",
            "final_size",
            "final_sha256",
            "final_stored_name",
            "number_typed",
            "registered_on",
            "signed_by_id",
            "signed_at",
            "drafting_unit",
            "symbol",
        ):
            batch_op.drop_column(column)
