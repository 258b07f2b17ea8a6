"""The inspectorate's case-management application: `create_app()` builds it."""

from __future__ import annotations

import os
from importlib import import_module
from urllib.parse import urlsplit

from flask import Flask, g, has_request_context, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from inspect_app import models  # noqa: F401 - registers every model with the metadata
from inspect_app.auth import sessions
from inspect_app.cli import register_cli
from inspect_app.config import DEFAULT_SECRET_KEY, Config, config_from_env
from inspect_app.core import clock, versions
from inspect_app.core.actions import finish_request
from inspect_app.core.errors import error_response, register_error_handlers, wants_json
from inspect_app.core.htmx import current_url, is_htmx
from inspect_app.core.json import BoundedJSONProvider
from inspect_app.core.permissions import enforce_access
from inspect_app.core.requestlog import init_request_log
from inspect_app.core.schemas import translate_marshmallow_messages
from inspect_app.core.templating import register_template_helpers
from inspect_app.extensions import (
    babel,
    cache,
    csrf,
    db,
    htmx,
    limiter,
    login_manager,
    migrate,
)

BLUEPRINTS = (
    "inspect_app.home.views",
    "inspect_app.auth.views",
    "inspect_app.units.views",
    "inspect_app.reference.views",
    "inspect_app.plans.views",
    "inspect_app.inspections.views",
    "inspect_app.findings.views",
    "inspect_app.cases.views",
    "inspect_app.notifications.views",
    "inspect_app.answers.views",
    "inspect_app.extension_requests.views",
    "inspect_app.deputies.views",
    "inspect_app.reports.views",
    "inspect_app.implementation_checks.views",
    "inspect_app.dashboard.views",
    "inspect_app.api.views",
    "inspect_app.analytics.views",
    "inspect_app.statistics.views",
    "inspect_app.workflows.import_views",
)

# Workflow pages that add routes to a feature's blueprint (so their endpoints keep the
# feature's name): imported before the blueprints are registered.
WORKFLOW_ROUTES = (
    "inspect_app.workflows.case_file",
    "inspect_app.workflows.inspection_file",
    "inspect_app.workflows.reorganisation_views",
    "inspect_app.workflows.case_exports",
)


def create_app(config: type[Config] | dict | None = None) -> Flask:
    """Build the application from a config class, a dict of overrides, or the environment."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        template_folder=os.path.join(root, "templates"),
        instance_relative_config=True,
    )
    app.json = BoundedJSONProvider(app)
    if isinstance(config, dict):
        app.config.from_object(config_from_env())
        app.config.update(config)
    else:
        app.config.from_object(config or config_from_env())
    clock.set_zone(app.config["TIMEZONE"])
    _check_secret(app)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "inspect.db"
        )
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = os.path.join(app.instance_path, "uploads")

    if app.config.get("TRUSTED_PROXIES"):
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)  # type: ignore[method-assign]
    _init_extensions(app)
    _bounded_int_urls(app)
    _register_blueprints(app)
    init_request_log(app)  # first: its timer starts before, and its line is written after, all
    _register_request_hooks(app)
    translate_marshmallow_messages()
    register_error_handlers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def _check_secret(app: Flask) -> None:
    if app.debug or app.testing:
        return
    key = app.config.get("SECRET_KEY")
    if not key or key == DEFAULT_SECRET_KEY or len(key) < 16:
        raise RuntimeError(
            "SECRET_KEY is missing or is the development default. Set the environment variable "
            "SECRET_KEY to a long random value (e.g. python -c 'import secrets; "
            "print(secrets.token_hex(32))'), or APP_ENV=development for local work."
        )


def _select_locale() -> str:
    langs = ("vi", "en")
    if not has_request_context():
        return "vi"
    if current_user and current_user.is_authenticated and current_user.locale in langs:
        return current_user.locale
    lang = session.get("lang")
    return lang if lang in langs else "vi"


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    htmx.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    versions.init_app(app)
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=os.path.join(app.root_path, "translations"),
    )
    login_manager.init_app(app)
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        """The user of a live server-side session named by the cookie (ended sessions, e.g.
        after logout or a password change, sign nobody in)."""
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        current = sessions.live(user_id, session.get(sessions.COOKIE_KEY))
        if current is None:
            return None
        if current.ended_at is not None:  # idle for too long: ended just now
            lang = session.get("lang")
            session.clear()
            session.update({"expired": True, **({"lang": lang} if lang else {})})
            return None
        g.user_session = current
        return current.user

    @login_manager.unauthorized_handler
    def unauthorized():
        login_url = url_for("auth.login", next=_return_path())
        if wants_json():
            return error_response(401, _("Sign in first."))
        if is_htmx():
            # A fragment request must not swap a login form into the page: leave it.
            return "", 401, {"HX-Redirect": login_url}
        return redirect(login_url)


def _return_path() -> str | None:
    """Where to go back after signing in: the page itself for a plain GET; for a fragment or a
    form post, the page the user was on (htmx's HX-Current-URL, else the referrer), same host."""
    if request.method == "GET" and not is_htmx():
        return request.full_path.rstrip("?")
    source = urlsplit(current_url() or request.referrer or "")
    if not source.path or (source.netloc and source.netloc != request.host):
        return None
    return source.path + (f"?{source.query}" if source.query else "")


def _bounded_int_urls(app: Flask) -> None:
    """`<int:id>` beyond the database's integer range is a 404, not an overflow (500)."""

    class RecordId(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = RecordId


def _register_blueprints(app: Flask) -> None:
    for path in WORKFLOW_ROUTES:
        import_module(path)
    for path in BLUEPRINTS:
        app.register_blueprint(import_module(path).bp)


def _register_request_hooks(app: Flask) -> None:
    app.before_request(enforce_access)
    app.after_request(finish_request)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
