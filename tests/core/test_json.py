"""Bounded JSON reading: depth counted outside strings, a deep or huge body refused."""

from __future__ import annotations

import pytest

from inspect_app.core import json as bounded


@pytest.mark.parametrize(
    "text, deep",
    [
        ("[" * 32 + "]" * 32, False),
        ("[" * 33 + "]" * 33, True),
        ('{"a": "' + "[" * 100 + '"}', False),  # brackets inside a string do not nest
        ('{"a": "\\"' + "{" * 100 + '"}', False),  # nor after an escaped quote
        (b'{"a": [[[1]]]}', False),
    ],
)
def test_depth(text, deep):
    assert bounded.too_deep(text) is deep


def test_provider_refuses_deep_and_large_bodies(app):
    with pytest.raises(ValueError):
        app.json.loads("[" * 1000 + "]" * 1000)
    with pytest.raises(ValueError):
        app.json.loads(" " * (bounded.MAX_BYTES + 1))
    assert app.json.loads('{"a": [1, {"b": "[[["}]}') == {"a": [1, {"b": "[[["}]}
