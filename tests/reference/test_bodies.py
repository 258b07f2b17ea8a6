"""The administrator's page of issuing bodies: letterhead, code, signer's position and unit,
legal bases; audited; bad input answered on the form with nothing saved."""

from __future__ import annotations

from sqlalchemy import func, select

from inspect_app.core.audit import events_for
from inspect_app.reference.models import ActivityKind, IssuingBody
from inspect_app.reference.seed import seed_issuing_bodies
from tests import factories


def _snv(db):
    seed_issuing_bodies()
    db.session.commit()
    return db.session.execute(select(IssuingBody).where(IssuingBody.code == "SNV")).scalar_one()


def _form(body, **changes):
    data = {
        "code": body.code,
        "name": body.name,
        "display_name": body.display_name,
        "signer_title": body.signer_title,
        "legal_basis": body.legal_basis,
        "activity_kind": body.activity_kind.value,
        "signer_unit_id": body.signer_unit_id or "",
        "version": body.version,
    }
    data.update(changes)
    return data


def test_the_list_shows_each_body_and_who_signs(db, login_as):
    snv = _snv(db)
    home_affairs = factories.make_unit("Sở Nội vụ")
    snv.signer_unit = home_affairs
    db.session.commit()
    page = login_as("admin").get("/reference/bodies").get_data(as_text=True)
    assert 'data-body="TTr"' in page and 'data-body="SNV"' in page
    assert "lãnh đạo Sở Nội vụ" in page  # SNV: its Director
    assert "Chánh Thanh tra hoặc Phó Chánh Thanh tra" in page  # TTr: the inspectorate
    assert "Nghị định số 217/2025/NĐ-CP" in page


def test_the_admin_names_the_signing_unit_and_it_is_audited(db, login_as):
    snv = _snv(db)
    home_affairs = factories.make_unit("Sở Nội vụ")
    db.session.commit()
    c = login_as("admin")
    r = c.post(
        f"/reference/bodies/{snv.id}",
        data=_form(snv, signer_unit_id=home_affairs.id, name="Sở Nội vụ", signer_title="Giám đốc"),
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    db.session.expire_all()
    saved = db.session.get(IssuingBody, snv.id)
    assert saved.signer_unit_id == home_affairs.id
    assert saved.name == "SỞ NỘI VỤ" and saved.signer_title == "GIÁM ĐỐC"  # capitals
    (event,) = [e for e in events_for("IssuingBody", snv.id) if e.action == "issuing_body_updated"]
    assert event.before["signer_unit_id"] is None
    assert event.after["signer_unit_id"] == home_affairs.id
    page = c.get(f"/reference/bodies/{snv.id}").get_data(as_text=True)
    assert "Sửa cơ quan ban hành" in page  # the history names the change


def test_a_new_body_is_added(db, login_as):
    _snv(db)
    c = login_as("admin")
    r = c.post(
        "/reference/bodies/new",
        data={
            "code": "SXD",
            "name": "Sở Xây dựng",
            "display_name": "Sở Xây dựng",
            "signer_title": "Giám đốc",
            "legal_basis": "Nghị định số 217/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ\n\n",
            "activity_kind": "kiem_tra",
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    body = db.session.execute(select(IssuingBody).where(IssuingBody.code == "SXD")).scalar_one()
    assert body.name == "SỞ XÂY DỰNG" and body.activity_kind == ActivityKind.KIEM_TRA
    assert body.citations == ("Nghị định số 217/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ",)
    assert body.signer_unit_id is None


def _count(db) -> int:
    return db.session.execute(select(func.count()).select_from(IssuingBody)).scalar_one()


def test_bad_input_is_answered_on_the_form_and_nothing_changes(db, login_as):
    snv = _snv(db)
    c = login_as("admin")
    before = _count(db)
    taken = c.post(f"/reference/bodies/{snv.id}", data=_form(snv, code="TTr"))
    assert taken.status_code == 422
    assert "Thanh tra tỉnh" in taken.get_data(as_text=True)  # "already used by ..."
    for changes in (
        {"signer_unit_id": 999999},
        {"signer_unit_id": "abc"},
        {"activity_kind": "audit"},
        {"legal_basis": ""},
        {"name": ""},
    ):
        r = c.post(f"/reference/bodies/{snv.id}", data=_form(snv, **changes))
        assert r.status_code == 422, changes
        assert 'aria-invalid="true"' in r.get_data(as_text=True), changes
    new = c.post("/reference/bodies/new", data={"code": "X"})
    assert new.status_code == 422
    db.session.expire_all()
    again = db.session.get(IssuingBody, snv.id)
    assert (again.code, again.name, again.version) == ("SNV", "SỞ NỘI VỤ", snv.version)
    assert _count(db) == before


def test_a_stale_form_is_refused(db, login_as):
    snv = _snv(db)
    c = login_as("admin")
    old = _form(snv)
    assert (
        c.post(f"/reference/bodies/{snv.id}", data=_form(snv, display_name="Sở NV")).status_code
        == 303
    )
    r = c.post(f"/reference/bodies/{snv.id}", data={**old, "display_name": "Sở Nội vụ tỉnh"})
    assert r.status_code == 409
    db.session.expire_all()
    assert db.session.get(IssuingBody, snv.id).display_name == "Sở NV"


def test_only_administrators_open_the_pages(db, login_as, client):
    snv = _snv(db)
    for role in ("leadership", "inspector", "lead_inspector", "clerk", "chairman", "unit_leader"):
        c = login_as(role)
        assert c.get("/reference/bodies").status_code == 403, role
        assert c.post(f"/reference/bodies/{snv.id}", data=_form(snv, code="ZZ")).status_code == 403
    assert client.get("/reference/bodies").status_code == 302
    db.session.expire_all()
    assert db.session.get(IssuingBody, snv.id).code == "SNV"
