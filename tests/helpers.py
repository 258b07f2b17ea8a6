"""What several test modules share: the per-role permission tables and their checks, an
upload folder per test and API tokens.

Fixtures are declared under their usual name and imported by their function name, so that a
test's argument does not shadow the import: `from tests.helpers import api_fixture  # noqa: F401`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from inspect_app.auth import tokens
from tests import factories as f

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


@pytest.fixture(name="uploads")
def uploads_fixture(app, tmp_path):
    """Uploaded files go to a folder of this test's own."""
    previous = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    yield tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = previous


@pytest.fixture(name="api")
def api_fixture(db, client):
    """api(role or user) -> (headers, user): a token for a user of that role."""

    def _api(who, **kw):
        user = who if hasattr(who, "username") else f.make_user(who, **kw)
        _token, secret = tokens.create_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}, user

    return _api
