"""Pagination of list queries: one COUNT and one page of rows, whatever the table size."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from sqlalchemy import Select, func, select

from inspect_app.core.htmx import render
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
    stmt: Select, per_page: int | None = None, scalars: bool = True, total: int | None = None
) -> Page:
    """Run `stmt` for the page named in the query string (`page`, `per_page`); `total` skips the
    COUNT when the caller already knows it (the case list's counters do)."""
    per_page = per_page or _int_arg("per_page", current_app.config["PER_PAGE"], 1, 200)
    page = _int_arg("page", 1, 1, 100_000)
    if total is None:
        count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
        total = db.session.execute(count_stmt).scalar_one()
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.unique().scalars() if scalars else result.all())
    return Page(items, total, page, per_page)


def list_page(template: str, fragment: str, filters, stmt: Select, scalars: bool = True, **context):
    """A filtered list: `template` (or, for htmx, its `fragment`) with one page of `stmt`'s
    rows as `page`, the `filters` and `context`."""
    return render(
        template, fragment, page=paginate(stmt, scalars=scalars), filters=filters, **context
    )
