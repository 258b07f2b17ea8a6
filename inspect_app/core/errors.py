"""Domain errors and the handlers that turn every error into a clear page, fragment or JSON."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from inspect_app.core import htmx
from inspect_app.extensions import db

log = logging.getLogger(__name__)


class OperationError(Exception):
    """A refused change: the message is shown to the user, the status is the HTTP answer."""

    status = 422

    def __init__(self, message=None, status: int | None = None, field: str | None = None):
        super().__init__(str(message or self.default_message()))
        self.message = message or self.default_message()
        if status is not None:
            self.status = status
        self.field = field

    def default_message(self):
        return _l("This change is not allowed.")


class Forbidden(OperationError):
    status = 403

    def default_message(self):
        return _l("You do not have permission to do this.")


# What a stale write answers (lazy: shown only after the failed transaction is rolled back,
# since reading the user's language may need the database).
STALE_WRITE = _l(
    "Someone else changed this record since you opened it. "
    "The current version is shown; please check it and try again."
)


class Conflict(OperationError):
    status = 409

    def default_message(self):
        return STALE_WRITE


TITLES = {
    400: _l("Bad request"),
    401: _l("Please sign in"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Changed by someone else"),
    413: _l("File or request too large"),
    422: _l("Cannot be saved"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}

MESSAGES = {
    400: _l("The request could not be understood. Reload the page and try again."),
    403: _l("You do not have permission to open this page or do this action."),
    404: _l("The page or record you asked for does not exist, or you cannot see it."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The file or form you sent is larger than allowed."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("An unexpected error occurred. It has been logged; nothing was saved."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def error_response(
    status: int, message: str | None = None, title: str | None = None, errors: dict | None = None
):
    """Render an error as JSON problem details (RFC 9457, with the invalid fields in `errors`),
    an htmx fragment, or a full page."""
    title = str(title or TITLES.get(status, TITLES[500]))
    message = str(message or MESSAGES.get(status, ""))
    if wants_json():
        body = {"type": "about:blank", "status": status, "title": title, "detail": message}
        if errors:
            body["errors"] = {str(k): [str(m) for m in v] for k, v in errors.items()}
        response = jsonify(body)
        response.status_code = status
        response.mimetype = "application/problem+json"
    elif htmx.is_htmx():
        html = render_template("core/_error_fragment.html", status=status, message=message)
        response = htmx.retarget_to_flash(make_response(html, status))
    else:
        html = render_template("core/error.html", status=status, title=title, message=message)
        response = make_response(html, status)
    # One URL answers JSON, a fragment or a page (404s may be cached): keep them apart.
    response.vary.update(("Accept", "HX-Request"))
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return error_response(
            400, _("Your form has expired or is missing its security token. Reload the page.")
        )

    @app.errorhandler(OperationError)
    def operation_error(e: OperationError):
        db.session.rollback()
        errors = {e.field: [str(e.message)]} if e.field else None
        return error_response(e.status, str(e.message), errors=errors)

    @app.errorhandler(StaleDataError)
    def stale(e):
        db.session.rollback()
        return error_response(409, str(STALE_WRITE))

    @app.errorhandler(IntegrityError)
    def integrity(e: IntegrityError):
        db.session.rollback()
        if not is_unique_violation(e):
            log.exception("integrity error on %s %s", request.method, request.path)
            return error_response(500)
        return concurrent_write(e)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        db.session.rollback()
        status = e.code or 500
        if status == 429:
            return error_response(429)
        description = e.description if status in (400, 403, 404, 422) and _custom(e) else None
        response = error_response(status, description)
        if status == 405 and e.valid_methods:
            response = app.make_response(response)
            response.headers["Allow"] = ", ".join(e.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)


def is_unique_violation(e: IntegrityError) -> bool:
    """A unique key already taken (PostgreSQL 23505, SQLite "UNIQUE constraint failed"): the
    same record saved by a concurrent request, where each one's checks saw it free."""
    code = getattr(e.orig, "sqlstate", None)
    return code == "23505" or "UNIQUE constraint failed" in str(e.orig)


def concurrent_write(e: IntegrityError):
    """The answer to a unique key taken by a concurrent request: 409, nothing saved."""
    log.warning("concurrent write on %s %s: %s", request.method, request.path, e.orig)
    return error_response(
        409,
        _(
            "The same record was saved by someone else at the same moment; nothing of yours "
            "was saved. Reload the page and try again."
        ),
    )


def _custom(e: HTTPException) -> bool:
    """Whether abort() was given our own description (not werkzeug's English default)."""
    return e.description != type(e).description
