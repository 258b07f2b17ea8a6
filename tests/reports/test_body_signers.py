"""Who signs a document: the head of its issuing body. The Director of Home Affairs (a unit
leader of the department that is the body's own unit) signs Sở Nội vụ's documents (Decree
217/2025); the Chief Inspector's office signs the inspectorate's; nobody else."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.core import clock
from inspect_app.reference.models import ActivityKind, IssuingBody
from inspect_app.reports import documents, operations
from inspect_app.reports.models import Document, DocumentState
from inspect_app.reports.queries import to_sign_count
from tests import factories

TODAY = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _today():
    clock.freeze(TODAY)
    yield
    clock.freeze(None)


def _bodies(db, home_affairs):
    inspectorate = IssuingBody(
        code="TTr",
        name="THANH TRA TỈNH",
        display_name="Thanh tra tỉnh",
        signer_title="CHÁNH THANH TRA",
        legal_basis="Luật Thanh tra số 84/2025/QH15",
        activity_kind=ActivityKind.THANH_TRA,
    )
    snv = IssuingBody(
        code="SNV",
        name="SỞ NỘI VỤ",
        display_name="Sở Nội vụ",
        signer_title="GIÁM ĐỐC",
        legal_basis="Nghị định số 217/2025/NĐ-CP",
        activity_kind=ActivityKind.KIEM_TRA,
        signer_unit=home_affairs,
    )
    db.session.add_all([inspectorate, snv])
    db.session.flush()
    return inspectorate, snv


def _world(db):
    """Home Affairs (its Director heads SNV), a health department; an urging letter of a check
    by SNV and one of an inspection by the inspectorate, both drafts."""
    home_affairs, health = factories.make_unit("Sở Nội vụ"), factories.make_unit("Sở Y tế")
    inspectorate, snv = _bodies(db, home_affairs)
    director = factories.make_user(
        "unit_leader", unit=home_affairs, title="Giám đốc Sở Nội vụ", full_name="Bùi Thanh Sơn"
    )
    health_leader = factories.make_user("unit_leader", unit=health)
    chief = factories.make_user("leadership", title="Chánh Thanh tra tỉnh")
    check = factories.make_inspection(
        state="monitoring", target_unit=health, kind="kiem_tra", issuing_body=snv
    )
    inspection = factories.make_inspection(
        state="monitoring", target_unit=health, issuing_body=inspectorate
    )
    snv_letter = factories.make_urging_letter(
        factories.make_case(inspection=check, due=date(2026, 10, 1), responsible_unit=health),
        TODAY,
    )
    ttr_letter = factories.make_urging_letter(
        factories.make_case(inspection=inspection, due=date(2026, 10, 1), responsible_unit=health),
        TODAY,
    )
    db.session.commit()
    return {
        "snv": snv,
        "director": director,
        "health_leader": health_leader,
        "chief": chief,
        "snv_letter": snv_letter,
        "ttr_letter": ttr_letter,
    }


def test_each_document_records_its_issuing_body(db):
    w = _world(db)
    assert w["snv_letter"].issuing_body == "SỞ NỘI VỤ"
    assert w["snv_letter"].issuer is w["snv"]
    assert w["ttr_letter"].issuer.code == "TTr"
    assert documents.letterhead("SỞ NỘI VỤ")["issuing_body_id"] == w["snv"].id


def test_the_director_signs_home_affairs_documents_and_the_chief_inspector_does_not(db):
    w = _world(db)
    snv, ttr = w["snv_letter"], w["ttr_letter"]
    assert snv.can_sign(w["director"]) and not snv.can_sign(w["chief"])
    assert ttr.can_sign(w["chief"]) and not ttr.can_sign(w["director"])
    assert not snv.can_sign(w["health_leader"]) and not ttr.can_sign(w["health_leader"])
    assert snv.can_sign(factories.make_user("admin"))
    for role in ("inspector", "lead_inspector", "clerk"):
        assert not snv.can_sign(factories.make_user(role))


def test_the_director_signs_through_the_page(db, login_as):
    w = _world(db)
    letter = w["snv_letter"]
    refused = login_as(w["chief"]).post(f"/reports/{letter.id}/sign", data={"version": 1})
    assert refused.status_code == 403
    c = login_as(w["director"])
    page = c.get(f"/reports/{letter.id}").get_data(as_text=True)
    assert f'action="/reports/{letter.id}/sign"' in page
    r = c.post(f"/reports/{letter.id}/sign", data={"version": letter.version})
    assert r.status_code in (200, 303), r.get_data(as_text=True)[:400]
    db.session.expire_all()
    signed = db.session.get(Document, letter.id)
    assert signed.state == DocumentState.SIGNED
    assert signed.signed_by_id == w["director"].id
    assert signed.signer_name == "Bùi Thanh Sơn" and signed.signer_title == "GIÁM ĐỐC"


def test_other_unit_leaders_neither_see_nor_sign_the_drafts(db, login_as):
    w = _world(db)
    c = login_as(w["health_leader"])
    for letter in (w["snv_letter"], w["ttr_letter"]):
        assert c.get(f"/reports/{letter.id}").status_code == 404
        assert c.post(f"/reports/{letter.id}/sign", data={"version": 1}).status_code == 404
    listing = c.get("/reports?state=draft").get_data(as_text=True)
    assert f"/reports/{w['snv_letter'].id}" not in listing
    db.session.expire_all()
    assert db.session.get(Document, w["snv_letter"].id).state == DocumentState.DRAFT


def test_the_director_lists_the_bodys_documents_only(db, login_as):
    w = _world(db)
    listing = login_as(w["director"]).get("/reports").get_data(as_text=True)
    assert f"/reports/{w['snv_letter'].id}" in listing
    assert f"/reports/{w['ttr_letter'].id}" not in listing
    assert login_as(w["director"]).get(f"/reports/{w['ttr_letter'].id}").status_code == 404


def test_drafts_to_sign_are_counted_per_signer(db):
    w = _world(db)
    assert to_sign_count(w["director"]) == 1
    assert to_sign_count(w["chief"]) == 1
    assert to_sign_count(w["health_leader"]) == 0
    operations.sign(w["director"], w["snv_letter"], w["snv_letter"].version)
    assert to_sign_count(w["director"]) == 0
    assert to_sign_count(w["chief"]) == 1


def test_without_a_signing_unit_the_inspectorate_signs_as_before(db):
    w = _world(db)
    w["snv"].signer_unit = None
    db.session.flush()
    letter = w["snv_letter"]
    assert letter.can_sign(w["chief"]) and not letter.can_sign(w["director"])
    signed_by_chief = select(IssuingBody.code).where(IssuingBody.signed_by(w["chief"]))
    assert set(db.session.execute(signed_by_chief).scalars()) == {"TTr", "SNV"}
    signed_by_director = select(IssuingBody.code).where(IssuingBody.signed_by(w["director"]))
    assert list(db.session.execute(signed_by_director).scalars()) == []


def test_the_directors_home_shows_the_drafts_to_sign(db, login_as):
    w = _world(db)
    home = login_as(w["director"]).get("/").get_data(as_text=True)
    assert 'data-to-sign="1"' in home and "/reports?state=draft" in home
    assert "data-to-sign" not in login_as(w["health_leader"]).get("/").get_data(as_text=True)
