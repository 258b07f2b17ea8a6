"""Search without diacritics (folded search_text columns, trigram indexes on PostgreSQL);
the deadline calendar feed's secrets

Revision ID: 0d34ab8d21a3
Revises: d9e7f4998edc
Create Date: 2026-12-01 13:30:00

"""

import sqlalchemy as sa
from alembic import op

from inspect_app.core.search import fold

revision = "0d34ab8d21a3"
down_revision = "d9e7f4998edc"
branch_labels = None
depends_on = None

# table -> its search index (the models' Searchable.search_index)
SEARCHED = {
    "recommendation": "ix_case_search",
    "inspection": "ix_inspection_search",
    "unit": "ix_unit_search",
    "legal_reference": "ix_legal_reference_search",
}


def _citation(instrument, article, clause):
    # LegalReference.citation, as it reads at this revision.
    parts = [f"Khoản {clause}"] if clause else []
    return ", ".join([*parts, f"Điều {article}", instrument])


# The texts each model's search_source() folds, as they read at this revision.
SOURCES = {
    "recommendation": (
        "SELECT id, inspection_id, number, title, required_action FROM recommendation",
        lambda r: [f"KN-{r.inspection_id}/{r.number}", r.title, r.required_action],
    ),
    "inspection": (
        "SELECT id, title, decision_number, conclusion_number FROM inspection",
        lambda r: [r.title, r.decision_number, r.conclusion_number],
    ),
    "unit": ("SELECT id, code, name FROM unit", lambda r: [r.code, r.name]),
    "legal_reference": (
        "SELECT id, instrument, article, clause FROM legal_reference",
        lambda r: [_citation(r.instrument, r.article, r.clause)],
    ),
}


def upgrade():
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    if postgresql:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, index in SEARCHED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("search_text", sa.Text(), nullable=False, server_default="")
            )
        # Backfill: the folded text of every existing row (core.search.fold, one normaliser).
        query, source = SOURCES[table]
        target = sa.table(table, sa.column("id", sa.Integer), sa.column("search_text", sa.Text))
        write = (
            target.update()
            .where(target.c.id == sa.bindparam("b_id"))
            .values(search_text=sa.bindparam("b_text"))
        )
        rows = [
            {"b_id": r.id, "b_text": fold(" ".join(t for t in source(r) if t))}
            for r in bind.execute(sa.text(query))
        ]
        for start in range(0, len(rows), 1000):
            bind.execute(write, rows[start : start + 1000])
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                index,
                ["search_text"],
                unique=False,
                postgresql_using="gin",
                postgresql_ops={"search_text": "gin_trgm_ops"},
            )


    op.create_table(
        "calendar_feed",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_calendar_feed_user_id_user")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )


def downgrade():
    op.drop_table("calendar_feed")
    for table, index in SEARCHED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
            batch_op.drop_column("search_text")
