"""The migration citing Decree 216/2025/NĐ-CP by its title corrects the issuing bodies' legal
basis written by the earlier migration (and goes back down)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.extensions import db

REVISION = "6d3f1a2b8c47"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
BEFORE = ScriptDirectory(str(MIGRATIONS)).get_revision(REVISION).down_revision


def _basis(code: str) -> str:
    with db.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT legal_basis FROM issuing_body WHERE code = :c"), {"c": code}
        ).scalar_one()


def test_the_inspectorate_cites_decree_216_by_its_title(empty_database_url):
    testing = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**testing, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        assert "và biện pháp thi hành Luật Thanh tra" in _basis("TTr")
        other = _basis("SNV")
        upgrade(revision=REVISION)
        basis = _basis("TTr")
        assert basis.endswith(
            "Nghị định số 216/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ quy định chi "
            "tiết một số điều và hướng dẫn thi hành Luật Thanh tra"
        )
        assert basis.startswith("Luật Thanh tra số 84/2025/QH15") and _basis("SNV") == other
        downgrade(revision=BEFORE)
        assert "và biện pháp thi hành Luật Thanh tra" in _basis("TTr")
        db.engine.dispose()
