"""Each role's home page and the assets served from our own origin."""

from __future__ import annotations

from importlib import resources

from flask import Blueprint, Response, redirect, request, url_for
from flask_login import current_user

from inspect_app.answers.queries import awaiting_verification, unit_leader_home
from inspect_app.core import clock
from inspect_app.core.filters import text
from inspect_app.core.htmx import render
from inspect_app.core.permissions import AUTHENTICATED, PUBLIC, access
from inspect_app.home.queries import site_search

bp = Blueprint("home", __name__)

HTMX_JS = resources.files("js_lib_htmx") / "static" / "htmx" / "htmx.min.js"


@bp.route("/")
@access(PUBLIC)
def index():
    """Send visitors to sign in and signed-in users to the home of their role."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render(f"home/{current_user.role.value}.html", **_home_context(current_user))


def _home_context(user) -> dict:
    """What each role's home shows (a constant number of queries whatever the rows)."""
    if user.is_unit_leader:
        today = clock.today()
        return {"home": unit_leader_home(user, today), "today": today}
    if user.is_inspector:
        return {"to_verify": awaiting_verification(user), "today": clock.today()}
    return {}


@bp.route("/search")
@access(AUTHENTICATED)
def search():
    """The header's search: cases, inspections and units the user may see that match `q`,
    grouped by kind (htmx: the results alone, updated as the user types)."""
    results = site_search(current_user, text(request.args, "q"))
    return render("home/search.html", "home/_search_results.html", results=results)


@bp.route("/assets/htmx.min.js")
@access(PUBLIC)
def htmx_js():
    """htmx, installed from PyPI (django-js-lib-htmx) and served from our own origin."""
    response = Response(HTMX_JS.read_bytes(), mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@bp.route("/healthz")
@access(PUBLIC)
def healthz():
    """Liveness probe for the process manager."""
    return {"status": "ok"}
