"""The OpenAPI 3 document, generated from the routes' `@doc` declarations and the schemas.

Each API view carries `@doc(...)` (summary, tag, query/body/response schemas, error statuses);
the document walks `app.url_map`, so a route cannot be added without appearing here (and a
test fails on an API route without `@doc`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema

from inspect_app.api.schemas import ProblemSchema
from inspect_app.cases.schemas import AreaM2, VndAmount
from inspect_app.core.schemas import MAX_ID
from inspect_app.findings.schemas import LocalDateTime

API_TITLE = "Provincial Inspectorate case management API"
API_VERSION = "1.0.0"
PROBLEM_TYPE = "application/problem+json"


@dataclass
class ApiDoc:
    summary: str
    tag: str
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    response: type[Schema] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    binary: bool = False
    binary_type: str = "application/octet-stream"
    # The body is multipart/form-data (fields and files) rather than a JSON object.
    multipart: bool = False
    description: str = ""
    extra: dict = field(default_factory=dict)


def doc(summary: str, *, tag: str, **kwargs) -> Callable:
    """Describe an API view for the OpenAPI document (see ApiDoc for the keywords)."""

    def decorate(view: Callable) -> Callable:
        view._api_doc = ApiDoc(summary=summary, tag=tag, **kwargs)  # type: ignore[attr-defined]
        return view

    return decorate


def _schema_name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    feature = cls.__module__.split(".")[1] if cls.__module__.startswith("inspect_app.") else ""
    if feature in ("", "api"):
        return name
    # Features reuse short names (TransitionSchema in plans and inspections): prefix the feature.
    return feature.title().replace("_", "") + name


def _path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _problem(description: str) -> dict:
    return {"description": description, "content": {PROBLEM_TYPE: {"schema": "Problem"}}}


ERROR_TEXT = {
    400: "Malformed request (not a JSON object, missing CSRF token for a cookie session)",
    401: "No valid token (or session)",
    403: "Not allowed for this user",
    404: "Unknown, or not visible to this user",
    409: "Stale version, or not possible in the current state",
    413: "Request too large",
    422: "Invalid input: `errors` names the fields",
    429: "Too many requests",
}


def build_spec(app: Flask) -> dict:
    """The OpenAPI document of every `api.*` route."""
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(
        title=API_TITLE,
        version=API_VERSION,
        openapi_version="3.0.3",
        plugins=[plugin],
        info={
            "description": "Authenticate with a personal token created on /account/tokens: "
            "`Authorization: Bearer <token>`. The token carries its owner's permissions."
        },
    )
    _map_custom_fields(plugin)
    spec.components.schema("Problem", schema=ProblemSchema)
    spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    spec.options["security"] = [{"bearerAuth": []}]

    rules = sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")),
        key=lambda r: r.rule,
    )
    paths: dict[str, dict] = {}
    for rule in rules:
        info: ApiDoc | None = getattr(app.view_functions[rule.endpoint], "_api_doc", None)
        if info is None:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule.rule), {})[method.lower()] = _operation(rule, method, info)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    document["security"] = [{"bearerAuth": []}]
    return document


def _operation(rule, method: str, info: ApiDoc) -> dict:
    parameters: list[dict] = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        }
        for name in sorted(rule.arguments)
    ]
    if info.query is not None:
        parameters.append({"in": "query", "schema": info.query})
    statuses = {401, 403, 429, *info.errors}
    if rule.arguments:
        statuses.add(404)
    if method != "GET":
        statuses |= {400, 409}
    if info.body is not None:
        statuses |= {413, 422}
    responses: dict = {}
    if info.binary:
        responses[str(info.status)] = {
            "description": "The file",
            "content": {info.binary_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    elif info.response is not None:
        responses[str(info.status)] = {
            "description": "OK",
            "content": {"application/json": {"schema": info.response}},
        }
    else:
        responses[str(info.status)] = {"description": "Done"}
    for status in sorted(statuses):
        responses[str(status)] = _problem(ERROR_TEXT[status])
    operation = {
        "operationId": rule.endpoint.removeprefix("api."),
        "summary": info.summary,
        "tags": [info.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if info.description:
        operation["description"] = info.description
    if info.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {
                ("multipart/form-data" if info.multipart else "application/json"): {
                    "schema": info.body
                }
            },
        }
    operation.update(info.extra)
    return operation


def _map_custom_fields(plugin: MarshmallowPlugin) -> None:
    """Give the features' custom marshmallow fields an OpenAPI type and the shape they accept."""
    shapes = {
        VndAmount: {"type": "string", "pattern": r"^[1-9][0-9]{0,14}$", "example": "15000000"},
        AreaM2: {
            "type": "string",
            "pattern": r"^[1-9][0-9]{0,11}(\.[0-9]{1,2})?$",
            "example": "1250.5",
        },
        LocalDateTime: {
            "type": "string",
            "description": "Local time in the province (Asia/Ho_Chi_Minh), YYYY-MM-DDTHH:MM",
            "pattern": r"^20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]$",
            "example": "2026-03-05T09:30",
        },
    }

    def custom_shape(self, field, **kwargs) -> dict:
        return next((s for cls, s in shapes.items() if isinstance(field, cls)), {})

    plugin.converter.add_attribute_function(custom_shape)
