"""Demo data of periodic reports: a year of history (the 2025 reporting year, 15/12/2024 -
14/12/2025) with a figure in every column of every table: inspections and checks carried over
from 2024 and started in the year, planned and ad hoc, of a department, a public service unit
and a commune; money, land and other assets partly recovered; organisations and individuals
handled; referrals; a conclusion fully implemented; an urging letter and a check decision
issued in the year; then the 2025 annual report drafted from it. Idempotent: looked up by
decision number and period."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import select

from inspect_app.cases.models import Case, CaseState, CaseType
from inspect_app.cases.operations import apply_deadline
from inspect_app.cases.seed import legal_reference
from inspect_app.core import clock
from inspect_app.extensions import db
from inspect_app.implementation_checks.operations import create_check
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.plans import operations as plan_ops
from inspect_app.plans.models import Plan
from inspect_app.recovery.models import RecoveryPayment
from inspect_app.reference.models import ActivityKind, FieldOfWork, Severity
from inspect_app.reference.queries import issuing_body_for
from inspect_app.reports import operations as doc_ops
from inspect_app.statistics import operations

D = date
PLAN_2025 = "Kế hoạch thanh tra, kiểm tra năm 2025 của Thanh tra tỉnh"
# decision, unit, kind, title, decided, on-site ended, concluded, conclusion number, fields,
# and the plan's quarter for a planned one (None: ad hoc)
HISTORY = [
    ("41/QĐ-TTr", "TTLT", "thanh_tra", "Thanh tra việc quản lý, sử dụng đất và kinh phí chỉnh lý tài liệu tại Trung tâm Lưu trữ lịch sử tỉnh", D(2024, 11, 25), D(2025, 1, 24), D(2025, 3, 20), "07/KL-TTr", ["VTLT"], 1),
    ("29/QĐ-SNV", "XBQ", "kiem_tra", "Kiểm tra công vụ và việc quản lý cán bộ, công chức tại UBND xã Bắc Quang", D(2025, 10, 6), D(2025, 10, 31), D(2025, 11, 20), "31/KL-SNV", ["CBCCVC"], None),
    ("12/QĐ-SNV", "TTBTXH", "kiem_tra", "Kiểm tra việc thực hiện quy định về quản lý viên chức tại Trung tâm Bảo trợ xã hội tỉnh", D(2024, 11, 18), D(2024, 12, 20), D(2025, 1, 20), "03/KL-SNV", ["CBCCVC"], None),
    ("15/QĐ-SNV", "SXD", "kiem_tra", "Kiểm tra công tác cải cách hành chính và việc chi trả phụ cấp tại Sở Xây dựng", D(2025, 4, 14), D(2025, 5, 20), D(2025, 6, 30), "15/KL-SNV", ["CCHC"], 2),
    ("11/QĐ-TTr", "XMV", "thanh_tra", "Thanh tra việc quản lý, sử dụng tài sản công tại UBND xã Mèo Vạc", D(2025, 3, 3), D(2025, 4, 10), D(2025, 5, 15), "11/KL-TTr", ["CQDP"], None),
]  # fmt: skip
# decision, unit, type, title, amount, area, persons, due, state, closed on
CASES = [
    ("41/QĐ-TTr", "TTLT", CaseType.RECOVERY_LAND, "Thu hồi diện tích đất sử dụng sai mục đích", None, Decimal("1200.00"), None, D(2025, 9, 30), CaseState.OPEN, None),
    ("41/QĐ-TTr", "TTLT", CaseType.RECOVERY, "Thu hồi số tiền mua sắm thiết bị số hóa vượt dự toán", Decimal("35000000"), None, None, D(2026, 3, 31), CaseState.OPEN, None),
    ("41/QĐ-TTr", "TTLT", CaseType.DISCIPLINE, "Xử lý kỷ luật cá nhân để sử dụng đất sai mục đích", None, None, 2, D(2025, 7, 31), CaseState.ACCEPTED, D(2025, 7, 1)),
    ("41/QĐ-TTr", "TTLT", CaseType.REFERRAL, "Chuyển hồ sơ vụ việc nghiệm thu khống sang cơ quan điều tra", None, None, 1, D(2025, 6, 30), CaseState.ACCEPTED, D(2025, 6, 20)),
    ("29/QĐ-SNV", "XBQ", CaseType.DISCIPLINE, "Kiểm điểm, xử lý công chức vi phạm quy định về công vụ", None, None, 1, D(2025, 12, 5), CaseState.OPEN, None),
    ("29/QĐ-SNV", "XBQ", CaseType.ADMIN_HANDLING, "Kiểm điểm trách nhiệm tập thể lãnh đạo UBND xã", None, None, None, D(2026, 1, 30), CaseState.OPEN, None),
    # a conclusion fully implemented within the year
    ("12/QĐ-SNV", "TTBTXH", CaseType.ADMIN_HANDLING, "Kiểm điểm trách nhiệm tập thể Ban Giám đốc Trung tâm", None, None, None, D(2025, 4, 30), CaseState.ACCEPTED, D(2025, 4, 18)),
    ("12/QĐ-SNV", "TTBTXH", CaseType.DISCIPLINE, "Xử lý kỷ luật viên chức vi phạm quy định về chế độ làm việc", None, None, 1, D(2025, 5, 31), CaseState.ACCEPTED, D(2025, 5, 20)),
    ("15/QĐ-SNV", "SXD", CaseType.RECOVERY, "Thu hồi tiền phụ cấp chi sai chế độ", Decimal("18500000"), None, None, D(2025, 12, 31), CaseState.OPEN, None),
    ("15/QĐ-SNV", "SXD", CaseType.RECOVERY_LAND, "Thu hồi diện tích đất công cho thuê trái quy định", None, Decimal("450.00"), None, D(2025, 12, 31), CaseState.OPEN, None),
    ("15/QĐ-SNV", "SXD", CaseType.RECOVERY_ASSETS, "Thu hồi giá trị tài sản mua sắm không đúng quy định", Decimal("26000000"), None, None, D(2026, 3, 31), CaseState.OPEN, None),
    ("15/QĐ-SNV", "SXD", CaseType.REFERRAL, "Chuyển hồ sơ vụ việc lập khống chứng từ thanh toán sang cơ quan điều tra", None, None, 2, D(2025, 9, 30), CaseState.ACCEPTED, D(2025, 9, 15)),
    ("11/QĐ-TTr", "XMV", CaseType.RECOVERY_ASSETS, "Thu hồi giá trị tài sản công sử dụng sai mục đích", Decimal("60000000"), None, None, D(2025, 12, 31), CaseState.OPEN, None),
    ("11/QĐ-TTr", "XMV", CaseType.ADMIN_HANDLING, "Kiểm điểm trách nhiệm tập thể UBND xã trong quản lý tài sản công", None, None, None, D(2025, 10, 31), CaseState.OPEN, None),
]  # fmt: skip
# decision, case type, paid on, amount, area: partial payments (every recovery stays open)
PAYMENTS = [
    ("41/QĐ-TTr", CaseType.RECOVERY_LAND, D(2025, 6, 10), None, Decimal("800.00")),
    ("41/QĐ-TTr", CaseType.RECOVERY, D(2025, 8, 15), Decimal("20000000"), None),
    ("15/QĐ-SNV", CaseType.RECOVERY, D(2025, 9, 12), Decimal("5000000"), None),
    ("15/QĐ-SNV", CaseType.RECOVERY_LAND, D(2025, 11, 20), None, Decimal("150.00")),
    ("11/QĐ-TTr", CaseType.RECOVERY_ASSETS, D(2025, 11, 5), Decimal("15000000"), None),
]  # fmt: skip


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=clock.ZONE)


def _plan_items(units, users, fields) -> dict:
    """The 2025 plan's items of the planned history, by decision number (the plan drafted,
    submitted and approved the first time)."""
    planned = [h for h in HISTORY if h[9] is not None]
    plan = db.session.execute(select(Plan).where(Plan.title == PLAN_2025)).scalar_one_or_none()
    if plan is None:
        author = users["truongdoan"]
        plan = plan_ops.create_plan(
            author, {"year": 2025, "title": PLAN_2025, "issuing_unit_id": units["TTT"].id}
        )
        for _n, code, kind, title, *_dates, field_codes, quarter in planned:
            plan_ops.add_item(
                author,
                plan,
                {
                    "target_unit_id": units[code].id,
                    "field_ids": [fields[c].id for c in field_codes],
                    "kind": kind,
                    "period_kind": "quarter",
                    "period": quarter,
                    "lead_id": author.id,
                    "content": title + ".",
                },
            )
        plan_ops.submit(author, plan)
        plan_ops.approve(users["chanhthanhtra"], plan)
    items = {(i.target_unit_id, i.kind.value): i for i in plan.items}
    return {h[0]: items.get((units[h[1]].id, h[2])) for h in planned}


def seed(units: dict, users: dict) -> None:
    """The 2025 history and the 2025 annual report draft (skipped when the units, fields or
    users of the demo are missing)."""
    fields = {f.code: f for f in db.session.execute(select(FieldOfWork)).scalars()}
    if (
        any(h[1] not in units for h in HISTORY)
        or "TTT" not in units
        or any(c not in fields for h in HISTORY for c in h[8])
        or "chanhthanhtra" not in users
    ):
        return
    existing = set(db.session.execute(select(Inspection.decision_number)).scalars())
    lead, chief, clerk = users["truongdoan"], users["chanhthanhtra"], users.get("vanthu")
    items = _plan_items(units, users, fields)
    made = {}
    for number, code, kind, title, decided, ended, concluded, concl_no, field_codes, _q in HISTORY:
        if number in existing:
            continue
        planned = items.get(number)
        inspection = Inspection(
            kind=ActivityKind(kind),
            issuing_body=issuing_body_for(ActivityKind(kind)),  # a check: Sở Nội vụ's
            title=title,
            plan_item=planned,
            ad_hoc_reason=None if planned else "Theo chỉ đạo của Chủ tịch UBND tỉnh",
            decision_number=number,
            decision_date=decided,
            target_unit=units[code],
            lead=lead,
            fields=[fields[c] for c in field_codes],
            start_date=decided,
            planned_end_date=ended,
            onsite_started_on=decided,
            onsite_ended_on=ended,
            reported_on=ended,
            conclusion_number=concl_no,
            conclusion_date=concluded,
            state=InspectionState.MONITORING,
            created_by_id=chief.id,
        )
        db.session.add(inspection)
        made[number] = inspection
    if not made:
        return
    db.session.flush()
    cases: dict[tuple[str, CaseType], Case] = {}
    for position, (number, code, ctype, title, amount, area, persons, due, state, closed) in enumerate(CASES, start=1):  # fmt: skip
        if number not in made:
            continue
        case = Case(
            inspection=made[number],
            number=position,
            type=ctype,
            title=title,
            legal_reference=legal_reference("Luật Thanh tra"),
            severity=Severity.HIGH,
            responsible_unit=units[code],
            required_action=title + " theo kết luận thanh tra.",
            amount_vnd=amount,
            area_m2=area,
            persons_count=persons,
            due_date=due,
            original_due_date=due,
            state=state,
            closed_at=_at(closed) if closed else None,
            created_by_id=lead.id,
        )
        db.session.add(case)
        cases[(number, ctype)] = case
    db.session.flush()
    for number, ctype, day, amount, area in PAYMENTS:
        if (number, ctype) in cases:
            db.session.add(
                RecoveryPayment(
                    case_id=cases[(number, ctype)].id,
                    paid_on=day,
                    amount_vnd=amount,
                    area_m2=area,
                    document_number=f"BL-{day:%d%m}/2025",
                    recorded_by_id=lead.id,
                    recorded_at=_at(day),
                    verified_by_id=users["truongdoan2"].id,
                    verified_at=_at(day),
                )  # fmt: skip
            )
    db.session.flush()
    land = cases.get(("41/QĐ-TTr", CaseType.RECOVERY_LAND))
    if land is not None and clerk is not None:
        with clock.frozen(D(2025, 10, 8)):  # the land is overdue: an urging letter, then a check
            drafted = doc_ops.create_urging_letters([land.id], D(2025, 10, 8))
            letter = db.session.get(doc_ops.Document, drafted[land.id])
            doc_ops.sign(chief, letter, letter.version)
            doc_ops.register(clerk, letter, letter.version)
        with clock.frozen(D(2025, 11, 3)):
            check = create_check(
                lead, made["41/QĐ-TTr"], [land.id], lead.id, [], D(2025, 11, 10), D(2025, 11, 14)
            )
            doc_ops.sign(chief, check.document, check.document.version)
            doc_ops.register(clerk, check.document, check.document.version)
    # In 2026 the open cases were given new deadlines (their deadline at the 2025 cut-off is
    # read back from these changes): they stay off today's escalation ladder. Each change of
    # a signed conclusion's deadline carries its deciding document.
    with clock.frozen(D(2026, 1, 15)):
        for case in cases.values():
            if case.state == CaseState.OPEN:
                doc = {
                    "doc_number": "06/QĐ-SNV" if case.inspection.is_check else "06/QĐ-TTr",
                    "doc_date": D(2026, 1, 15),
                    "doc_signer": "Bùi Thanh Sơn, Giám đốc Sở Nội vụ"
                    if case.inspection.is_check
                    else "Nguyễn Văn Hùng, Chánh Thanh tra tỉnh",
                }
                apply_deadline(
                    lead, case, D(2027, 6, 30), "Gia hạn theo đề nghị của đơn vị", doc=doc
                )
    db.session.flush()
    if operations.report_for("2025-Y") is None:
        operations.generate(chief, "2025-Y")
