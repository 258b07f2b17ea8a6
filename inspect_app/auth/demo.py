"""The demo accounts' shared password (demo data only; `flask seed-demo` prints it)."""

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  # nosec B105 - demo data only, printed
