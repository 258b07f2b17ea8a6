"""/openapi.json and /docs: the OpenAPI document of this API and its reference page."""

from __future__ import annotations

from flask import current_app, jsonify

from inspect_app.api.common import bp
from inspect_app.api.spec import build_spec
from inspect_app.core.htmx import render
from inspect_app.core.permissions import AUTHENTICATED, access


@bp.route("/openapi.json")
@access(AUTHENTICATED)
def openapi():
    """The OpenAPI 3 document of this API."""
    return jsonify(build_spec(current_app))


@bp.route("/docs")
@access(AUTHENTICATED)
def docs():
    """The API reference as a page, rendered on the server from the OpenAPI document."""
    spec = build_spec(current_app)
    return render("api/docs.html", spec=spec, methods=("get", "post", "put", "patch", "delete"))
