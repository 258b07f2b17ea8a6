"""One recommendation from the same findings for several units of an inspection: one case per
unit, each audited, all or none."""

from datetime import date

from sqlalchemy import func, select

from inspect_app.cases.models import Case
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent
from inspect_app.core.roles import Role
from tests import factories as f


def _world(db):
    clock.freeze(date(2026, 10, 1))
    unit = f.make_unit("Sở Nội vụ")
    lead = f.make_user(Role.LEAD_INSPECTOR)
    inspection = f.make_inspection(state="monitoring", target_unit=unit, lead=lead)
    finding = f.make_finding(inspection)
    ref = f.make_legal_reference()
    others = [f.make_unit("UBND xã Đồng Văn"), f.make_unit("UBND xã Bắc Sơn")]
    db.session.commit()
    form = {
        "finding_ids": [str(finding.id)],
        "type": "other",
        "title": "Chấn chỉnh công tác tuyển dụng",
        "legal_reference_id": str(ref.id),
        "severity": "medium",
        "required_action": "Rà soát hồ sơ",
    }
    return lead, inspection, unit, others, form


def _count(db, model, *where):
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_one_case_per_unit(db, login_as):
    lead, inspection, unit, others, form = _world(db)
    client = login_as(lead)
    form["also_unit_ids"] = [str(u.id) for u in others] + [str(unit.id)]
    r = client.post(f"/cases/new/{inspection.id}", data=form)
    assert r.status_code == 303
    cases = db.session.execute(select(Case).order_by(Case.number)).scalars().all()
    assert [c.responsible_unit_id for c in cases] == [unit.id] + [u.id for u in others]
    assert [c.number for c in cases] == [1, 2, 3]
    assert {c.title for c in cases} == {"Chấn chỉnh công tác tuyển dụng"}
    assert _count(db, AuditEvent, AuditEvent.action == "case_created") == 3


def test_an_inactive_unit_refuses_them_all(db, login_as):
    lead, inspection, unit, others, form = _world(db)
    others[1].active = False
    db.session.commit()
    client = login_as(lead)
    form["also_unit_ids"] = [str(u.id) for u in others]
    r = client.post(f"/cases/new/{inspection.id}", data=form)
    assert r.status_code == 422
    assert _count(db, Case) == 0
    assert _count(db, AuditEvent, AuditEvent.action == "case_created") == 0
