"""Periodic reports on inspection work (Circular 06/2025/TT-TTCP): the periodic_report table and
the document kind "periodic".

Revision ID: e5a1c7b90d42
Revises: ca4b22517f17
Create Date: 2026-12-01 17:00:00

"""

import sqlalchemy as sa
from alembic import op

import inspect_app.core.models

revision = "e5a1c7b90d42"
down_revision = "ca4b22517f17"
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('report', 'urging', 'check_decision')"
KINDS_AFTER = "kind IN ('report', 'urging', 'check_decision', 'periodic')"


def _document_kinds(condition: str) -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_document_documentkind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_document_documentkind"), condition)


def upgrade():
    _document_kinds(KINDS_AFTER)
    op.create_table(
        "periodic_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=12), nullable=False),
        sa.Column("period_kind", sa.String(length=4), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("cutoff", sa.Date(), nullable=False),
        sa.Column("form_version", sa.String(length=30), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("computed_at", inspect_app.core.models.UTCDateTime(), nullable=False),
        sa.Column("frozen_at", inspect_app.core.models.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", inspect_app.core.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", inspect_app.core.models.UTCDateTime(), nullable=False),
        sa.CheckConstraint("cutoff >= period_start", name=op.f("ck_periodic_report_cutoff_in_period")),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_periodic_report_period_in_order")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_periodic_report_created_by_id_user")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_periodic_report_document_id_document")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periodic_report")),
        sa.UniqueConstraint("document_id", name=op.f("uq_periodic_report_document_id")),
        sa.UniqueConstraint("period_key", name=op.f("uq_periodic_report_period_key")),
    )


def downgrade():
    op.drop_table("periodic_report")
    op.execute("DELETE FROM document_item WHERE document_id IN "
               "(SELECT id FROM document WHERE kind = 'periodic')")
    op.execute("DELETE FROM document WHERE kind = 'periodic'")
    _document_kinds(KINDS_BEFORE)
