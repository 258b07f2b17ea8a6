"""Changes need a document: a signed conclusion's deadline, a withdrawal and the extension of
on-site work are refused without their deciding document (number, date, signer, file where
there is one), with nothing half-saved; with it they are stored, on the timeline and in the
API. The clock is set: "today" is Thursday 26/11/2026."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.cases import operations as case_ops
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent, events_for
from inspect_app.core.errors import OperationError
from inspect_app.core.files import EvidenceFile
from inspect_app.core.roles import Role
from inspect_app.decisions.models import DecidingDocument, DecisionPurpose
from inspect_app.extension_requests import operations as ext_ops
from inspect_app.extensions import db
from inspect_app.inspections import operations as inspection_ops
from inspect_app.inspections.models import Inspection
from tests import factories as f

TODAY = date(2026, 11, 26)
SIGNER = "Nguyễn Văn Hùng, Chánh Thanh tra tỉnh"


@pytest.fixture()
def world(db):
    clock.freeze(TODAY)
    unit = f.make_unit("Sở Tài chính")
    lead = f.make_user(Role.LEAD_INSPECTOR)
    # Signed on 31/5/2026 (the factory: start 2/3 + 90 days).
    inspection = f.make_inspection(state="monitoring", target_unit=unit, lead=lead)
    case = f.make_case(inspection, due=date(2026, 9, 30), title="Thu hồi kinh phí sai quy định")
    leader = f.make_user(Role.UNIT_LEADER, unit=unit)
    db.session.commit()
    return {"unit": unit, "lead": lead, "inspection": inspection, "case": case, "leader": leader}


def _counts():
    rows = db.session.execute(select(func.count()).select_from(DecidingDocument)).scalar_one()
    files = db.session.execute(select(func.count()).select_from(EvidenceFile)).scalar_one()
    events = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return rows, files, events


@pytest.mark.parametrize(
    ("doc", "field"),
    [
        ({}, "doc_number"),
        ({"doc_date": TODAY, "doc_signer": SIGNER}, "doc_number"),
        ({"doc_number": "25/QĐ-TTr", "doc_signer": SIGNER}, "doc_date"),
        ({"doc_number": "25/QĐ-TTr", "doc_date": date(2026, 11, 27), "doc_signer": SIGNER},
         "doc_date"),  # in the future
        ({"doc_number": "25/QĐ-TTr", "doc_date": date(2026, 5, 30), "doc_signer": SIGNER},
         "doc_date"),  # before the conclusion (31/5/2026)
        ({"doc_number": "25/QĐ-TTr", "doc_date": TODAY, "doc_signer": "  "}, "doc_signer"),
    ],
)  # fmt: skip
def test_deadline_change_refused_without_a_valid_document(world, doc, field):
    case, lead = world["case"], world["lead"]
    before = _counts()
    with pytest.raises(OperationError) as err:
        case_ops.change_deadline(lead, case, date(2026, 12, 31), "Đơn vị xin gia hạn", None, doc)
    assert err.value.field == field and err.value.status == 422
    db.session.rollback()
    assert db.session.get(Case, case.id).due_date == date(2026, 9, 30)
    assert _counts() == before


def test_the_document_is_dated_from_the_conclusion_day(world):
    case = world["case"]
    doc = f.deciding_doc(date(2026, 5, 31))  # the conclusion's own day is allowed
    case_ops.change_deadline(world["lead"], case, date(2026, 12, 31), "Gia hạn", None, doc)
    assert case.due_date == date(2026, 12, 31)


def test_before_the_signature_no_document_is_needed(db):
    clock.freeze(TODAY)
    inspection = f.make_inspection(state="reported")
    case = f.make_case(inspection, due=date(2026, 12, 20))
    case_ops.change_deadline(inspection.lead, case, date(2026, 12, 31), "Điều chỉnh", None)
    assert case.due_date == date(2026, 12, 31)
    assert db.session.execute(select(DecidingDocument.id)).first() is None


def test_page_stores_the_document_and_its_pdf_on_the_timeline_and_api(world, login_as, client, api):
    case = world["case"]
    lead = login_as(world["lead"])
    form = {"due_date": "2026-12-31", "reason": "Đơn vị xin gia hạn", "version": str(case.version)}
    r = lead.post(f"/cases/{case.id}/deadline", data=form)  # no document: refused
    assert r.status_code == 422 and 'id="doc_number-error"' in r.get_data(as_text=True)
    assert db.session.get(Case, case.id).due_date == date(2026, 9, 30)
    r = lead.post(  # a file that is not a PDF: refused, nothing stored
        f"/cases/{case.id}/deadline",
        data={**form, **f.deciding_form(), "doc_file": (io.BytesIO(f.png_bytes()), "qd.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and 'id="doc_file-error"' in r.get_data(as_text=True)
    assert db.session.execute(select(EvidenceFile.id)).first() is None
    assert db.session.execute(select(DecidingDocument.id)).first() is None
    r = lead.post(
        f"/cases/{case.id}/deadline",
        data={**form, **f.deciding_form(), "doc_file": (io.BytesIO(f.PDF), "qd-gia-han.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:600]
    db.session.expire_all()
    assert db.session.get(Case, case.id).due_date == date(2026, 12, 31)
    decision = db.session.execute(select(DecidingDocument)).scalar_one()
    assert (decision.purpose, decision.case_id, decision.number, decision.issued_on) == (
        DecisionPurpose.DEADLINE,
        case.id,
        "25/QĐ-TTr",
        TODAY,
    )
    assert decision.file.original_name == "qd-gia-han.pdf" and decision.file.sha256
    event = events_for("Case", case.id)[-1]
    assert event.action == "case_deadline_changed"
    assert event.after["decision"]["number"] == "25/QĐ-TTr"
    page = lead.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "25/QĐ-TTr" in page and SIGNER in page and "26/11/2026" in page
    assert f"/evidence/{decision.file.id}" in page
    assert lead.get(f"/evidence/{decision.file.id}").status_code == 200
    # Another unit's leader neither downloads the file nor lists the documents.
    outsider = login_as(f.make_user(Role.UNIT_LEADER, unit=f.make_unit()))
    assert outsider.get(f"/evidence/{decision.file.id}").status_code == 404
    headers, _user = api(world["leader"])
    r = client.get(f"/api/v1/cases/{case.id}/decisions", headers=headers)
    assert r.status_code == 200
    (item,) = r.get_json()["items"]
    assert item["purpose"] == "deadline" and item["signer"] == SIGNER
    assert item["issued_on"] == "2026-11-26" and item["file_ids"] == [decision.file.id]
    other, _user = api(Role.UNIT_LEADER, unit=f.make_unit())
    assert client.get(f"/api/v1/cases/{case.id}/decisions", headers=other).status_code == 404


def test_withdrawal_needs_its_document(world, login_as):
    case = world["case"]
    client = login_as(world["lead"])
    form = {"reason": "Kiến nghị không còn phù hợp", "version": str(case.version)}
    r = client.post(f"/cases/{case.id}/withdraw", data=form)
    assert r.status_code == 422
    assert db.session.get(Case, case.id).state == CaseState.OPEN
    r = client.post(f"/cases/{case.id}/withdraw", data={**form, **f.deciding_form()})
    assert r.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == CaseState.WITHDRAWN
    (decision,) = db.session.execute(select(DecidingDocument)).scalars()
    assert decision.purpose == DecisionPurpose.WITHDRAWAL and decision.file is None
    event = events_for("Case", case.id)[-1]
    assert event.action == "case_withdrawn" and event.after["decision"]["signer"] == SIGNER


def test_extension_approval_needs_its_document(world, api, client):
    case = world["case"]
    ext = ext_ops.request_extension(
        world["leader"], case, date(2026, 12, 31), "Chờ kết quả kiểm toán", case.version
    )
    db.session.commit()
    with pytest.raises(OperationError) as err:
        ext_ops.approve(world["lead"], ext, "Có căn cứ", ext.version)
    assert err.value.field == "doc_number"
    db.session.rollback()
    assert db.session.get(Case, case.id).due_date == date(2026, 9, 30)
    ext_ops.approve(world["lead"], ext, "Có căn cứ", ext.version, f.deciding_doc())
    assert case.due_date == date(2026, 12, 31)
    assert db.session.execute(select(DecidingDocument.purpose)).scalar_one() == "deadline"


def test_onsite_extension_with_its_decision_on_the_inspection(db, login_as, client, api):
    clock.freeze(TODAY)
    inspection = f.make_inspection(state="in_progress", start_date=date(2026, 10, 1))
    lead = login_as(inspection.lead)
    form = {"extension_reference": "31/QĐ-TTr", "extension_days": "10", "version": "1"}
    bad = {**form, "doc_date": "2026-09-30", "doc_signer": SIGNER}  # before the announcement
    r = lead.post(f"/inspections/{inspection.id}/extension", data=bad)
    assert r.status_code == 422 and 'id="doc_date-error"' in r.get_data(as_text=True)
    r = lead.post(
        f"/inspections/{inspection.id}/extension", data={**form, "doc_date": "2026-11-20"}
    )
    assert r.status_code == 422 and 'id="doc_signer-error"' in r.get_data(as_text=True)
    assert db.session.get(Inspection, inspection.id).extension_reference is None
    r = lead.post(
        f"/inspections/{inspection.id}/extension",
        data={**form, "doc_date": "2026-11-20", "doc_signer": SIGNER},
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:600]
    page = lead.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "31/QĐ-TTr" in page and SIGNER in page and "20/11/2026" in page
    headers, _user = api(Role.INSPECTOR)
    r = client.get(f"/api/v1/inspections/{inspection.id}/decisions", headers=headers)
    (item,) = r.get_json()["items"]
    assert item["purpose"] == "onsite_extension" and item["inspection_id"] == inspection.id
    # The API's extension is refused without its date and signer, as the page's.
    second = f.make_inspection(state="in_progress", start_date=date(2026, 10, 1))
    lead_headers, _user = api(second.lead)
    url = f"/api/v1/inspections/{second.id}/extension"
    body = {"extension_reference": "32/QĐ-TTr", "extension_days": 5, "version": second.version}
    assert client.post(url, headers=lead_headers, json=body).status_code == 422
    body |= {"doc_date": "2026-11-24", "doc_signer": SIGNER}
    assert client.post(url, headers=lead_headers, json=body).status_code == 200
    db.session.expire_all()
    assert db.session.get(Inspection, second.id).extension_days == 5
    assert inspection_ops.duration(db.session.get(Inspection, second.id)).extension_days == 5
