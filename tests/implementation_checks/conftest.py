"""Check decisions are issued documents (stored PDFs): each test has its own upload folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _uploads(uploads):
    return uploads
