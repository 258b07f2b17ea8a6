"""Demo data of the inspections feature (idempotent): one inspection or more in every state,
on a calendar where today is 25/11/2026. Looked up by decision number."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from inspect_app.core import audit, clock
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.inspections.operations import FIELDS
from inspect_app.plans.models import Plan, PlanItem
from inspect_app.reference.models import ActivityKind, FieldOfWork
from inspect_app.reference.queries import issuing_body_for

D = date
AD_HOC = "Theo đơn phản ánh của công dân và chỉ đạo của Chủ tịch UBND tỉnh"

# decision, unit code, kind, title, fields, lead, members, decision date, start, planned end,
# state, extra values (the dates of the steps reached)
INSPECTIONS = [
    ("05/QĐ-TTr", "SNV", "thanh_tra", "Thanh tra công tác tuyển dụng, sử dụng và quản lý công chức, viên chức tại Sở Nội vụ", ["CBCCVC", "TCBM"], "truongdoan", ["thanhtra1", "thanhtra2"], D(2026, 1, 26), D(2026, 2, 2), D(2026, 3, 18), "closed", {"onsite_started_on": D(2026, 2, 2), "onsite_ended_on": D(2026, 3, 17), "reported_on": D(2026, 4, 2), "conclusion_number": "12/KL-TTr", "conclusion_date": D(2026, 4, 20), "closed_on": D(2026, 10, 30), "conclusion_summary": "Sở Nội vụ cơ bản chấp hành đúng quy định về tuyển dụng; một số hồ sơ thiếu văn bằng, chứng chỉ theo yêu cầu vị trí việc làm."}),
    ("09/QĐ-TTr", "SYT", "thanh_tra", "Thanh tra việc chấp hành pháp luật về tuyển dụng, sử dụng công chức tại Sở Y tế", ["CBCCVC"], "truongdoan", ["thanhtra3"], D(2026, 4, 6), D(2026, 4, 13), D(2026, 5, 27), "monitoring", {"onsite_started_on": D(2026, 4, 13), "onsite_ended_on": D(2026, 5, 26), "reported_on": D(2026, 6, 15), "conclusion_number": "21/KL-TTr", "conclusion_date": D(2026, 7, 15), "conclusion_summary": "Phát hiện 03 trường hợp tuyển dụng viên chức không đúng tiêu chuẩn; kiến nghị rà soát, xử lý trách nhiệm và hoàn thiện quy chế."}),
    ("14/QĐ-SNV", "XBQ", "kiem_tra", "Kiểm tra công tác cải cách hành chính và hoạt động của chính quyền địa phương tại UBND xã Bắc Quang", ["CQDP", "CCHC"], "truongdoan2", ["thanhtra2"], D(2026, 8, 10), D(2026, 8, 17), D(2026, 9, 15), "concluded", {"onsite_started_on": D(2026, 8, 17), "onsite_ended_on": D(2026, 9, 14), "reported_on": D(2026, 10, 1), "conclusion_number": "30/KL-SNV", "conclusion_date": D(2026, 10, 20), "conclusion_summary": "Việc giải quyết thủ tục hành chính còn trễ hạn; chưa công khai đầy đủ thủ tục tại bộ phận một cửa."}),
    ("18/QĐ-SNV", "PHG", "kiem_tra", "Kiểm tra công vụ và việc giải quyết thủ tục hành chính tại UBND phường Hà Giang 1", ["CCHC"], "truongdoan2", ["thanhtra3"], D(2026, 9, 21), D(2026, 9, 28), D(2026, 10, 27), "reported", {"onsite_started_on": D(2026, 9, 28), "onsite_ended_on": D(2026, 10, 26), "reported_on": D(2026, 11, 10)}),
    ("21/QĐ-SNV", "TTLT", "kiem_tra", "Kiểm tra công tác văn thư, lưu trữ và số hóa tài liệu tại Trung tâm Lưu trữ lịch sử tỉnh", ["VTLT"], "truongdoan2", ["thanhtra1"], D(2026, 10, 5), D(2026, 10, 12), D(2026, 11, 10), "onsite_ended", {"onsite_started_on": D(2026, 10, 12), "onsite_ended_on": D(2026, 11, 10)}),
    ("23/QĐ-TTr", "SGDDT", "thanh_tra", "Thanh tra việc thực hiện chế độ, chính sách đối với viên chức ngành giáo dục tại Sở Giáo dục và Đào tạo", ["CBCCVC", "TDKT"], "truongdoan", ["thanhtra1", "thanhtra2"], D(2026, 9, 7), D(2026, 9, 14), D(2026, 10, 28), "in_progress", {"onsite_started_on": D(2026, 9, 14)}),  # 73 days by 25/11: past the legal 45
    ("27/QĐ-TTr", "XDV", "thanh_tra", "Thanh tra đột xuất việc tuyển dụng công chức cấp xã tại UBND xã Đồng Văn", ["CBCCVC"], "truongdoan", ["thanhtra3"], D(2026, 11, 2), D(2026, 11, 9), D(2026, 12, 23), "in_progress", {"onsite_started_on": D(2026, 11, 9), "ad_hoc_reason": AD_HOC}),
    ("31/QĐ-SNV", "TTDVVL", "kiem_tra", "Kiểm tra việc thực hiện chính sách việc làm và bảo hiểm thất nghiệp tại Trung tâm Dịch vụ việc làm tỉnh", ["VL", "BHXH"], "truongdoan2", ["thanhtra1"], D(2026, 11, 23), D(2026, 12, 7), D(2027, 1, 5), "planned", {}),
    ("33/QĐ-TTr", "TTBTXH", "thanh_tra", "Thanh tra đột xuất việc quản lý, sử dụng kinh phí chi trả trợ cấp tại Trung tâm Bảo trợ xã hội tỉnh", ["LDTL"], "truongdoan", ["thanhtra2", "thanhtra3"], D(2026, 11, 24), D(2026, 12, 1), D(2027, 1, 14), "planned", {"ad_hoc_reason": "Có dấu hiệu vi phạm trong chi trả trợ cấp xã hội qua báo cáo của Sở Y tế"}),
]  # fmt: skip

# History of the year before (after the reform for communes and wards, which exist since
# 1 July 2025): concluded and followed up, so analytics and periodic reports have figures.
HISTORY_REASON = "Theo Kế hoạch thanh tra năm 2025 của Thanh tra tỉnh"
INSPECTIONS += [
    ("08/QĐ-TTr", "SYT", "thanh_tra", "Thanh tra việc quản lý, sử dụng kinh phí mua sắm trang thiết bị y tế tại Sở Y tế", ["LDTL"], "truongdoan", ["thanhtra1"], D(2025, 2, 10), D(2025, 2, 17), D(2025, 4, 2), "closed", {"onsite_started_on": D(2025, 2, 17), "onsite_ended_on": D(2025, 4, 1), "reported_on": D(2025, 4, 18), "conclusion_number": "09/KL-TTr", "conclusion_date": D(2025, 5, 20), "closed_on": D(2025, 12, 15), "conclusion_summary": "Việc mua sắm trang thiết bị cơ bản đúng quy định; một số gói thầu lập dự toán chưa sát giá thị trường.", "ad_hoc_reason": HISTORY_REASON}),
    ("17/QĐ-TTr", "STC", "thanh_tra", "Thanh tra việc quản lý, sử dụng tài sản công sau sắp xếp tại Sở Tài chính", ["LDTL"], "truongdoan", ["thanhtra2"], D(2025, 4, 7), D(2025, 4, 14), D(2025, 5, 28), "monitoring", {"onsite_started_on": D(2025, 4, 14), "onsite_ended_on": D(2025, 5, 27), "reported_on": D(2025, 6, 13), "conclusion_number": "18/KL-TTr", "conclusion_date": D(2025, 7, 10), "conclusion_summary": "Chậm xử lý trụ sở dôi dư sau sắp xếp; chưa cập nhật đầy đủ tài sản vào cơ sở dữ liệu quốc gia.", "ad_hoc_reason": HISTORY_REASON}),
    ("26/QĐ-SNV", "PMX", "kiem_tra", "Kiểm tra công tác tiếp nhận, giải quyết thủ tục hành chính tại UBND phường Minh Xuân", ["CCHC"], "truongdoan2", ["thanhtra3"], D(2025, 9, 8), D(2025, 9, 15), D(2025, 10, 14), "closed", {"onsite_started_on": D(2025, 9, 15), "onsite_ended_on": D(2025, 10, 13), "reported_on": D(2025, 10, 24), "conclusion_number": "27/KL-SNV", "conclusion_date": D(2025, 11, 14), "closed_on": D(2026, 6, 30), "conclusion_summary": "Trung tâm Phục vụ hành chính công phường vận hành ổn định; còn hồ sơ trả kết quả trễ hạn chưa có văn bản xin lỗi.", "ad_hoc_reason": HISTORY_REASON}),
]  # fmt: skip


def _plan_item(unit_id: int, kind: str) -> PlanItem | None:
    """The 2026 plan item for this unit and kind, if the plans seed created one."""
    return db.session.execute(
        select(PlanItem)
        .join(Plan)
        .where(
            Plan.year == 2026,
            PlanItem.target_unit_id == unit_id,
            PlanItem.kind == ActivityKind(kind),
        )
        .order_by(PlanItem.id)
        .limit(1)
    ).scalar_one_or_none()


def seed(units: dict, users: dict) -> None:
    """Create the demo inspections that are missing (looked up by decision number)."""
    existing = set(db.session.execute(select(Inspection.decision_number)).scalars())
    fields = {f.code: f for f in db.session.execute(select(FieldOfWork)).scalars()}
    for (
        number,
        unit_code,
        kind,
        title,
        field_codes,
        lead,
        members,
        decided,
        start,
        end,
        state,
        extra,
    ) in INSPECTIONS:
        if number in existing or unit_code not in units or lead not in users:
            continue
        extra = dict(extra)
        unit = units[unit_code]
        item = None if extra.get("ad_hoc_reason") else _plan_item(unit.id, kind)
        if item is None and not extra.get("ad_hoc_reason"):
            extra["ad_hoc_reason"] = AD_HOC
        inspection = Inspection(
            kind=ActivityKind(kind),
            # Checks are Home Affairs' (Decree 217/2025), inspections the Inspectorate's.
            issuing_body=issuing_body_for(ActivityKind(kind)),
            title=title,
            plan_item=item,
            decision_number=number,
            decision_date=decided,
            target_unit=unit,
            lead=users[lead],
            members=[users[m] for m in members if m in users],
            fields=[fields[c] for c in field_codes if c in fields],
            scope="Việc chấp hành chính sách, pháp luật và nhiệm vụ được giao.",
            period_under_review="01/01/2024 – 31/12/2025",
            start_date=start,
            planned_end_date=end,
            state=InspectionState(state),
            created_by_id=users.get("chanhthanhtra", users[lead]).id,
            **extra,
        )
        db.session.add(inspection)
        db.session.flush()
        _history(inspection, users)


# The steps an inspection's timeline shows, by the date field that says the step was reached,
# with who took it ("lead" the team's lead): each recorded on its day, as the operations would.
STEPS = (
    ("onsite_started_on", "inspection_started", "lead"),
    ("onsite_ended_on", "inspection_onsite_ended", "lead"),
    ("reported_on", "inspection_reported", "lead"),
    ("conclusion_date", "inspection_concluded", "chanhthanhtra"),
    ("closed_on", "inspection_closed", "chanhthanhtra"),
)


def _history(inspection: Inspection, users: dict) -> None:
    """The inspection's timeline: opened on its decision date, then each step it reached on
    the day it did (not all on the day the demo was seeded)."""
    chief = users.get("chanhthanhtra")
    with clock.frozen(min(inspection.decision_date, clock.today())):
        audit.record(
            chief,
            inspection,
            "inspection_created",
            after=audit.snapshot(inspection, FIELDS),
            note="Dữ liệu mẫu",
        )
    for field, action, who in STEPS:
        day = getattr(inspection, field)
        if day is None or day > clock.today():
            continue
        with clock.frozen(day):
            audit.record(inspection.lead if who == "lead" else chief, inspection, action)
