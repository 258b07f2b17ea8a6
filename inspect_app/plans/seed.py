"""Demo data of the plans feature (idempotent)."""

from __future__ import annotations


def seed(units: dict, users: dict) -> None:
    """Create the demo records of this feature if they are missing."""
