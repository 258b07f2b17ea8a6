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
from inspect_app.core.loading import get_or_404
from inspect_app.core.permissions import access


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


def record_pages(
    bp,
    rule: str,
    model,
    page: Callable[[Any], Any],
    *,
    roles: tuple,
    arg: str,
    names: tuple[str, str],
    what: str,
) -> tuple[Callable, Callable]:
    """Register the two pages of one kind of record on `bp`: `{rule}/new` (endpoint `names[0]`,
    `page(None)`) and `{rule}/<int:{arg}>` (endpoint `names[1]`, `page(record)`, 404 unknown),
    both GET (the form) and POST (save: 422 with messages on bad input, 409 on a stale form),
    open to `roles`. `what` names the record in the pages' descriptions. Returns both views (the
    API's routes take their access from them)."""

    def new():
        return page(None)

    def edit(**ids):
        return page(get_or_404(model, ids[arg]))

    new.__doc__ = f"Create {what} (422 with messages on bad input)."
    edit.__doc__ = f"Edit {what}; 404 unknown, 409 stale form, 422 bad input."
    methods = ["GET", "POST"]
    bp.add_url_rule(f"{rule}/new", names[0], access(*roles)(new), methods=methods)
    bp.add_url_rule(f"{rule}/<int:{arg}>", names[1], access(*roles)(edit), methods=methods)
    return new, edit
