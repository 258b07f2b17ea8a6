"""Every interface string has a Vietnamese translation with the same placeholders."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PO = os.path.join(ROOT, "inspect_app", "translations", "vi", "LC_MESSAGES", "messages.po")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def test_every_string_in_the_code_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = os.path.join(os.path.dirname(sys.executable), "pybabel")
    subprocess.run(
        [
            pybabel,
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with open(PO, "rb") as f:
        catalog = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(f) if m.id}
    missing = sorted(wanted - catalog.keys())
    assert not missing, f"not in the Vietnamese catalog (run make extract): {missing[:10]}"
    for msgid in wanted:
        message = catalog[msgid]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"untranslated: {msgid!r}"
        for s in strings:
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(s)), msgid
