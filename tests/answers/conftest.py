"""The answers tests' world, with uploads in a folder of the test's own."""

from __future__ import annotations

import pytest

from tests.answers.support import build_world


@pytest.fixture()
def world(db, uploads):
    """The world of build_world(), with uploads in a folder of the test's own."""
    return build_world()
