"""One way to load a record by id for a request: 404 when it does not exist or the user may not
see it (the model's `can_view(user)`), so guessing ids tells nothing."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from inspect_app.core.schemas import MAX_ID
from inspect_app.extensions import db

M = TypeVar("M")


def get_or_404(model: type[M], ident: Any, *options) -> M:
    """The record of `model` with this id, eager-loading `options`; 404 if there is none.

    Also 404 for an id outside the column's range, which the database would refuse with a 500.
    """
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    record = None
    if 0 < ident <= MAX_ID:
        if options:
            query = select(model).options(*options).where(model.id == ident)  # type: ignore[attr-defined]
            record = db.session.execute(query).unique().scalar_one_or_none()
        else:
            record = db.session.get(model, ident)
    if record is None:
        abort(404)
    return record


def get_visible_or_404(model: type[M], ident: Any, *options, user=None) -> M:
    """The record if `user` (the signed-in user by default) may see it: its `can_view(user)`.

    :raise 404: no such record, or one the user may not see (other units' records included).
    """
    record = get_or_404(model, ident, *options)
    if not record.can_view(user if user is not None else current_user):  # type: ignore[attr-defined]
        abort(404)
    return record
