"""The serving process's garbage collector: start-up objects frozen, young collections rarer."""

from __future__ import annotations

import gc

from inspect_app.core.runtime import YOUNG_THRESHOLD, tune_garbage_collector


def test_the_served_process_tunes_the_collector():
    before = gc.get_threshold()
    try:
        tune_garbage_collector()
        assert gc.get_threshold() == (YOUNG_THRESHOLD, before[1], before[2])
        assert gc.get_freeze_count() > 0
        assert before[0] < YOUNG_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_wsgi_applies_it():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(__file__).resolve().parents[2].joinpath("wsgi.py").read_text())
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and hasattr(n.func, "id")}
    assert {"create_app", "tune_garbage_collector"} <= calls


def test_select_options_escape_and_mark_the_chosen_value():
    from inspect_app.core.templating import select_options

    html = str(select_options([(1, "Sở <Nội> vụ & Tư pháp"), (12, "UBND xã Đồng Văn")], 12))
    assert html == (
        '<option value="1">Sở &lt;Nội&gt; vụ &amp; Tư pháp</option>'
        '<option value="12" selected>UBND xã Đồng Văn</option>'
    )
    assert "selected" not in str(select_options([(1, "A")], None))
    assert 'value="1" selected' in str(select_options([(1, "A")], "1"))  # as the form sends it
