"""The demo accounts' shared password (demo data only; `flask seed-demo` prints it)."""

from functools import cache

from werkzeug.security import generate_password_hash

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  # nosec B105 - demo data only, printed


@cache
def demo_password_hash() -> str:
    """The demo password hashed once per process: every demo account shares the password (it
    is printed), so the demo's accounts cost one scrypt (0.1-0.3 s) instead of one each."""
    return generate_password_hash(DEMO_PASSWORD, method="scrypt")
