"""Documents are stored files: every reports test has an upload folder of its own."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _uploads(uploads):
    return uploads
