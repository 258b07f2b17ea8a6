"""What every API resource module shares: the blueprint, reading a JSON body with a feature's
schema (400/422 as problem+json), sending objects and pages back, and the adapter that turns
one operation into a route.

Refused operations (OperationError, 403, 404, stale versions) become problem details in the
app's error handlers (core.errors); a request that answers < 400 is committed by
core.actions.finish_request, so no route commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError
from sqlalchemy import Select

from inspect_app.api.spec import doc
from inspect_app.core.errors import error_response
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import access, require
from inspect_app.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def same_as(page_view):
    """The access declaration of the page this API route mirrors."""
    return access(*page_view._access)


# --- request bodies ------------------------------------------------------------------------------


class InvalidBody(Exception):
    """A request body refused before any operation ran: 400 (not a JSON object) or 422."""

    def __init__(self, status: int, message: str, errors: dict | None = None):
        self.status, self.message, self.errors = status, message, errors


@bp.errorhandler(InvalidBody)
def _invalid_body(e: InvalidBody):
    return error_response(e.status, e.message, errors=e.errors)


def invalid(errors: dict) -> InvalidBody:
    """The 422 of refused input, naming the invalid fields."""
    return InvalidBody(422, _("Some values are missing or invalid."), errors)


def _flatten(messages) -> dict:
    if not isinstance(messages, dict):
        return {"_schema": [str(m) for m in messages]}
    flat: dict = {}
    for key, value in messages.items():
        if isinstance(value, dict):
            for sub, sub_messages in _flatten(value).items():
                flat[f"{key}.{sub}"] = sub_messages
        elif isinstance(value, list | tuple):
            flat[str(key)] = [str(m) for m in value]
        else:
            flat[str(key)] = [str(value)]
    return flat


def _as_form_value(value):
    """The features' schemas read forms: JSON booleans become the words a checkbox sends."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.strip() if isinstance(value, str) else value


def validate(schema: Schema, data: dict) -> dict:
    """`schema.load(data)`; 422 with the field messages when invalid."""
    try:
        return schema.load(data)
    except ValidationError as err:
        raise invalid(_flatten(err.messages)) from None


def load_body(schema: Schema) -> dict:
    """Validate the JSON object of the request with a feature's schema: 400 when it is not a
    JSON object, 422 with the field messages when invalid. Empty strings and nulls are "not
    given", as in the forms."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidBody(400, _("Send a JSON object with Content-Type: application/json."))
    cleaned = {k: _as_form_value(v) for k, v in body.items()}
    cleaned = {k: v for k, v in cleaned.items() if not (v is None or v == "")}
    return validate(schema, cleaned)


# --- responses -----------------------------------------------------------------------------------


def dump(schema: type[Schema], obj, status: int = 200):
    """`obj` as JSON through `schema`. After a change, what the database now holds is sent
    (as after a commit): the change is flushed and the session's objects are read again."""
    if request.method not in SAFE_METHODS:
        db.session.flush()
        db.session.expire_all()
    response = jsonify(schema().dump(obj))
    response.status_code = status
    return response


def dump_items(schema: type[Schema], items):
    """A list that is not paginated: {"items": [...]}."""
    return jsonify(items=schema(many=True).dump(items))


def dump_page(schema: type[Schema], stmt: Select, rows: bool = False):
    """The page of `stmt` named by `page` and `per_page` in the envelope of `page_schema`;
    `rows`: the statement selects rows whose first column is the object."""
    page = paginate(stmt, scalars=not rows)
    items = [row[0] for row in page.items] if rows else page.items
    return jsonify(
        items=schema(many=True).dump(items),
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
    )


# --- routes that run one operation ---------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of object the API runs operations on: its URL, the prefix of its endpoints, its
    OpenAPI tag, how the caller's copy is loaded (404 when not visible) and how it is sent."""

    rule: str
    name: str
    tag: str
    load: Callable[[int], Any]
    response: type[Schema]


def action(
    kind: Kind,
    name: str,
    page_view,
    schema: type[Schema],
    run: Callable[[Any, dict], Any],
    summary: str,
    *,
    check: Callable[[Any], bool] | None = None,
    docstring: str | None = None,
    method: str = "POST",
    endpoint: str | None = None,
    response: type[Schema] | None = None,
    status: int = 200,
    tag: str | None = None,
    description: str = "",
) -> None:
    """Register <method> <kind.rule>/<name> (the object itself when `name` is empty): load the
    object (404), `check(obj)` that the caller may act on it (403), read the body with `schema`
    (400, 422), run one operation `run(obj, data)` and send its result back (the object by
    default) with `response` and `status`, documented under `tag` (the kind's by default)."""
    response = response or kind.response

    def view(**ids):
        (obj_id,) = ids.values()
        obj = kind.load(obj_id)
        if check is not None:
            require(check(obj))
        data = load_body(schema())
        return dump(response, run(obj, data), status)

    view.__name__ = endpoint or f"{kind.name}_{name.replace('-', '_')}"
    view.__doc__ = docstring or f"{summary}; 403, 404, 409, 422."
    view = doc(
        summary,
        tag=tag or kind.tag,
        body=schema,
        response=response,
        status=status,
        description=description,
    )(view)
    rule = f"{kind.rule}/{name}" if name else kind.rule
    bp.add_url_rule(rule, view.__name__, same_as(page_view)(view), methods=[method])


def create(
    rule: str,
    endpoint: str,
    page_view,
    schema: type[Schema],
    run: Callable[[dict], Any],
    summary: str,
    *,
    tag: str,
    response: type[Schema],
    docstring: str,
) -> None:
    """Register POST <rule>: read the body with `schema` (400, 422), create the object with
    `run(data)` and send it back with 201."""

    def view():
        return dump(response, run(load_body(schema())), 201)

    view.__name__ = endpoint
    view.__doc__ = docstring
    view = doc(summary, tag=tag, body=schema, response=response, status=201)(view)
    bp.add_url_rule(rule, endpoint, same_as(page_view)(view), methods=["POST"])
