"""The demo seed: cases at each escalation level, the urging letters the sweep drafted, one
issued report numbered 01/BC-TTr of the year and one issued urging letter; safe to run again."""

from __future__ import annotations

import hashlib
import os
from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.cases.models import Case
from inspect_app.core import clock
from inspect_app.reports import documents
from inspect_app.reports.models import Document, DocumentKind, DocumentState


def _documents(db):
    return list(db.session.execute(select(Document).order_by(Document.id)).scalars())


@pytest.mark.parametrize("today", [date(2026, 11, 25), date(2026, 3, 2)])
def test_demo_seed_has_issued_documents_and_every_level(db, today):
    from inspect_app.seed import seed_demo

    with clock.frozen(today):
        seed_demo()
        db.session.commit()
        levels = set(db.session.execute(select(Case.escalation_level)).scalars())
        assert {1, 2, 3} <= levels
        docs = _documents(db)
        reports = [d for d in docs if d.kind == DocumentKind.REPORT]
        letters = [d for d in docs if d.kind == DocumentKind.URGING]
        assert [(r.number_label, r.year, r.state) for r in reports] == [
            ("01/BC-TTr", today.year, DocumentState.ISSUED)
        ]
        assert reports[0].items and reports[0].body
        assert len(letters) >= 2 and any(d.is_issued for d in letters)
        # (the periodic reports' history has its own letter, in the 2025 register)
        issued = [d.number_label for d in letters if d.is_issued and d.year == today.year]
        assert issued == ["01/TTr-NV"]
        # The clerk's first task in a fresh demo: a signed letter waiting for its number.
        waiting = [d for d in letters if d.state == DocumentState.SIGNED]
        assert len(waiting) == 1 and waiting[0].number is None
        for doc in (d for d in docs if d.is_issued):
            with open(documents.stored_pdf_path(doc), "rb") as f:
                assert hashlib.sha256(f.read()).hexdigest() == doc.pdf_sha256
        seed_demo()  # again: nothing new is issued
        db.session.commit()
        again = _documents(db)
    assert [(d.id, d.number, d.pdf_sha256) for d in again] == [
        (d.id, d.number, d.pdf_sha256) for d in docs
    ]
    assert all(os.path.isfile(documents.stored_pdf_path(d)) for d in again if d.is_issued)
