"""Create-and-edit pages of a record (reference data, units, users, plans): GET shows the form,
POST saves it through `core.actions.form_action`, one shape for every such page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_login import current_user
from marshmallow import Schema

from inspect_app.core.actions import PageAgain, form_action
from inspect_app.core.htmx import render


def typed_input(status: int):
    """What the form shows: the user's input, except after a 409, where the current record is
    shown (its values, not the ones typed over an older version)."""
    return {} if status == 409 else request.form


def edit_page(
    schema: Schema,
    save: Callable[[dict], Any],
    *,
    form: PageAgain,
    done: Callable[[Any], Any],
    message: Any = None,
):
    """GET: `form(200, {})`. POST: `save(data)`, then `done(record)` with `message` flashed, or
    the form again: 422 with the errors and the input, 409 with the current record."""
    if request.method == "GET":
        return form(200, {})
    return form_action(schema, save, page=form, done=done, message=message)


def record_form(template: str, **context) -> PageAgain:
    """The form page as `edit_page` and `form_action` show it: `template` with `context`, the
    errors, and the input to show again."""
    return lambda status, errors: render(
        template, status=status, errors=errors, form=typed_input(status), **context
    )


def create_or_edit(
    record,
    schema: Schema,
    create: Callable[[Any, dict], Any],
    update: Callable[[Any, Any, dict], Any],
    **page,
):
    """`edit_page` of a new record (`record` None: `create(actor, data)`) or an existing one
    (`update(actor, record, data)`), the signed-in user acting."""

    def save(data: dict):
        if record is None:
            return create(current_user, data)
        return update(current_user, record, data)

    return edit_page(schema, save, **page)
