"""Pagination of list queries: one COUNT and one page of rows, whatever the table size."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from sqlalchemy import Select, func, select

from inspect_app.core.htmx import render
from inspect_app.core.tabular import export
from inspect_app.extensions import db


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _int_arg(name: str, default: int, lo: int, hi: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except (TypeError, ValueError):
        value = default
    return min(max(value, lo), hi)


def paginate(
    stmt: Select,
    per_page: int | None = None,
    scalars: bool = True,
    total: int | None = None,
    window: Callable[[int, int], Select] | None = None,
) -> Page:
    """Run `stmt` for the page named in the query string (`page`, `per_page`); `total` skips the
    COUNT when the caller already knows it (the case list's counters do); `window(limit,
    offset)`, when given, is the statement of one page (a list that reads its page's ids
    first, then only those rows)."""
    per_page = per_page or _int_arg("per_page", current_app.config["PER_PAGE"], 1, 200)
    page = _int_arg("page", 1, 1, 100_000)
    offset = (page - 1) * per_page
    if total is None:
        count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = db.session.execute(count_stmt).scalar_one()
    elif offset >= total:
        # Known to be empty (a search without hits, a page past the end): no query. Without a
        # hit an ordered search reads the whole table in the order's index on SQLite.
        return Page([], total, page, per_page)
    one_page = window(per_page, offset) if window else stmt.limit(per_page).offset(offset)
    result = db.session.execute(one_page)
    items = list(result.unique().scalars() if scalars else result.all())
    return Page(items, total, page, per_page)


def list_page(template: str, fragment: str, filters, stmt: Select, scalars: bool = True, **context):
    """A filtered list: `template` (or, for htmx, its `fragment`) with one page of `stmt`'s
    rows as `page`, the `filters` and `context`."""
    return render(
        template, fragment, page=paginate(stmt, scalars=scalars), filters=filters, **context
    )


@dataclass(frozen=True)
class FilteredList:
    """A list page, its export and its API listing, reading the same rows under the request's
    filters: `read(request.args)` parses them (the list's `XFilters.from_args`),
    `statement(filters)` is the list's query; `template` / `fragment` show one page of it."""

    read: Callable[[Any], Any]
    statement: Callable[[Any], Select]
    template: str
    fragment: str
    scalars: bool = True

    def query(self) -> Select:
        """The list's query under the request's filters (the API pages it itself)."""
        return self.statement(self.read(request.args))

    def page(self, **context):
        """One page of the list under the request's filters, with `context` (`list_page`)."""
        filters = self.read(request.args)
        return list_page(
            self.template,
            self.fragment,
            filters,
            self.statement(filters),
            scalars=self.scalars,
            **context,
        )

    def export(self, fmt: str, title: str, filename: str, columns: Sequence):
        """Every row of the list under the request's filters as a `fmt` file (CSV, XLSX)."""
        result = db.session.execute(self.query()).unique()
        rows = result.scalars() if self.scalars else result.all()
        return export(fmt, title, filename, columns, rows)
