"""What every API resource module shares: the blueprint, reading a JSON body with a feature's
schema (400/422 as problem+json), sending objects and pages back, and `Kind`, which registers
the standard routes of a resource (its list, one object, creating one, running an operation on
one) from a short declaration.

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
from flask_login import current_user
from marshmallow import Schema, ValidationError
from sqlalchemy import Select

from inspect_app.api.schemas import PageQuery, page_schema
from inspect_app.api.spec import doc
from inspect_app.core.errors import error_response
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import access, require
from inspect_app.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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


def dump_page(schema: type[Schema], stmt: Select | tuple[Select, int], rows: bool = False):
    """The page of `stmt` named by `page` and `per_page` in the envelope of `page_schema`;
    `rows`: the statement selects rows whose first column is the object; `stmt` may come
    with the list's size when the caller knows it (`(stmt, total)`: no COUNT)."""
    stmt, total = stmt if isinstance(stmt, tuple) else (stmt, None)
    page = paginate(stmt, scalars=not rows, total=total)
    items = [row[0] for row in page.items] if rows else page.items
    return jsonify(
        items=schema(many=True).dump(items),
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
    )


# --- routes --------------------------------------------------------------------------------------


def same_as(page_view):
    """The access declaration of the page this API route mirrors (or of a rule such as
    AUTHENTICATED, given instead of a page)."""
    rules = getattr(page_view, "_access", None)
    return access(*rules) if rules is not None else access(page_view)


def route(rule: str, endpoint: str, page_view, view: Callable, docstring: str, **described):
    """Register `view` as `rule` under `endpoint` with the access of `page_view`, described for
    the OpenAPI document by `described` (`summary`, `method` and spec.doc's keywords)."""
    view.__name__, view.__doc__ = endpoint, docstring
    method = described.pop("method", "GET")
    view = doc(described.pop("summary"), **described)(view)
    bp.add_url_rule(rule, endpoint, same_as(page_view)(view), methods=[method])


def api_route(rule: str, page_view, *, method: str = "GET", **described):
    """Decorate a view: registered as <method> <rule> under its name with the access of
    `page_view`, summarised by its docstring (`summary_of`) and described by `described`
    (spec.doc's keywords)."""

    def register(view: Callable):
        summary = summary_of(view)
        route(
            rule,
            view.__name__,
            page_view,
            view,
            view.__doc__,
            summary=summary,
            method=method,
            **described,
        )
        return view

    return register


def summary_of(function: Callable) -> str:
    """A route's OpenAPI summary: the first paragraph of its function's docstring, without the
    final full stop (the rest of the docstring is for readers of the code)."""
    first = " ".join((function.__doc__ or "").split("\n\n")[0].split())
    if not first:
        raise ValueError(f"{function.__name__} needs a docstring: it is the route's summary")
    return first.removesuffix(".")


def _transition(operation: Callable, endpoint: str, summary: str) -> Callable[[Any, dict], Any]:
    def run(obj, data: dict):
        return operation(current_user, obj, data["version"])

    run.__name__, run.__doc__ = endpoint, f"{summary}."
    return run


@dataclass(frozen=True)
class Kind:
    """A kind of object the API sends and runs operations on: its URL, the prefix of its
    endpoints, its OpenAPI tag, how the caller's copy is loaded (404 when not visible) and how
    it is sent. Its methods register the resource's standard routes; a route's endpoint is the
    name of the function that supplies what differs (`def cases(): return <statement>`), and
    its summary that function's docstring (`summary_of`)."""

    rule: str
    name: str
    tag: str
    load: Callable[[int], Any]
    response: type[Schema]

    @property
    def collection(self) -> str:
        """The URL of the list: the object's URL without its id."""
        return self.rule.rsplit("/", 1)[0]

    def listing(self, page_view, *, query=PageQuery, response=None, rows=False, **doc_):
        """Decorate a function that returns the list's statement (or the statement and the
        list's size): GET <collection> sends the page of it named by `page` and `per_page`;
        `rows`: the statement selects rows whose first column is the object."""
        item = response or self.response

        def register(statement: Callable[[], Select]):
            route(
                self.collection,
                statement.__name__,
                page_view,
                lambda: dump_page(item, statement(), rows),
                statement.__doc__,
                summary=summary_of(statement),
                tag=self.tag,
                query=query,
                response=page_schema(item),
                **doc_,
            )
            return statement

        return register

    def detail(self, page_view, summary: str, docstring: str = "", response=None) -> None:
        """Register GET <rule> under the kind's name: the object, 404 when unknown or not
        visible."""
        item = response or self.response
        docstring = docstring or f"One {self.name}; 404 when unknown or not visible."
        view = lambda **ids: dump(item, self.load(*ids.values()))  # noqa: E731
        route(
            self.rule,
            self.name,
            page_view,
            view,
            docstring,
            summary=summary,
            tag=self.tag,
            response=item,
        )

    def create(self, page_view, schema: type[Schema]):
        """Decorate `run(data)`: POST <collection> reads the body with `schema` (400, 422),
        creates the object with `run` and sends it back with 201."""

        def register(run: Callable[[dict], Any]):
            view = lambda: dump(self.response, run(load_body(schema())), 201)  # noqa: E731
            route(
                self.collection,
                run.__name__,
                page_view,
                view,
                run.__doc__,
                summary=summary_of(run),
                method="POST",
                tag=self.tag,
                body=schema,
                response=self.response,
                status=201,
            )
            return run

        return register

    def action(
        self,
        name: str,
        page_view,
        schema: type[Schema],
        *,
        check: Callable[[Any], bool] | None = None,
        rule: str | None = None,
        method: str = "POST",
        response: type[Schema] | None = None,
        status: int = 200,
        tag: str | None = None,
        description: str = "",
    ):
        """Decorate `run(obj, data)`: <method> <rule>/<name> (the object itself when `name` is
        empty) loads the object (404), checks that the caller may act on it (403): `check(obj)`,
        or the model's rule named `rule` without its state part (`obj.can_x(user,
        check_state=False)`: a wrong state is the operation's 422), reads the body with `schema`
        (400, 422), runs the one operation `run` and sends its result back (the object by
        default) with `response` and `status`."""
        sent = response or self.response

        def register(run: Callable[[Any, dict], Any]):
            def view(**ids):
                obj = self.load(*ids.values())
                if check is not None:
                    require(check(obj))
                if rule is not None:
                    require(getattr(obj, rule)(current_user, check_state=False))
                return dump(sent, run(obj, load_body(schema())), status)

            route(
                f"{self.rule}/{name}" if name else self.rule,
                run.__name__,
                page_view,
                view,
                run.__doc__,
                summary=summary_of(run),
                method=method,
                tag=tag or self.tag,
                body=schema,
                response=sent,
                status=status,
                description=description,
            )
            return run

        return register

    def transitions(self, schema: type[Schema], steps: dict[str, tuple]) -> None:
        """Register POST <rule>/<step> for each step: (page view, operation, summary), where
        the operation takes the caller, the object and the version the body names."""
        for step, (page_view, operation, summary) in steps.items():
            endpoint = f"{self.name}_{step.replace('-', '_')}"
            self.action(step, page_view, schema)(_transition(operation, endpoint, summary))
