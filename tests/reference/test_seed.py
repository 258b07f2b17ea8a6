"""The reference seed: complete, in Vietnamese, and idempotent."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from inspect_app.core.audit import AuditEvent
from inspect_app.extensions import db as _db
from inspect_app.reference.models import DeadlineRule, FieldOfWork, Holiday, LegalReference
from inspect_app.reference.queries import active_fields, active_legal_references
from inspect_app.reference.seed import LOCAL, seed

MODELS = (FieldOfWork, LegalReference, DeadlineRule, Holiday, AuditEvent)


def _counts() -> dict:
    return {
        m.__name__: _db.session.execute(select(func.count()).select_from(m)).scalar_one()
        for m in MODELS
    }


def test_seed_twice_same_counts(db):
    seed({}, {})
    first = _counts()
    assert first["FieldOfWork"] >= 16 and first["LegalReference"] >= 12
    # The rules of the reference seed, the follow-up's (publication, recommendation to the
    # Chairman, the check step) and the next-working-day rule.
    assert first["DeadlineRule"] == 23 and first["Holiday"] > 30
    seed({}, {})
    assert _counts() == first


def test_seed_content(db):
    seed({}, {})
    names = [f.name for f in active_fields()]
    assert "Tín ngưỡng, tôn giáo" in names and "Cải cách hành chính" in names
    assert names == sorted(names)
    refs = active_legal_references()
    assert any("112/2020/NĐ-CP" in r.instrument for r in refs)
    assert any("84/2025/QH15" in r.instrument for r in refs)
    rules = {r.key: r for r in _db.session.execute(select(DeadlineRule)).scalars()}
    assert rules["inspection.onsite.thanh_tra"].extension_max == 30
    assert rules["inspection.onsite.kiem_tra"].source == LOCAL
    assert rules["inspection.onsite.thanh_tra"].source.startswith("Luật Thanh tra")
    assert all(r.source for r in rules.values())
    # What users read is a citation, never a note about our confidence in it.
    shown = [f"{r.label} {r.source} {r.note or ''}" for r in rules.values()]
    shown += [f"{r.instrument} {r.article} {r.summary or ''}" for r in refs]
    assert not [
        t for t in shown if re.search(r"legacy|verify|unconfirmed|có thể điều chỉnh", t, re.I)
    ]
    days = {h.day: h for h in _db.session.execute(select(Holiday)).scalars()}
    for d in (date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 8), date(2026, 9, 2)):
        assert d in days and not days[d].is_working_day
    assert days[date(2025, 4, 26)].is_working_day
    assert {d.year for d in days} == {2025, 2026, 2027}


def test_active_legal_references_numeric_order(db):
    from tests.factories import make_legal_reference

    for article in ("10", "9", "2a", "2"):
        make_legal_reference(instrument="Luật A", article=article, clause="")
    make_legal_reference(instrument="Luật A", article="1", active=False)
    assert [r.article for r in active_legal_references()] == ["2", "2a", "9", "10"]
