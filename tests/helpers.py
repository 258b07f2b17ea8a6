"""The per-role permission tables and their checks, shared by several test modules (the
shared fixtures live in conftest.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

ROLES = ["anonymous", "admin", "inspector", "lead_inspector", "unit_leader", "leadership"]
# The expected outcome for a role a permission table leaves out: sent to the login page.
SIGN_IN = "sign-in"


def permission_params(table) -> list:
    """Parameters (method, path, role, expected) of a table of (method, path, {role: status})
    rows, for every role in ROLES; a role the row leaves out must sign in."""
    return [
        pytest.param(m, p, role, exp.get(role, SIGN_IN), id=f"{m} {p} {role}")
        for m, p, exp in table
        for role in ROLES
    ]


def assert_permission(response, expected) -> None:
    """The response is the expected status, or the redirect to the login page for SIGN_IN."""
    if expected == SIGN_IN:
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/login"
    else:
        assert response.status_code == expected, response.get_data(as_text=True)[:300]
