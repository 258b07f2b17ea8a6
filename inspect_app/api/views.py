"""The JSON API under /api/v1: the features' queries, schemas and operations behind bearer tokens.

One module per resource holds its routes and what they send back; `common` the blueprint and
the helpers they share, `auth` who the caller is. Every route carries the same `@access(...)` as
the page it mirrors (`same_as(page_view)`) and the same object-level checks (`can_view`,
visible units, ...); transitions are POSTs to named actions that call the one operation the page
calls. Errors are problem details (core.errors). Importing this module registers every route
on `bp`, the blueprint the app registers.
"""

from __future__ import annotations

from inspect_app.api import (  # noqa: F401 - each module registers its routes on bp
    analytics,
    answers,
    auth,
    calendar,
    cases,
    conclusions,
    decisions,
    deputies,
    docs,
    documents,
    extensions,
    findings,
    implementation_checks,
    inspections,
    notifications,
    payments,
    plans,
    statistics,
    units,
    users,
)
from inspect_app.api.common import bp

__all__ = ["bp"]
