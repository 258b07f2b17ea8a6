"""Query-string values read by the lists' `XFilters.from_args`: bad values are ignored."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from inspect_app.core import filters
from inspect_app.core.roles import Role


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026", 2026),
        (" 2030 ", 2030),
        ("1999", None),
        ("abc", None),
        ("", None),
        ("٢٠٢٦", None),
        ("9" * 40, None),
        ("-1", None),
    ],
)
def test_number(raw, expected):
    assert filters.number(MultiDict({"n": raw}), "n", 2000, 2100) == expected


def test_record_id_range():
    assert filters.record_id(MultiDict({"id": "7"}), "id") == 7
    assert filters.record_id(MultiDict({"id": "0"}), "id") is None
    assert filters.record_id(MultiDict({"id": str(2**31)}), "id") is None


def test_text_choice_and_day():
    args = MultiDict(
        {
            "q": "  a\x00b " + "x" * 200,
            "role": "admin",
            "bad": "root",
            "d": "2026-03-02",
            "vn": "02/03/2026",
            "far": "0001-01-01",
        }
    )
    assert filters.text(args, "q") == ("ab " + "x" * 200)[:100]
    assert filters.choice(args, "role", Role) == "admin"
    assert filters.choice(args, "bad", Role, "none") == "none"
    assert filters.day(args, "d") == date(2026, 3, 2)
    assert filters.day(args, "vn") is None
    assert filters.day(args, "vn", ("%Y-%m-%d", "%d/%m/%Y")) == date(2026, 3, 2)
    assert filters.day(args, "far") is None
    assert filters.day(args, "missing") is None
