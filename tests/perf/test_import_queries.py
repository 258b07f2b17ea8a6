"""The tracker dry run reads the database a fixed number of times whatever the number of rows
(up to the 500-row chunks of its IN lists); the import writes its rows in batches on PostgreSQL
(on SQLite SQLAlchemy inserts one row per statement, RETURNING order being undefined there)."""

from __future__ import annotations

from inspect_app.workflows import imports
from tests import factories as f
from tests.workflows.tracker import row, xlsx


def _queries(count_queries, admin, rows, name):
    table = imports.read_table(xlsx(rows), name)
    with count_queries() as checked:
        run = imports.check(admin, table, name)
    with count_queries() as applied:
        imports.apply(admin, run)
    return checked(), applied()


def test_dry_run_and_import_take_a_fixed_number_of_queries(db, count_queries):
    admin = f.make_user("admin")
    unit = f.make_unit("Sở Nội vụ", code="SNV")
    other = f.make_unit("Sở Tư pháp", code="STP")
    ref = f.make_legal_reference()
    few = [row(unit, ref, number=n, title=f"A {n}") for n in range(1, 4)]
    many = [
        row(
            unit if n % 2 else other, ref, number=n, title=f"B {n}", conclusion_number=f"{n % 7}/KL"
        )
        for n in range(1, 121)
    ]
    few_counts = _queries(count_queries, admin, few, "a.xlsx")
    many_counts = _queries(count_queries, admin, many, "b.xlsx")
    assert many_counts[0] == few_counts[0]
    if db.engine.dialect.name == "postgresql":
        assert many_counts[1] == few_counts[1]
    else:  # one INSERT per case and per inspection, nothing else per row
        assert many_counts[1] - few_counts[1] == (120 - 3) + (7 - 1)
    # Re-importing (every row matched, unchanged) reads no more either.
    again = _queries(count_queries, admin, many, "b.xlsx")
    assert again[0] == few_counts[0]
