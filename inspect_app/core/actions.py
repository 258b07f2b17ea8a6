"""The form loop, and the one place where a request's changes are committed.

A request that succeeds keeps its changes, any other is rolled back (indico's `RH.process`):
`finish_request` runs after every request, so views and operations never call `commit()`.

`form_action` is the loop every HTML action form shares (`RecordPage.action` declares the
actions of a record's own page): load the form through its schema, call the operation, then
either leave with a flash, or show the page again, 422 with the errors in place or 409
(someone else changed the record: the current state is shown, a flash says so, what the user
typed is kept).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, flash, g, request
from marshmallow import Schema
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from inspect_app.core.errors import (
    STALE_WRITE,
    OperationError,
    concurrent_write,
    is_unique_violation,
)
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import redirect_to
from inspect_app.extensions import db

#: page(status, errors) -> the page again: 422 with the field errors, 409 with the current state.
PageAgain = Callable[[int, dict], Any]


def form_action(
    schema: Schema | None,
    operation: Callable[[dict], Any],
    *,
    page: PageAgain,
    done: Callable[[Any], Any],
    message: Any = None,
    data: dict | None = None,
) -> Response | Any:
    """Run one action form.

    `operation(data)` receives the schema's loaded data (or `data` when no schema is given);
    `done(result)` answers after success, with `message` (text, or a callable of the result)
    flashed. 403/404 raised by the operation reach the error handlers unchanged.
    """
    errors: dict = {}
    if schema is not None:
        data, errors = load_form(schema)
    if not errors:
        try:
            result = operation(data if data is not None else {})
            db.session.flush()
        except StaleDataError:
            return _again(page, 409, {}, STALE_WRITE)  # its text is read after the rollback
        except OperationError as e:
            if e.status == 409:
                return _again(page, 409, {}, e.message)
            if e.status != 422:
                raise
            errors = {e.field or "_schema": [str(e.message)]}
        else:
            if message is not None:
                flash(str(message(result) if callable(message) else message), "success")
            return done(result)
    db.session.rollback()
    return page(422, errors)


def open_form(errors: dict | None = None, form=None, action: str | None = None) -> dict:
    """A record page's action forms as its template reads them: the field `errors`, what the
    user typed (`form`) and which form is open (`open_action`)."""
    return {"errors": errors or {}, "form": form if form is not None else {}, "open_action": action}


@dataclass(frozen=True)
class RecordPage:
    """A record's own page (a case, a document, a check) and the action forms posted to it.

    `load(id)` gives the record (404 if not visible); `show(record, status, errors, form,
    action)` renders the page; `endpoint` is the page's, its one argument `id_arg`.
    """

    load: Callable[[int], Any]
    show: Callable[..., Any]
    endpoint: str
    id_arg: str

    def act(self, ident: int, action: str, schema: Schema | None, call, message=None):
        """Run one action form on the record: `call(record, data)`, then 303 (HX-Redirect) to
        its page. Otherwise the page again, the record loaded anew: 422 with the errors,
        `action`'s form open and what the user typed kept, or 409 with the record as it is now.
        """
        record = self.load(ident)

        def page(status: int, errors: dict):
            if status == 422:
                return self.show(self.load(ident), status, errors, request.form, action)
            return self.show(self.load(ident), status, errors, None, None)

        return form_action(
            schema,
            lambda data: call(record, data),
            page=page,
            done=lambda _result: redirect_to(self.endpoint, **{self.id_arg: ident}),
            message=message,
        )

    def action(self, action: str, schema: type[Schema] | None, message=None):
        """Decorate `call(record, data)` as the view of the record page's `action` form: the
        view takes the record's id (`id_arg`) and runs `act` with a fresh `schema`."""

        def decorate(call: Callable[[Any, dict], Any]) -> Callable[..., Any]:
            @functools.wraps(call)
            def view(**args):
                form = schema() if schema is not None else None
                return self.act(args[self.id_arg], action, form, call, message)

            return view

        return decorate


def _again(page: PageAgain, status: int, errors: dict, message) -> Any:
    db.session.rollback()
    flash(str(message), "error")
    return page(status, errors)


def keep_changes() -> None:
    """Commit this request's changes even though it answers with an error status (a failed
    sign-in is recorded, then refused)."""
    g.keep_changes = True


def keep_so_far() -> None:
    """Commit what was written before the view runs (a bearer token's last use): it is kept
    whatever the request answers, and its row lock is not held while the view runs. Only the
    request's own changes after this point follow `finish_request`."""
    db.session.commit()


def finish_request(response: Response) -> Response:
    """after_request: commit what a successful request changed, roll back any other."""
    if response.status_code < 400 or g.get("keep_changes"):
        try:
            db.session.commit()
        except IntegrityError as e:  # checked free, taken meanwhile by a concurrent request
            db.session.rollback()
            if not is_unique_violation(e):
                raise
            return concurrent_write(e)
    else:
        db.session.rollback()
    return response
