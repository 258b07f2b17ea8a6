"""The only code that reads htmx's HX-* request headers or writes its response headers.

Like django-htmx's `HtmxDetails`: whether a request is htmx's, whether it wants a fragment (a
plain htmx request) or the page (boosted and history-restore requests), client redirects
(`HX-Redirect`, the login redirect of an expired session included) and triggers.
"""

from __future__ import annotations

import json

from flask import make_response, redirect, render_template, request, url_for


def is_htmx() -> bool:
    """The request was sent by htmx (any kind)."""
    return bool(getattr(request, "htmx", False))


def is_fragment_request() -> bool:
    """A plain htmx request wants a fragment; boosted and history-restore requests a page."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def current_url() -> str | None:
    """The page the user is on, as htmx reports it (HX-Current-URL)."""
    return request.headers.get("HX-Current-URL")


def retarget_to_flash(response):
    """An error of an htmx action shows in the flash area, not inside the target element."""
    response.headers.update({"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
    return response


def set_trigger(response, trigger) -> None:
    """Announce client events (`HX-Trigger`): a name or a dict of names to details."""
    response.headers["HX-Trigger"] = json.dumps(trigger) if isinstance(trigger, dict) else trigger


def render(
    template: str, /, fragment: str | None = None, status: int = 200, trigger=None, **context
):
    """Render `fragment` for htmx requests and `template` otherwise; `Vary: HX-Request` always.

    The page template is positional-only so that `page=...` (a pagination Page) can be passed
    to the templates as context.
    """
    template = fragment if fragment and is_fragment_request() else template
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    if trigger:
        set_trigger(response, trigger)
    return response


def client_redirect(url: str, status: int = 303):
    """Leave the page for `url`: `HX-Redirect` (204) for htmx requests, a redirect otherwise."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, status)


def redirect_to(endpoint: str, **values):
    """Leave the page for an endpoint: `HX-Redirect` for htmx requests, a 303 otherwise."""
    return client_redirect(url_for(endpoint, **values))
