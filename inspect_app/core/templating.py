"""Filters and globals every template uses: dates, money, navigation by role."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from flask import Flask, has_request_context, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape

from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.core.search import highlight


def fmt_date(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy, the Vietnamese way (dates of instants in the province's zone; an ISO date
    as an audit event stores it)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        value = clock.local(value)
    return value.strftime("%d/%m/%Y")


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return clock.local(value).strftime("%d/%m/%Y %H:%M")


def fmt_vnd(value: Decimal | int | None) -> str:
    """Thousands separated by dots in Vietnamese, commas in English, with the ₫ sign."""
    if value is None:
        return ""
    text = f"{int(value):,}"
    if str(get_locale()) == "vi":
        text = text.replace(",", ".")
    return f"{text} ₫"


# (endpoint, label, roles); a role sees an entry when the endpoint exists and it is listed
# (None: every signed-in user).
NAV: list[tuple[str, object, frozenset[Role] | None]] = [
    ("home.index", _l("Home"), None),
    ("units.index", _l("Units"), frozenset({Role.ADMIN})),
    ("auth.users", _l("Users"), frozenset({Role.ADMIN})),
]


def register_nav(
    endpoint: str, label, roles: Iterable[Role] | None, position: int | None = None
) -> None:
    """Feature packages add their menu entries here, for the `Role` members that see them."""
    entry = (endpoint, label, None if roles is None else frozenset(Role(r) for r in roles))
    if entry not in NAV:
        NAV.insert(position if position is not None else len(NAV), entry)


def nav_items() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    role = current_user.role
    return [(ep, str(label)) for ep, label, roles in NAV if roles is None or role in roles]


# The menu's top level per role, by task (in this order); the role's other entries go under
# "More". Home is the brand's link for every role and a top entry for those who work from it.
PRIMARY_NAV: dict[Role, tuple[str, ...]] = {
    Role.LEADERSHIP: (
        "dashboard.index",
        "cases.index",
        "reports.index",
        "plans.index",
        "analytics.index",
    ),
    Role.CHAIRMAN: ("dashboard.index", "reports.index", "cases.index", "analytics.index"),
    Role.LEAD_INSPECTOR: ("home.index", "inspections.index", "cases.index", "reports.index"),
    Role.INSPECTOR: ("home.index", "inspections.index", "findings.index", "cases.index"),
    Role.UNIT_LEADER: ("home.index", "cases.index", "extension_requests.index"),
    Role.CLERK: ("home.index", "reports.index"),
    Role.ADMIN: ("home.index", "auth.users", "units.index", "reference.index"),
}


def nav_groups() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(top level, "More") of the signed-in user's menu: a short list by task, the rest after."""
    items = nav_items()
    if not items:
        return [], []
    primary = PRIMARY_NAV.get(current_user.role, ())
    labels = dict(items)
    top = [(ep, labels[ep]) for ep in primary if ep in labels]
    return top, [(ep, label) for ep, label in items if ep not in primary]


# Human labels of audit actions shown on timelines; features add theirs with register_actions.
ACTION_LABELS: dict[str, object] = {}
# The same actions on a check (kiểm tra), where the words differ ("Mở cuộc kiểm tra").
CHECK_ACTION_LABELS: dict[str, object] = {}


def register_actions(labels: dict[str, object], check: dict[str, object] | None = None) -> None:
    ACTION_LABELS.update(labels)
    CHECK_ACTION_LABELS.update(check or {})


def action_label(action: str, kind=None) -> str:
    """A timeline's words for `action`; `kind` the activity (ActivityKind) whose history it
    is, when a check calls the action otherwise."""
    label = CHECK_ACTION_LABELS.get(action) if getattr(kind, "is_check", False) else None
    label = label if label is not None else ACTION_LABELS.get(action)
    return str(label) if label is not None else action.replace("_", " ").capitalize()


def select_options(rows, selected=None) -> Markup:
    """The <option>s of a long select (173 units, the inspectors) from (value, text) rows, in
    one pass: a Jinja loop over them was a tenth of the case list's time, and `Markup % args`
    per option still a seventh; each value and text is escaped once (markupsafe's C escape)
    and the markup joined as plain text. `selected` the value chosen (compared as text, as
    the form sends it back)."""
    chosen = "" if selected is None else str(selected)
    options = []
    for value, text in rows:
        mark = " selected" if str(value) == chosen else ""
        options.append(f'<option value="{escape(value)}"{mark}>{escape(text)}</option>')
    return Markup("".join(options))  # noqa: S704  # nosec B704 - every part escaped above


# url_for of the links that take no argument (the menu's, the account's) and of static files,
# built once per script root: the layout builds about forty on every page, 7 µs each.
_CONSTANT_URLS: dict[tuple, str] = {}


def template_url_for(endpoint: str, **values) -> str:
    """Flask's `url_for` for templates, keeping the URLs that depend on nothing but the
    endpoint (and a static file's name). An endpoint relative to the blueprint ('.index') and
    every URL with other arguments are built each time, as Flask builds them."""
    constant = not values or (endpoint == "static" and values.keys() == {"filename"})
    if not constant or endpoint.startswith(".") or not has_request_context():
        return url_for(endpoint, **values)
    key = (request.script_root, endpoint, values.get("filename"))
    url = _CONSTANT_URLS.get(key)
    if url is None:
        url = _CONSTANT_URLS[key] = url_for(endpoint, **values)
    return url


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["url_for"] = template_url_for
    app.jinja_env.filters["d"] = fmt_date
    app.jinja_env.filters["dt"] = fmt_datetime
    app.jinja_env.filters["vnd"] = fmt_vnd
    app.jinja_env.filters["highlight"] = highlight

    @app.context_processor
    def globals_():
        return {
            "nav_items": nav_items,
            "nav_groups": nav_groups,
            "action_label": action_label,
            "select_options": select_options,
            "current_locale": str(get_locale()),
            "today": clock.today(),
            "request_path": request.full_path.rstrip("?"),
        }
