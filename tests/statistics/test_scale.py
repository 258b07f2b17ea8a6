"""The figures at a province's scale: no statement's parameters grow with the records (a year
holds more cases than PostgreSQL takes parameters in one statement), drill-downs read their
records in bounded chunks, and narrowing records by a form's terms agrees term by term."""

from __future__ import annotations

from datetime import date as D

import pytest
from sqlalchemy import event

from inspect_app.extensions import db
from inspect_app.statistics import operations, queries
from tests import factories as f

PERIOD = "2026-Q1"


def _most_parameters(fn) -> int:
    """The most bind parameters any one statement of `fn()` carried."""
    most = [0]

    def before(conn, cursor, statement, parameters, context, executemany):
        count = len(parameters) if isinstance(parameters, dict | list | tuple) else 0
        most[0] = max(most[0], count)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return most[0]


def test_no_statement_of_the_figures_grows_with_the_cases(world):
    period, cutoff = operations.resolve(PERIOD)

    def figures():
        records = queries.load(period, cutoff)
        queries.breakdown(records)
        return records

    before = _most_parameters(figures)
    cases_before = len(figures().case)
    inspection = world["cases"]["c1"].inspection
    for n in range(40):
        f.make_case(inspection=inspection, due=D(2026, 2, 28), title=f"Thêm {n}")
    db.session.commit()
    assert len(figures().case) == cases_before + 40
    assert _most_parameters(figures) == before


def test_drill_rows_read_in_chunks_keep_id_order(world, monkeypatch):
    period, cutoff = operations.resolve(PERIOD)
    ids = sorted(queries.load(period, cutoff).case)
    whole = queries.drill_rows("case", ids, "count")
    monkeypatch.setattr(queries, "ID_CHUNK", 3)
    chunked = queries.drill_rows("case", list(reversed(ids)), "count")
    assert [r.id for r in chunked] == [r.id for r in whole] == ids
    assert len(ids) > 3


RECORDS = [
    {"id": 1, "kind": "thanh_tra", "accepted": True, "overdue": False},
    {"id": 2, "kind": "kiem_tra", "accepted": False, "overdue": True},
    {"id": 3, "kind": "thanh_tra", "accepted": False, "overdue": False},
]


@pytest.mark.parametrize(
    ("terms", "ids"),
    [
        ([], [1, 2, 3]),
        (["accepted"], [1]),
        (["!accepted"], [2, 3]),
        (["kind=thanh_tra"], [1, 3]),
        (["kind=thanh_tra|kiem_tra", "!accepted", "!overdue"], [3]),
        (["!kind=kiem_tra", "accepted"], [1]),
    ],
)
def test_narrowing_by_terms(terms, ids):
    assert [r["id"] for r in queries.narrowed(RECORDS, terms)] == ids
