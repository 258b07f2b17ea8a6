"""Duplicate a finding: a copy in the same inspection by the team member who copies it, without
its evidence files, audited with its source; refused outside the team or once locked."""

from sqlalchemy import select

from inspect_app.core.audit import AuditEvent
from inspect_app.core.roles import Role
from inspect_app.findings import operations
from inspect_app.findings.models import Finding
from tests import factories as f
from tests.findings.support import team


def test_a_team_member_copies_a_finding_and_edits_the_copy(db, login_as):
    inspection, member = team()
    source = f.make_finding(inspection, author=inspection.lead, place="Kho lưu trữ")
    db.session.commit()
    client = login_as(member)
    r = client.post(f"/findings/{source.id}/duplicate")
    assert r.status_code == 303
    copy = db.session.execute(select(Finding).where(Finding.id != source.id)).scalar_one()
    assert r.headers["Location"].endswith(f"/findings/{copy.id}/edit")
    assert (copy.description, copy.place, copy.severity) == (
        source.description,
        source.place,
        source.severity,
    )
    assert copy.author_id == member.id and copy.inspection_id == inspection.id
    assert copy.files == []
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "finding_duplicated")
    ).scalar_one()
    assert event.object_id == copy.id and event.after["source_id"] == source.id
    assert client.get(f"/findings/{copy.id}/edit").status_code == 200


def test_outside_the_team_or_once_locked_it_is_refused(db, login_as):
    inspection, member = team()
    source = f.make_finding(inspection)
    outsider = f.make_user(Role.INSPECTOR)
    db.session.commit()
    assert login_as(outsider).post(f"/findings/{source.id}/duplicate").status_code == 403
    start = inspection.start_date
    inspection.conclusion_number, inspection.conclusion_date = "9/KL-TTr", start
    inspection.state = "concluded"
    db.session.commit()
    assert login_as(member).post(f"/findings/{source.id}/duplicate").status_code == 422
    assert db.session.execute(select(Finding.id)).scalars().all() == [source.id]


def test_the_operation_takes_a_batch(db):
    inspection, member = team()
    sources = [f.make_finding(inspection) for _ in range(3)]
    copies = operations.duplicate_findings(member, sources)
    assert len(copies) == 3 and {c.inspection_id for c in copies} == {inspection.id}
