"""The single place that reads htmx request headers and decides fragment or full page."""

from __future__ import annotations

from flask import make_response, render_template, request, url_for


def is_fragment_request() -> bool:
    """A plain htmx request wants a fragment; boosted and history-restore requests a page."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


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
        import json

        response.headers["HX-Trigger"] = (
            json.dumps(trigger) if isinstance(trigger, dict) else trigger
        )
    return response


def redirect_to(endpoint: str, **values):
    """Leave the page: `HX-Redirect` for htmx requests, a 303 otherwise."""
    from flask import redirect

    url = url_for(endpoint, **values)
    if getattr(request, "htmx", False):
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, 303)
