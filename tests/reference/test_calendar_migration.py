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


def _fill(conn, table: str, **given) -> int:
    """Insert a row giving every NOT NULL column without a default a plain value."""
    columns = sa.inspect(conn).get_columns(table)
    row = {}
    for column in columns:
        name = column["name"]
        if name == "id" or name in given or column["nullable"] or column.get("default"):
            continue
        kind = type(column["type"]).__name__.upper()
        if "INT" in kind or "NUMERIC" in kind:
            row[name] = 1
        elif "BOOL" in kind:
            row[name] = True
        elif kind == "DATE":
            row[name] = date(2026, 3, 2)
        elif "TIME" in kind:
            row[name] = "2026-03-02 00:00:00+00:00"
        else:
            length = getattr(column["type"], "length", None) or 40
            row[name] = f"{table}-{name}"[:length]
    row.update(given)
    target = sa.table(table, sa.column("id"), *(sa.column(k) for k in row))
    conn.execute(target.insert().values(**row))
    return conn.execute(sa.select(sa.func.max(target.c.id))).scalar_one()


def test_recommendation_types_map_to_the_statistics(empty_database_url):
    """amend_documents and fix_practices become "other"; the rest keep their type; the
    deadline rules follow (seeded values only)."""
    app = _app(empty_database_url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            unit = _fill(conn, "unit", kind="department", code="U1", name="Sở Nội vụ")
            user = _fill(conn, "user", role="lead_inspector", username="lead", unit_id=None)
            ref = _fill(conn, "legal_reference", instrument="Luật", article="1", clause="")
            insp = _fill(
                conn,
                "inspection",
                kind="thanh_tra",
                state="in_progress",
                target_unit_id=unit,
                lead_id=user,
                plan_item_id=None,
                ad_hoc_reason="Đột xuất",
                onsite_started_on=date(2026, 3, 2),
            )
            old = {}
            for number, kind in enumerate(
                ("recovery", "admin_handling", "discipline", "amend_documents", "fix_practices"),
                start=1,
            ):
                old[kind] = _fill(
                    conn,
                    "recommendation",
                    inspection_id=insp,
                    number=number,
                    type=kind,
                    severity="medium",
                    state="open",
                    escalation_level=0,
                    legal_reference_id=ref,
                    responsible_unit_id=unit,
                    amount_vnd=1000 if kind == "recovery" else None,
                    created_by_id=user,
                )
            for key, amount in (("case.amend_documents", 90), ("case.fix_practices", 45)):
                _fill(conn, "deadline_rule", key=key, amount=amount, day_kind="calendar")
        upgrade()
        with db.engine.connect() as conn:
            types = dict(conn.execute(sa.text("SELECT id, type FROM recommendation")).all())
            keys = set(conn.execute(sa.text("SELECT key FROM deadline_rule")).scalars())
        assert {kind: types[i] for kind, i in old.items()} == {
            "recovery": "recovery",
            "admin_handling": "admin_handling",
            "discipline": "discipline",
            "amend_documents": "other",
            "fix_practices": "other",
        }
        # The seeded 90-day rule goes; an administrator's changed one (45) stays.
        assert "case.amend_documents" not in keys and "case.fix_practices" in keys
        assert {"case.other", "case.referral"} <= keys
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            back = set(conn.execute(sa.text("SELECT type FROM recommendation")).scalars())
        assert back == {"recovery", "admin_handling", "discipline", "fix_practices"}
        db.engine.dispose()
