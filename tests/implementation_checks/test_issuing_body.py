"""Checks vs inspections: the issuing body is data per activity. A check (kiểm tra) of the
Department of Home Affairs is issued under its letterhead and symbols (QĐ-SNV), cites Decree
217/2025 and is called a check in its pages and documents; an inspection keeps Thanh tra
tỉnh, QĐ-TTr and Law 84/2025. Each body numbers in its own register."""

from __future__ import annotations

import subprocess
import unicodedata
from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.core import clock
from inspect_app.core.errors import Forbidden
from inspect_app.core.files import stored_path
from inspect_app.core.roles import Role
from inspect_app.findings import operations as finding_ops
from inspect_app.implementation_checks import operations
from inspect_app.inspections import operations as inspection_ops
from inspect_app.reference.models import ActivityKind, IssuingBody
from inspect_app.reference.seed import seed_issuing_bodies
from tests import factories as f

TODAY = date(2026, 12, 7)


@pytest.fixture()
def bodies(db):
    seed_issuing_bodies()
    db.session.flush()
    return {b.code: b for b in db.session.execute(select(IssuingBody)).scalars()}


def _pdf_text(doc) -> str:
    with open(stored_path(doc.pdf_stored_name), "rb") as fh:
        out = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=fh.read(), capture_output=True,
            check=True,
        )  # fmt: skip
    return unicodedata.normalize("NFC", out.stdout.decode())


def _activity(kind: str, body, unit_name: str):
    lead = f.make_user(Role.LEAD_INSPECTOR, full_name="Phạm Thu Hà")
    inspection = f.make_inspection(
        state="monitoring", kind=kind, issuing_body=body, lead=lead,
        target_unit=f.make_unit(unit_name),
    )  # fmt: skip
    case = f.make_case(inspection, due=date(2026, 11, 20))
    return inspection, case


def test_a_new_activity_takes_the_body_of_its_kind(db, bodies):
    lead = f.make_user(Role.LEAD_INSPECTOR)
    data = {
        "title": "Kiểm tra công vụ tại UBND xã Bắc Quang",
        "ad_hoc_reason": "Theo chỉ đạo của Chủ tịch UBND tỉnh",
        "decision_number": "40/QĐ-SNV",
        "decision_date": date(2026, 11, 2),
        "target_unit_id": f.make_unit("UBND xã Bắc Quang").id,
        "lead_id": lead.id,
        "start_date": date(2026, 11, 9),
        "planned_end_date": date(2026, 12, 9),
    }
    check = inspection_ops.create_inspection(lead, {**data, "kind": "kiem_tra"})
    inspection = inspection_ops.create_inspection(
        lead, {**data, "kind": "thanh_tra", "decision_number": "41/QĐ-TTr"}
    )
    assert check.issuing_body.code == "SNV" and check.is_check
    assert inspection.issuing_body.code == "TTr" and not inspection.is_check
    # A body may be chosen for the activity; an unknown one is refused.
    chosen = inspection_ops.create_inspection(
        lead, {**data, "kind": "kiem_tra", "decision_number": "42/QĐ-TTr",
               "issuing_body_id": bodies["TTr"].id},
    )  # fmt: skip
    assert chosen.issuing_body.code == "TTr"
    with pytest.raises(Exception, match="valid choice|hợp lệ"):
        inspection_ops.create_inspection(
            lead, {**data, "kind": "kiem_tra", "decision_number": "43/QĐ-SNV",
                   "issuing_body_id": 99999},
        )  # fmt: skip


def test_check_decision_of_a_home_affairs_check_under_its_letterhead(db, bodies):
    clock.freeze(TODAY)
    check_activity, check_case = _activity("kiem_tra", bodies["SNV"], "UBND xã Bắc Quang")
    inspection, case = _activity("thanh_tra", bodies["TTr"], "Sở Xây dựng")
    boss = f.make_user(Role.LEADERSHIP, full_name="Nguyễn Văn Hùng")
    lead = check_activity.lead
    snv = operations.create_check(
        lead, check_activity, [check_case.id], lead.id, [], TODAY, date(2026, 12, 18)
    )
    ttr = operations.create_check(
        inspection.lead, inspection, [case.id], inspection.lead.id, [], TODAY, date(2026, 12, 18)
    )
    doc = snv.document
    assert (doc.issuing_body, doc.symbol, doc.signer_title) == ("SỞ NỘI VỤ", "QĐ-SNV", "GIÁM ĐỐC")
    assert "Nghị định số 217/2025/NĐ-CP" in doc.body
    assert "Luật Thanh tra số 84/2025" not in doc.body
    assert "Kết luận kiểm tra số" in doc.title and "Kết luận kiểm tra số" in doc.body
    assert "Đoàn kiểm tra" in doc.body and "Trưởng đoàn kiểm tra" in doc.body
    assert "thanh tra" not in doc.title.lower()
    other = ttr.document
    assert (other.issuing_body, other.symbol) == ("THANH TRA TỈNH", "QĐ-TTr")
    assert "Luật Thanh tra số 84/2025/QH15" in other.body and "Kết luận thanh tra số" in other.body
    db.session.commit()
    f.issue_document(boss, doc)
    f.issue_document(boss, other)
    # Each body numbers in its own register: both decisions are the first of their year.
    assert (doc.number_label, other.number_label) == ("01/QĐ-SNV", "01/QĐ-TTr")
    text = _pdf_text(doc)
    assert "SỞ NỘI VỤ" in text and "01/QĐ-SNV" in text and "217/2025/NĐ-CP" in text
    assert "THANH TRA TỈNH" not in text


