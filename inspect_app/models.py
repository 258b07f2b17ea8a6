"""Imports every model so that the metadata (and Alembic) sees the whole schema."""

from inspect_app.auth.models import LoginAttempt, User  # noqa: F401
from inspect_app.core.audit import AuditEvent  # noqa: F401
from inspect_app.units.models import Unit  # noqa: F401
