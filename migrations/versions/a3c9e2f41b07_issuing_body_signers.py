"""Who signs for each issuing body: the body's own unit (its leaders sign its documents), and
the issuing body of each document

Revision ID: a3c9e2f41b07
Revises: 78d5c7654cf7
Create Date: 2026-12-01 19:55:00

Data: a body other than the inspectorate whose code is also a unit's code (Sở Nội vụ, SNV) is
given that unit as its signing unit: the Director of Home Affairs signs its check decisions
(Decree 217/2025/NĐ-CP); without such a unit the inspectorate's leadership signs, as before,
until an administrator names the unit. Documents are linked to the body their letterhead names.
"""

import sqlalchemy as sa
from alembic import op

revision = "a3c9e2f41b07"
down_revision = "78d5c7654cf7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("issuing_body") as batch:
        batch.add_column(sa.Column("signer_unit_id", sa.Integer(), nullable=True))
        batch.create_index("ix_issuing_body_signer_unit_id", ["signer_unit_id"])
        batch.create_foreign_key(
            "fk_issuing_body_signer_unit_id_unit", "unit", ["signer_unit_id"], ["id"]
        )
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("issuing_body_id", sa.Integer(), nullable=True))
        batch.create_index("ix_document_issuing_body_id", ["issuing_body_id"])
        batch.create_foreign_key(
            "fk_document_issuing_body_id_issuing_body", "issuing_body", ["issuing_body_id"], ["id"]
        )
    op.execute(
        "UPDATE issuing_body SET signer_unit_id = "
        "(SELECT unit.id FROM unit WHERE unit.code = issuing_body.code) "
        "WHERE activity_kind = 'kiem_tra'"
    )
    op.execute(
        "UPDATE document SET issuing_body_id = "
        "(SELECT issuing_body.id FROM issuing_body WHERE issuing_body.name = document.issuing_body)"
    )


def downgrade():
    with op.batch_alter_table("document") as batch:
        batch.drop_constraint("fk_document_issuing_body_id_issuing_body", type_="foreignkey")
        batch.drop_index("ix_document_issuing_body_id")
        batch.drop_column("issuing_body_id")
    with op.batch_alter_table("issuing_body") as batch:
        batch.drop_constraint("fk_issuing_body_signer_unit_id_unit", type_="foreignkey")
        batch.drop_index("ix_issuing_body_signer_unit_id")
        batch.drop_column("signer_unit_id")