def test_pages_call_a_check_a_check(db, bodies, login_as):
    clock.freeze(TODAY)
    check_activity, check_case = _activity("kiem_tra", bodies["SNV"], "UBND xã Bắc Quang")
    lead = check_activity.lead
    check = operations.create_check(
        lead, check_activity, [check_case.id], lead.id, [], TODAY, date(2026, 12, 18)
    )
    db.session.commit()
    client = login_as(lead)
    page = client.get(f"/inspections/{check_activity.id}").get_data(as_text=True)
    assert "Đoàn kiểm tra" in page and "Trưởng đoàn kiểm tra" in page
    assert "Kết luận kiểm tra" in page and "Sở Nội vụ" in page and "Cuộc kiểm tra" in page
    assert "Đoàn thanh tra" not in page
    detail = client.get(f"/implementation-checks/{check.id}").get_data(as_text=True)
    assert "Kết luận kiểm tra" in detail and "SỞ NỘI VỤ" in detail
    inspection, _case = _activity("thanh_tra", bodies["TTr"], "Sở Xây dựng")
    db.session.commit()
    page = login_as(inspection.lead).get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "Đoàn thanh tra" in page and "Kết luận thanh tra" in page
    assert "Đoàn kiểm tra" not in page


def test_kinds_have_their_official_words():
    assert ActivityKind.KIEM_TRA.official_terms["team"] == "Đoàn kiểm tra"
    assert ActivityKind.THANH_TRA.official_terms["Conclusion"] == "Kết luận thanh tra"


def test_urging_letter_of_a_check_is_its_body_s(db, bodies):
    from inspect_app.reports.models import Document
    from inspect_app.reports.operations import create_urging_letters

    check_activity, check_case = _activity("kiem_tra", bodies["SNV"], "UBND xã Bắc Quang")
    inspection, case = _activity("thanh_tra", bodies["TTr"], "Sở Xây dựng")
    drafted = create_urging_letters([check_case.id, case.id], TODAY)
    letter = db.session.get(Document, drafted[check_case.id])
    assert (letter.issuing_body, letter.symbol, letter.signer_title) == (
        "SỞ NỘI VỤ",
        "SNV-NV",
        "GIÁM ĐỐC",
    )
    assert letter.title.startswith("V/v đôn đốc thực hiện Kết luận kiểm tra số")
    assert "của Giám đốc Sở Nội vụ" in letter.body and "Sở Nội vụ đề nghị" in letter.body
    assert "Thanh tra tỉnh" not in letter.body
    other = db.session.get(Document, drafted[case.id])
    assert (other.issuing_body, other.symbol) == ("THANH TRA TỈNH", "TTr-NV")
    assert "Kết luận thanh tra số" in other.title and "Thanh tra tỉnh đề nghị" in other.body


def test_timelines_and_messages_call_a_check_a_check(db, bodies, login_as):
    clock.freeze(TODAY)
    unit = f.make_unit("UBND xã Bắc Quang")
    leader = f.make_user(Role.UNIT_LEADER, unit=unit)
    lead = f.make_user(Role.LEAD_INSPECTOR)
    data = {
        "title": "Kiểm tra công vụ tại UBND xã Bắc Quang",
        "ad_hoc_reason": "Theo chỉ đạo của Chủ tịch UBND tỉnh",
        "decision_number": "41/QĐ-SNV",
        "decision_date": date(2026, 11, 2),
        "target_unit_id": unit.id,
        "lead_id": lead.id,
        "kind": "kiem_tra",
        "start_date": date(2026, 11, 9),
        "planned_end_date": date(2026, 11, 27),
    }
    check = inspection_ops.create_inspection(lead, data)
    db.session.commit()
    page = login_as(lead).get(f"/inspections/{check.id}").get_data(as_text=True)
    assert "Mở cuộc kiểm tra" in page and "Mở cuộc thanh tra" not in page
    # The unit leader of a check's case reports to the check team.
    monitored, case = _activity("kiem_tra", bodies["SNV"], "Sở Tư pháp")
    case.responsible_unit = unit
    db.session.commit()
    c = login_as(leader)
    r = c.post(
        f"/cases/{case.id}/progress",
        data={"text": "Đã triển khai khắc phục.", "version": case.version},
        follow_redirects=True,
    )
    assert "Báo cáo tiến độ đã được gửi đến Đoàn kiểm tra." in r.get_data(as_text=True)
    # A finding by someone not on the check team is refused in the check's words.
    onsite = f.make_inspection(state="in_progress", kind="kiem_tra", issuing_body=bodies["SNV"])
    outsider = f.make_user(Role.INSPECTOR)
    db.session.commit()
    with pytest.raises(Forbidden) as refused:
        finding_ops.create_finding(outsider, onsite, {"description": "Thiếu hồ sơ"})
    assert "Đoàn kiểm tra" in str(refused.value.message)
