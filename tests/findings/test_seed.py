"""The findings demo data: evidence stored through store_upload, idempotent."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import func, select

from inspect_app.core import clock
from inspect_app.core.files import EvidenceFile
from inspect_app.extensions import db as _db
from inspect_app.findings.models import Finding
from inspect_app.findings.seed import demo_pdf, seed
from inspect_app.inspections.models import Inspection
from inspect_app.inspections.seed import INSPECTIONS
from tests import factories


def test_seed_is_idempotent_and_stores_real_files(db, uploads):
    with clock.frozen(clock.start_of_local_day(date(2026, 6, 15))):
        member = factories.make_user("inspector")
        demo = iter(row[0] for row in INSPECTIONS)  # the demo's decision numbers
        open_one = factories.make_inspection(
            state="in_progress", members=[member], decision_number=next(demo)
        )
        concluded = factories.make_inspection(state="concluded", decision_number=next(demo))
        factories.make_inspection(state="planned", decision_number=next(demo))
        factories.make_inspection(state="concluded")  # another seeder's: left as it is
        seed({}, {})
        _db.session.commit()
        counts = dict(
            _db.session.execute(
                select(Finding.inspection_id, func.count()).group_by(Finding.inspection_id)
            ).all()
        )
        assert set(counts) == {open_one.id, concluded.id}
        assert all(2 <= n <= 4 for n in counts.values())
        assert _db.session.get(Inspection, concluded.id).state.value == "concluded"
        files = list(_db.session.execute(select(EvidenceFile)).scalars())
        assert files and any(f.has_thumbnail for f in files)
        for f in files:
            assert (uploads / f.stored_name).exists()
            assert hashlib.sha256((uploads / f.stored_name).read_bytes()).hexdigest() == f.sha256
        total = _db.session.query(Finding).count()
        seed({}, {})
        _db.session.commit()
        assert _db.session.query(Finding).count() == total


def test_demo_pdf_is_well_formed():
    data = demo_pdf("Bien ban")
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    xref_at = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref_at:].startswith(b"xref")
