"""The data migration brings an existing database's holiday table and rules up to date."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.extensions import db

BEFORE = "7b3e0c4d2a15"
OLD_ROWS = [  # what the seed wrote before (2026 and 2027 in part)
    (date(2026, 1, 1), "Tết Dương lịch", False),
    (date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương", False),
    (date(2026, 9, 1), "Quốc khánh (ngày liền kề, dự kiến)", False),
    (date(2026, 9, 2), "Quốc khánh (2/9)", False),
    (date(2027, 2, 6), "Tết Nguyên đán Đinh Mùi (dự kiến)", False),
    (date(2027, 9, 3), "Quốc khánh (ngày liền kề, dự kiến)", False),
]


def _app(url):
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": url})


def test_upgrade_fills_the_calendar_and_rules(empty_database_url):
    app = _app(empty_database_url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for day, name, working in OLD_ROWS:
                conn.execute(
                    sa.text("INSERT INTO holiday (day, name, is_working_day) VALUES (:d, :n, :w)"),
                    {"d": day, "n": name, "w": working},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO deadline_rule (key, label, amount, day_kind, extension_max, "
                    "source, version, created_at, updated_at) VALUES ('inspection.onsite."
                    "thanh_tra', 'x', 45, 'calendar', 30, 's', 1, :t, :t)"
                ),
                {"t": "2026-01-01 00:00:00"},
            )
        upgrade()
        with db.engine.connect() as conn:
            rows = {
                r.day if isinstance(r.day, date) else date.fromisoformat(r.day): r
                for r in conn.execute(sa.text("SELECT * FROM holiday"))
            }
            rules = {r.key: r for r in conn.execute(sa.text("SELECT * FROM deadline_rule"))}
        assert rows[date(2026, 1, 2)].document == "Công văn 12729/VPCP-KGVX"
        assert rows[date(2026, 1, 10)].is_working_day and rows[date(2026, 8, 22)].is_working_day
        assert not rows[date(2026, 8, 31)].is_working_day
        assert rows[date(2026, 9, 1)].name == "Quốc khánh (ngày liền kề)"
        assert rows[date(2026, 4, 27)].document.endswith("khoản 3 Điều 111")
        assert rows[date(2027, 9, 3)].provisional and rows[date(2027, 2, 6)].provisional
        assert not rows[date(2026, 1, 1)].provisional
        assert rules["inspection.onsite.thanh_tra"].day_kind == "working"
        assert rules["deadline.next_working_day"].amount == 1
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            days = conn.execute(sa.text("SELECT count(*) FROM holiday")).scalar_one()
            kind = conn.execute(
                sa.text(
                    "SELECT day_kind FROM deadline_rule WHERE key = 'inspection.onsite.thanh_tra'"
                )
            ).scalar_one()
        assert days == len(OLD_ROWS) and kind == "calendar"
        db.engine.dispose()
