"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.extensions import db


def test_migrations_match_models(empty_database_url):
    app = create_app({**_testing(), "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def _testing() -> dict:
    return {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}


def test_migrations_have_every_check_constraint_of_the_models(empty_database_url):
    """Autogenerate does not compare CHECK constraints: each named one of the models must be in
    the migrated schema (e.g. an evidence file's one owner)."""
    app = create_app({**_testing(), "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        inspector = sa.inspect(db.engine)
        missing = {}
        for table in db.metadata.sorted_tables:
            expected = {
                str(c.name)
                for c in table.constraints
                if isinstance(c, sa.CheckConstraint) and not str(c.name).startswith("_")
            }
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            if expected - found:
                missing[table.name] = expected - found
        db.engine.dispose()
    assert "ck_evidence_file_one_owner" not in missing.get("evidence_file", ())
    assert missing == {}
