"""Documents are stored files: every reports test has an upload folder of its own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _uploads(uploads):
    return uploads


@pytest.fixture(autouse=True)
def _ladder_without_check(db):
    """These tests are about the documents: level 3 follows the urging letter without waiting
    for a check of implementation's result (that order is tested in tests/implementation_checks)."""
    from inspect_app.reference.models import Setting

    db.session.add(Setting(key="escalation.report_after_check", value="0"))
    db.session.commit()
