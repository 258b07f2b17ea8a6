"""The check's signed minutes: a PDF uploaded through core.files (validated, stored with its
sha256, served only to whoever sees the check), shown with the check decision and in the API."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from inspect_app.core import clock
from inspect_app.core.files import EvidenceFile
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from inspect_app.implementation_checks import operations
from inspect_app.implementation_checks.models import ImplementationCheck
from tests import factories as f

DAY = date(2026, 12, 7)


def _issued_check():
    unit = f.make_unit("Sở Xây dựng")
    f.make_user(Role.UNIT_LEADER, unit=unit)
    lead = f.make_user(Role.LEAD_INSPECTOR)
    inspection = f.make_inspection(state="monitoring", target_unit=unit, lead=lead)
    case = f.make_case(inspection, due=date(2026, 11, 20))
    check = operations.create_check(lead, inspection, [case.id], lead.id, [], DAY, DAY)
    db.session.commit()
    f.issue_document(f.make_user(Role.LEADERSHIP), check.document)
    db.session.commit()
    return check, lead


def test_minutes_pdf_stored_shown_with_the_decision_and_in_the_api(db, login_as, client, api):
    clock.freeze(DAY)
    check, lead = _issued_check()
    page = login_as(lead)

    def post(content: bytes, name: str):
        form = {"minutes_date": "2026-12-07", "minutes_summary": "Đơn vị chưa khắc phục."}
        return page.post(
            f"/implementation-checks/{check.id}/minutes",
            data={**form, "version": str(check.version),
                  "minutes_file": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )  # fmt: skip

    r = post(f.EXE, "bien-ban.pdf")  # not a PDF, whatever its name
    assert r.status_code == 422 and 'id="minutes_file-error"' in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ImplementationCheck, check.id).minutes_date is None
    assert db.session.execute(select(EvidenceFile.id)).first() is None
    r = post(f.PDF, "bien-ban-kiem-tra.pdf")
    assert r.status_code == 303, r.get_data(as_text=True)[:600]
    stored = db.session.execute(select(EvidenceFile)).scalar_one()
    assert stored.check_id == check.id and stored.content_type == "application/pdf"
    assert stored.sha256 and stored.original_name == "bien-ban-kiem-tra.pdf"
    detail = page.get(f"/implementation-checks/{check.id}").get_data(as_text=True)
    decision_section = detail.split("<h2>", 2)[1]  # the decision's card
    assert "bien-ban-kiem-tra.pdf" in decision_section
    assert page.get(f"/evidence/{stored.id}").status_code == 200
    headers, _user = api(Role.INSPECTOR)
    body = client.get(f"/api/v1/implementation-checks/{check.id}", headers=headers).get_json()
    assert body["minutes_file_ids"] == [stored.id] and body["minutes_date"] == "2026-12-07"
    assert body["issuing_body"] == "THANH TRA TỈNH"
    # A leader of another unit sees neither the check nor its minutes.
    outsider = login_as(f.make_user(Role.UNIT_LEADER, unit=f.make_unit()))
    assert outsider.get(f"/evidence/{stored.id}").status_code == 404
