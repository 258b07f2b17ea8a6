"""Findings: operations' rules, the pages, evidence download permissions, query counts."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from inspect_app.core import audit, clock
from inspect_app.core.errors import OperationError
from inspect_app.core.files import store_upload
from inspect_app.core.roles import Role
from inspect_app.extensions import db as _db
from inspect_app.findings import operations
from inspect_app.findings.models import EvidenceFile, Finding
from tests import factories
from tests.factories import PDF, png_bytes, upload
from tests.findings.support import NOW, form, team


@pytest.fixture(autouse=True)
def _frozen(uploads):
    """Every test with its own upload folder, at NOW."""
    with clock.frozen(NOW):
        yield uploads


# --- operations ----------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["in_progress", "onsite_ended", "reported"])
def test_team_member_logs_finding_while_open(db, state):
    inspection, member = team(state)
    data = {**form(), "observed_at": clock.now()}
    finding = operations.create_finding(member, inspection, data)
    assert finding.id and finding.author_id == member.id
    assert [e.action for e in audit.events_for("Finding", finding.id)] == ["finding_created"]


@pytest.mark.parametrize("state", ["planned", "concluded", "monitoring", "closed"])
def test_finding_refused_when_inspection_not_open(db, state):
    inspection, member = team(state)
    with pytest.raises(OperationError) as err:
        operations.create_finding(member, inspection, {**form(), "observed_at": clock.now()})
    assert err.value.status == 422
    assert _db.session.query(Finding).count() == 0


def test_non_member_cannot_log(db):
    inspection, _ = team()
    outsider = factories.make_user(Role.INSPECTOR)
    with pytest.raises(OperationError) as err:
        operations.create_finding(outsider, inspection, {**form(), "observed_at": clock.now()})
    assert err.value.status == 403


def test_idempotency_key_returns_the_same_finding(db):
    inspection, member = team()
    data = {**form(), "observed_at": clock.now(), "idempotency_key": "k" * 32}
    first = operations.create_finding(member, inspection, data)
    again = operations.create_finding(member, inspection, dict(data, description="khác"))
    assert again.id == first.id
    assert _db.session.query(Finding).count() == 1


def test_idempotency_key_of_someone_else_is_a_conflict(db):
    inspection, member = team()
    other = factories.make_user(Role.INSPECTOR)
    inspection.members.append(other)
    data = {**form(), "observed_at": clock.now(), "idempotency_key": "z" * 32}
    operations.create_finding(member, inspection, data)
    with pytest.raises(OperationError) as err:
        operations.create_finding(other, inspection, data)
    assert err.value.status == 409


def test_future_time_refused(db):
    inspection, member = team()
    future = datetime(2026, 3, 11, 9, 0, tzinfo=clock.ZONE)
    with pytest.raises(OperationError) as err:
        operations.create_finding(member, inspection, {**form(), "observed_at": future})
    assert err.value.field == "observed_at"


def test_conclusion_file_only_by_lead_or_leadership_once_concluded(db, uploads):
    inspection = factories.make_inspection(state="concluded")
    member = factories.make_user(Role.INSPECTOR)
    with pytest.raises(OperationError) as err:
        operations.attach_conclusion_file(member, inspection, upload(PDF, "kl.pdf"))
    assert err.value.status == 403
    evidence = operations.attach_conclusion_file(inspection.lead, inspection, upload(PDF, "kl.pdf"))
    assert inspection.conclusion_file_id == evidence.id
    open_one = factories.make_inspection(state="reported")
    with pytest.raises(OperationError) as err:
        operations.attach_conclusion_file(
            factories.make_user(Role.LEADERSHIP), open_one, upload(PDF, "kl.pdf")
        )
    assert err.value.status == 422


# --- pages ---------------------------------------------------------------------------------


def test_log_page_is_phone_ready(login_as, db):
    inspection, member = team()
    c = login_as(member)
    r = c.get(f"/inspections/{inspection.id}/findings/new")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'capture="environment"' in html and 'accept="image/*,application/pdf"' in html
    assert "multiple" in html and 'type="radio"' in html
    assert 'value="2026-03-10T09:30"' in html  # the time defaults to now (local)


def test_log_finding_with_files_via_form(login_as, db, uploads):
    inspection, member = team()
    c = login_as(member)
    r = c.post(
        f"/inspections/{inspection.id}/findings/new",
        data={
            **form(idempotency_key="a" * 32),
            "files": [(io.BytesIO(png_bytes()), "ảnh 1.png"), (io.BytesIO(PDF), "biên bản.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    finding = _db.session.query(Finding).one()
    assert finding.observed_at == datetime(2026, 3, 10, 8, 15, tzinfo=clock.ZONE)
    assert sorted(f.original_name for f in finding.files) == ["biên bản.pdf", "ảnh 1.png"]
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    for f in finding.files:
        assert f.sha256 in page
    assert f"/evidence/{finding.files[0].id}/thumb" in page or any(
        f"/evidence/{f.id}/thumb" in page for f in finding.files
    )
    # The same form sent again (double tap, offline retry): no duplicate.
    r = c.post(f"/inspections/{inspection.id}/findings/new", data=form(idempotency_key="a" * 32))
    assert r.status_code == 303
    assert _db.session.query(Finding).count() == 1


def test_refused_file_saves_nothing_and_explains(login_as, db, uploads):
    inspection, member = team()
    c = login_as(member)
    r = c.post(
        f"/inspections/{inspection.id}/findings/new",
        data={**form(), "files": [(io.BytesIO(PDF), "anh.jpg")]},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    assert "anh.jpg" in r.get_data(as_text=True)
    assert _db.session.query(Finding).count() == 0
    assert _db.session.query(EvidenceFile).count() == 0
    assert not uploads.exists() or not any(uploads.iterdir())


def test_too_big_file_gets_413(app, login_as, db, uploads):
    inspection, member = team()
    c = login_as(member)
    previous = app.config["MAX_UPLOAD_MB"]
    app.config["MAX_UPLOAD_MB"] = 1
    try:
        r = c.post(
            f"/inspections/{inspection.id}/findings/new",
            data={**form(), "files": [(io.BytesIO(PDF + b" " * (1024 * 1024)), "kl.pdf")]},
            content_type="multipart/form-data",
        )
    finally:
        app.config["MAX_UPLOAD_MB"] = previous
    assert r.status_code == 413
    assert _db.session.query(Finding).count() == 0


def test_bad_form_is_422_with_field_errors(login_as, db):
    inspection, member = team()
    c = login_as(member)
    r = c.post(
        f"/inspections/{inspection.id}/findings/new",
        data=form(description="", severity="huge", observed_at="hôm qua"),
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="description-error"' in html and 'id="severity-error"' in html
    assert 'id="observed_at-error"' in html


@pytest.mark.parametrize("state", ["planned", "closed"])
def test_log_page_on_closed_or_planned_inspection_refused(login_as, db, state):
    inspection, member = team(state)
    c = login_as(member)
    assert c.get(f"/inspections/{inspection.id}/findings/new").status_code == 422
    assert c.post(f"/inspections/{inspection.id}/findings/new", data=form()).status_code == 422
    assert _db.session.query(Finding).count() == 0


def _edit(c, finding, **kw):
    return c.post(
        f"/findings/{finding.id}/edit",
        data=form(version=str(finding.version), **kw),
    )


def test_only_author_edits(login_as, db):
    inspection, member = team()
    finding = factories.make_finding(inspection=inspection, author=member)
    other = factories.make_user(Role.INSPECTOR)
    inspection.members.append(other)
    _db.session.commit()
    assert _edit(login_as(other), finding, place="Khác").status_code == 403
    assert _edit(login_as(inspection.lead), finding, place="Khác").status_code == 403
    r = _edit(login_as(member), finding, place="Kho lưu trữ")
    assert r.status_code == 303
    assert _db.session.get(Finding, finding.id).place == "Kho lưu trữ"
    actions = [e.action for e in audit.events_for("Finding", finding.id)]
    assert actions == ["finding_updated"]


def test_locked_after_conclusion(login_as, db):
    inspection, member = team()
    finding = factories.make_finding(inspection=inspection, author=member)
    inspection.state = "concluded"
    inspection.conclusion_number, inspection.conclusion_date = "1/KL-TTr", clock.today()
    _db.session.commit()
    c = login_as(member)
    assert c.get(f"/findings/{finding.id}/edit").status_code == 422
    r = _edit(c, finding, place="Sau kết luận")
    assert r.status_code == 422
    assert _db.session.get(Finding, finding.id).place != "Sau kết luận"
    assert c.post(f"/findings/{finding.id}/delete").status_code == 422
    detail = c.get(f"/findings/{finding.id}").get_data(as_text=True)
    assert f"/findings/{finding.id}/edit" not in detail


def test_stale_version_is_409(login_as, db):
    inspection, member = team()
    finding = factories.make_finding(inspection=inspection, author=member)
    _db.session.commit()
    c = login_as(member)
    stale = finding.version
    assert _edit(c, finding, place="Lần 1").status_code == 303
    r = c.post(f"/findings/{finding.id}/edit", data=form(version=str(stale), place="Lần 2"))
    assert r.status_code == 409
    assert _db.session.get(Finding, finding.id).place == "Lần 1"


def test_author_adds_and_removes_evidence(login_as, db, uploads):
    inspection, member = team()
    finding = factories.make_finding(inspection=inspection, author=member)
    _db.session.commit()
    c = login_as(member)
    r = c.post(
        f"/findings/{finding.id}/evidence",
        data={"files": [(io.BytesIO(png_bytes()), "them.png")]},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303
    evidence = _db.session.query(EvidenceFile).one()
    path = uploads / evidence.stored_name
    assert path.exists()
    assert c.post(f"/evidence/{evidence.id}/delete").status_code == 303
    assert _db.session.query(EvidenceFile).count() == 0
    assert not path.exists()
    actions = [e.action for e in audit.events_for("Finding", finding.id)]
    assert actions == ["evidence_added", "evidence_removed"]


def test_author_deletes_finding(login_as, db, uploads):
    inspection, member = team()
    finding = factories.make_finding(inspection=inspection, author=member)
    store_upload(upload(PDF, "a.pdf"), member, finding=finding)
    _db.session.commit()
    r = login_as(member).post(f"/findings/{finding.id}/delete", data={"version": finding.version})
    assert r.status_code == 303
    assert _db.session.query(Finding).count() == 0
    assert _db.session.query(EvidenceFile).count() == 0


# --- downloads -----------------------------------------------------------------------------


@pytest.fixture()
def stored(db, uploads):
    unit = factories.make_unit()
    inspection, member = team(target_unit=unit)
    finding = factories.make_finding(inspection=inspection, author=member)
    evidence = store_upload(upload(png_bytes(), "Ảnh hồ sơ.png"), member, finding=finding)
    _db.session.commit()
    return evidence, unit


@pytest.mark.parametrize(
    "who,status",
    [
        ("inspector", 200),
        ("lead_inspector", 200),
        ("leadership", 200),
        ("admin", 200),
        ("leader_of_target", 200),
        ("leader_of_parent", 200),
        ("leader_of_other", 404),
    ],
)
def test_download_permission(login_as, stored, who, status):
    evidence, unit = stored
    if who == "leader_of_target":
        user = factories.make_user(Role.UNIT_LEADER, unit=unit)
    elif who == "leader_of_parent":
        parent = factories.make_unit()
        unit.parent = parent
        user = factories.make_user(Role.UNIT_LEADER, unit=parent)
    elif who == "leader_of_other":
        user = factories.make_user(Role.UNIT_LEADER)
    else:
        user = factories.make_user(who)
    c = login_as(user)
    r = c.get(f"/evidence/{evidence.id}")
    assert r.status_code == status
    assert c.get(f"/evidence/{evidence.id}/thumb").status_code == status
    assert c.get(f"/findings/{evidence.finding_id}").status_code == status
    if status == 200:
        assert r.data == png_bytes()
        assert r.headers["Content-Type"] == "image/png"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        disposition = r.headers["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert "filename*=UTF-8''%E1%BA%A2nh%20h%E1%BB%93%20s%C6%A1.png" in disposition


def test_download_needs_login(client, stored):
    evidence, _ = stored
    r = client.get(f"/evidence/{evidence.id}")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_thumbnail_is_jpeg_and_missing_for_pdf(login_as, db, uploads):
    inspection, member = team()
    finding = factories.make_finding(inspection=inspection, author=member)
    image = store_upload(upload(png_bytes(), "a.png"), member, finding=finding)
    pdf = store_upload(upload(PDF, "a.pdf"), member, finding=finding)
    _db.session.commit()
    c = login_as(member)
    r = c.get(f"/evidence/{image.id}/thumb")
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/jpeg"
    assert r.data[:3] == b"\xff\xd8\xff"
    assert c.get(f"/evidence/{pdf.id}/thumb").status_code == 404
    assert c.get("/evidence/999999").status_code == 404


# --- list ----------------------------------------------------------------------------------


def _populate(n: int) -> None:
    field = factories.make_field()
    for i in range(n):
        inspection, member = team()
        finding = factories.make_finding(
            inspection=inspection, author=member, field=field, place=f"Phòng {i}"
        )
        store_upload(upload(PDF, f"{i}.pdf"), member, finding=finding)
    _db.session.commit()


def test_list_query_count_is_constant(login_as, db, count_queries):
    c = login_as("leadership")
    _populate(2)
    with count_queries() as few:
        assert c.get("/findings").status_code == 200
    _populate(8)
    with count_queries() as many:
        r = c.get("/findings")
    assert r.status_code == 200
    assert r.get_data(as_text=True).count("/findings/") >= 10
    assert many() == few()


def test_list_filters_and_fragment(login_as, db):
    high_unit = factories.make_unit(name="Sở Nội vụ")
    inspection, member = team(target_unit=high_unit)
    factories.make_finding(
        inspection=inspection,
        author=member,
        severity="serious",
        description="Chi sai chế độ phụ cấp",
    )
    factories.make_finding(description="Thiếu quy chế làm việc", severity="low")
    c = login_as("inspector")
    body = c.get("/findings?severity=serious").get_data(as_text=True)
    assert "Chi sai chế độ" in body and "Thiếu quy chế" not in body
    body = c.get(f"/findings?unit={high_unit.id}").get_data(as_text=True)
    assert "Chi sai chế độ" in body and "Thiếu quy chế" not in body
    r = c.get("/findings?q=quy%20ch%E1%BA%BF", headers={"HX-Request": "true"})
    body = r.get_data(as_text=True)
    assert "Thiếu quy chế" in body and "Chi sai" not in body and "<html" not in body
    assert c.get("/findings?q=100%25_&field=abc&severity=%00").status_code == 200


@pytest.mark.parametrize(
    "role,status",
    [
        ("inspector", 200),
        ("lead_inspector", 200),
        ("leadership", 200),
        ("admin", 200),
        ("unit_leader", 403),
    ],
)
def test_list_access(login_as, db, role, status):
    assert login_as(role).get("/findings").status_code == status


def test_nav_entry(login_as, db):
    assert 'href="/findings"' in login_as("inspector").get("/").get_data(as_text=True)
    assert 'href="/findings"' not in login_as("unit_leader").get("/").get_data(as_text=True)


# --- the inspection page's fragment --------------------------------------------------------


def test_inspection_page_shows_findings_and_log_button_to_team(login_as, db, uploads):
    inspection, member = team()
    finding = factories.make_finding(inspection=inspection, author=member, description="Thiếu sổ")
    store_upload(upload(png_bytes(), "a.png"), member, finding=finding)
    _db.session.commit()
    html = login_as(member).get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "Thiếu sổ" in html and f"/inspections/{inspection.id}/findings/new" in html
    assert f"/evidence/{finding.files[0].id}/thumb" in html
    html = login_as("leadership").get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "Thiếu sổ" in html and f"/inspections/{inspection.id}/findings/new" not in html


@pytest.mark.parametrize(
    "who,status", [("lead", 303), ("leadership", 303), ("member", 403), ("inspector", 403)]
)
def test_conclusion_file_upload_route(login_as, db, uploads, who, status):
    inspection, member = team("concluded")
    user = {
        "lead": inspection.lead,
        "member": member,
        "leadership": factories.make_user(Role.LEADERSHIP),
        "inspector": factories.make_user(Role.INSPECTOR),
    }[who]
    c = login_as(user)
    r = c.post(
        f"/inspections/{inspection.id}/conclusion-file",
        data={"file": (io.BytesIO(PDF), "Kết luận số 1.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == status
    evidence = _db.session.query(EvidenceFile).one_or_none()
    assert (evidence is not None) == (status == 303)
    if evidence:
        html = c.get(f"/inspections/{inspection.id}").get_data(as_text=True)
        assert "Kết luận số 1.pdf" in html and evidence.sha256 in html
