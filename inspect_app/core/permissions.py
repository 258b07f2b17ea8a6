"""One way to declare what each route needs, enforced in one place.

Every view is decorated with `@access(...)`: `PUBLIC`, `AUTHENTICATED`, or the roles allowed.
A view without a declaration is refused (deny by default) and fails the permission-matrix test.
Object-level decisions are the models' `can_*(user)` methods, checked by the views.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, request
from flask_login import current_user

from inspect_app.extensions import login_manager

PUBLIC = "public"
AUTHENTICATED = "authenticated"


def access(*rules: Any) -> Callable:
    """Declare who may call a view: PUBLIC, AUTHENTICATED, or roles (Role members)."""
    if not rules:
        raise ValueError("access() needs at least one rule")

    def decorate(view: Callable) -> Callable:
        view._access = frozenset(rules)  # type: ignore[attr-defined]
        return view

    return decorate


def access_rule(app: Flask, endpoint: str) -> frozenset | None:
    if endpoint == "static":
        return frozenset({PUBLIC})
    view = app.view_functions.get(endpoint)
    return getattr(view, "_access", None)


def enforce_access() -> Any:
    """before_request: apply the declared rule of the matched endpoint."""
    if request.endpoint is None:  # 404 / 405 are answered by the routing error itself
        return None
    rule = access_rule(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("route %s has no access declaration", request.endpoint)
        abort(403)
    if PUBLIC in rule:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if AUTHENTICATED in rule or current_user.role in rule:
        return None
    abort(403)


def require(allowed: bool, status: int = 403) -> None:
    """Abort with `status` unless an object-level check allowed the action."""
    if not allowed:
        abort(status)
