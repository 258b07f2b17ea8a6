"""Demo seed: the 2025 annual report it drafts has a figure in every column of every table and
in every row (a full year's history), and seeding again adds nothing."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from inspect_app.cases.models import Case
from inspect_app.seed import seed_demo
from inspect_app.statistics import operations


def test_the_demo_year_report_has_figures_in_every_column_and_row(app, db):
    seed_demo()
    db.session.commit()
    report = operations.report_for("2025-Y")
    assert report is not None and report.form_version == "TT06-2025"
    assert report.document.state.value == "draft"
    for table in report.snapshot["tables"]:
        *rows, total = table["rows"]
        zero = [
            c["key"] for c in table["columns"] if Decimal(total["cells"][c["key"]]["value"]) == 0
        ]
        assert zero == [], (table["code"], zero)
        for row in rows:
            assert any(Decimal(c["value"]) for c in row["cells"].values()), (
                table["code"],
                row["key"],
            )
    assert "I. KẾT QUẢ CÔNG TÁC THANH TRA" in report.document.body
    cases = select(func.count(Case.id))
    before = db.session.execute(cases).scalar_one()
    seed_demo()
    db.session.commit()
    assert db.session.execute(cases).scalar_one() == before
