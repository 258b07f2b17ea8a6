"""Demo data of the plans feature (idempotent): an approved 2026 plan and a 2027 draft."""

from __future__ import annotations

from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.plans import operations
from inspect_app.plans.models import Plan
from inspect_app.reference.models import FieldOfWork

# (unit code, field codes, kind, period kind, period, lead username, content[, justification])
ITEMS_2026 = [
    (
        "SNV",
        ["CBCCVC", "TCBM"],
        "thanh_tra",
        "quarter",
        1,
        "truongdoan",
        "Thanh tra công tác tuyển dụng, sử dụng và quản lý công chức, viên chức.",
    ),
    (
        "SYT",
        ["CBCCVC"],
        "thanh_tra",
        "quarter",
        2,
        "truongdoan",
        "Thanh tra việc tuyển dụng viên chức tại các đơn vị sự nghiệp y tế.",
    ),
    (
        "XBQ",
        ["CQDP", "CCHC"],
        "kiem_tra",
        "month",
        4,
        "truongdoan2",
        "Kiểm tra công tác cải cách hành chính và hoạt động của chính quyền địa phương.",
    ),
    (
        "PHG",
        ["CCHC"],
        "kiem_tra",
        "month",
        5,
        "thanhtra3",
        "Kiểm tra công vụ và việc giải quyết thủ tục hành chính.",
    ),
    (
        "TTLT",
        ["VTLT"],
        "kiem_tra",
        "quarter",
        3,
        "truongdoan2",
        "Kiểm tra công tác văn thư, lưu trữ và số hóa tài liệu lưu trữ.",
    ),
    (
        "SGDDT",
        ["CBCCVC", "TDKT"],
        "thanh_tra",
        "quarter",
        3,
        "truongdoan",
        "Thanh tra việc thực hiện chế độ, chính sách đối với viên chức ngành giáo dục.",
    ),
    (
        "TTDVVL",
        ["VL", "BHXH"],
        "kiem_tra",
        "month",
        9,
        "thanhtra1",
        "Kiểm tra việc thực hiện chính sách việc làm và bảo hiểm thất nghiệp.",
    ),
    (
        "SCT",
        ["ATVSLD", "LDTL"],
        "thanh_tra",
        "quarter",
        4,
        "truongdoan",
        "Thanh tra việc chấp hành pháp luật về lao động, tiền lương và an toàn lao động.",
    ),
]
ITEMS_2027 = [
    (
        "SNV",
        ["CCHC"],
        "thanh_tra",
        "quarter",
        1,
        "truongdoan",
        "Thanh tra việc thực hiện nhiệm vụ cải cách hành chính của Sở Nội vụ.",
    ),
    (
        "XDV",
        ["CQDP", "DGHC"],
        "kiem_tra",
        "month",
        3,
        "truongdoan2",
        "Kiểm tra tổ chức và hoạt động của chính quyền xã sau sắp xếp.",
    ),
    (
        "TTBTXH",
        ["NCC", "BDG"],
        "kiem_tra",
        "quarter",
        2,
        "thanhtra2",
        "Kiểm tra việc thực hiện chính sách đối với người có công và bình đẳng giới.",
    ),
    (
        "SNV",
        ["CCHC", "CBCCVC"],
        "kiem_tra",
        "quarter",
        4,
        "truongdoan2",
        "Kiểm tra việc khắc phục tồn tại về cải cách hành chính sau thanh tra quý I.",
        "Theo chỉ đạo của Chủ tịch UBND tỉnh: kiểm tra lại việc khắc phục các tồn tại phát hiện "
        "qua thanh tra quý I, không trùng nội dung về tuyển dụng.",
    ),
]

TITLE_2026 = "Kế hoạch thanh tra, kiểm tra năm 2026 của Thanh tra tỉnh"
TITLE_2027 = "Kế hoạch thanh tra, kiểm tra năm 2027 của Thanh tra tỉnh"


def _fields_by_code() -> dict[str, FieldOfWork]:
    return {f.code: f for f in db.session.execute(select(FieldOfWork)).scalars()}


def _ensure_plan(year: int, title: str, author, rows, units, fields, users) -> Plan | None:
    existing = db.session.execute(
        select(Plan).where(Plan.year == year, Plan.title == title)
    ).scalar_one_or_none()
    if existing is not None:
        return None
    plan = operations.create_plan(
        author, {"year": year, "title": title, "issuing_unit_id": units["TTT"].id}
    )
    for row in rows:
        code, field_codes, kind, period_kind, period, lead, content, *justification = row
        chosen = [fields[c].id for c in field_codes if c in fields]
        if not chosen:
            continue
        operations.add_item(
            author,
            plan,
            {
                "target_unit_id": units[code].id,
                "field_ids": chosen,
                "kind": kind,
                "period_kind": period_kind,
                "period": period,
                "lead_id": users[lead].id,
                "content": content,
                "overlap_justification": justification[0] if justification else None,
            },
        )
    return plan


def seed(units: dict, users: dict) -> None:
    """Create the demo plans if they are missing (needs the reference seed's fields)."""
    fields = _fields_by_code()
    if not fields or "TTT" not in units:
        return
    author = users["truongdoan"]
    plan = _ensure_plan(2026, TITLE_2026, author, ITEMS_2026, units, fields, users)
    if plan is not None and plan.items:
        operations.submit(author, plan)
        operations.approve(users["chanhthanhtra"], plan)
    _ensure_plan(2027, TITLE_2027, author, ITEMS_2027, units, fields, users)
    db.session.flush()
