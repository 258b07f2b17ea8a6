"""Demo data of the cases feature: cases (kiến nghị) on the concluded demo inspections.

Idempotent: a case is looked up by its inspection and title before it is created. Runs after
the inspections and findings seeders; without concluded inspections it creates nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from inspect_app.cases.models import Case, CaseState, CaseType
from inspect_app.core import audit, clock
from inspect_app.extensions import db
from inspect_app.inspections.models import CONCLUDED_STATES, Inspection
from inspect_app.reference.models import LegalReference, Severity

# (responsible unit code, type, severity, title, required action, amount, due date, state,
#  legal basis (instrument contains, article))
CASES = [
    ("SNV", CaseType.DISCIPLINE, Severity.HIGH, "Kiểm điểm trách nhiệm trong tuyển dụng công chức năm 2024", "Tổ chức kiểm điểm tập thể, cá nhân có liên quan đến sai phạm trong tuyển dụng; xem xét xử lý kỷ luật theo quy định.", None, date(2026, 9, 30), CaseState.OPEN, ("Nghị định số 112/2020", None)),
    ("SNV", CaseType.OTHER, Severity.MEDIUM, "Ban hành quy chế làm việc sau sắp xếp tổ chức bộ máy", "Xây dựng, ban hành quy chế làm việc của cơ quan và gửi Thanh tra tỉnh.", None, date(2026, 12, 20), CaseState.OPEN, ("Nghị định số 30/2020", None)),
    ("SYT", CaseType.RECOVERY, Severity.SERIOUS, "Thu hồi phụ cấp trách nhiệm chi sai đối tượng", "Thu hồi nộp ngân sách nhà nước số tiền chi phụ cấp không đúng đối tượng.", Decimal("42500000"), date(2026, 10, 15), CaseState.OPEN, ("Luật Thanh tra số 84/2025", "53")),
    ("SYT", CaseType.OTHER, Severity.LOW, "Chấn chỉnh công tác văn thư, theo dõi văn bản đến", "Ghi chép đầy đủ sổ theo dõi văn bản đến; rà soát văn bản xử lý quá hạn.", None, date(2027, 1, 31), CaseState.ANSWERED, ("Nghị định số 30/2020", None)),
    ("XBQ", CaseType.RECOVERY, Severity.HIGH, "Thu hồi kinh phí hỗ trợ chi sai quy định", "Thu hồi, nộp lại ngân sách nhà nước khoản kinh phí hỗ trợ chi không đúng quy định.", Decimal("118750000"), date(2026, 9, 30), CaseState.OPEN, ("Luật Thanh tra số 84/2025", "55")),
    ("XBQ", CaseType.OTHER, Severity.MEDIUM, "Niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa", "Niêm yết đầy đủ, đúng quy định các thủ tục hành chính lĩnh vực nội vụ.", None, date(2026, 12, 20), CaseState.ACCEPTED, ("Nghị định số 30/2020", None)),
    ("PHG", CaseType.ADMIN_HANDLING, Severity.MEDIUM, "Xử lý trách nhiệm tổ chức để hồ sơ cán bộ thất lạc", "Xem xét trách nhiệm tập thể lãnh đạo; khôi phục, bổ sung hồ sơ cán bộ bị thất lạc.", None, date(2026, 10, 15), CaseState.ANSWERED, ("Luật Cán bộ, công chức", "80")),
    ("PHG", CaseType.OTHER, Severity.LOW, "Sửa đổi quy chế chi tiêu nội bộ", "Rà soát, sửa đổi quy chế chi tiêu nội bộ cho phù hợp quy định hiện hành.", None, date(2027, 1, 31), CaseState.WITHDRAWN, ("Nghị định số 138/2020", None)),
    ("TTLT", CaseType.OTHER, Severity.HIGH, "Bảo đảm an toàn kho lưu trữ", "Trang bị thiết bị phòng cháy, chữa cháy; sắp xếp tài liệu lên giá, chống ẩm mốc.", None, date(2026, 9, 30), CaseState.OPEN, ("Luật Lưu trữ", None)),
    ("TTLT", CaseType.RECOVERY, Severity.MEDIUM, "Thu hồi tiền chỉnh lý tài liệu nghiệm thu sai khối lượng", "Thu hồi số tiền thanh toán vượt khối lượng chỉnh lý tài liệu thực tế.", Decimal("27300000"), date(2027, 1, 31), CaseState.OPEN, ("Luật Lưu trữ", None)),
]  # fmt: skip


# Cases of the year before, on the history inspections (decision number): (decision, unit code,
# type, severity, title, required action, amount, due date, state, closed on, legal basis).
HISTORY_CASES = [
    ("08/QĐ-TTr", "SYT", CaseType.OTHER, Severity.MEDIUM, "Lập dự toán mua sắm theo giá thị trường", "Chấn chỉnh việc lập dự toán; thẩm định giá trước khi mua sắm trang thiết bị.", None, date(2025, 9, 30), CaseState.ACCEPTED, date(2025, 9, 22), ("Nghị định số 30/2020", None)),
    ("08/QĐ-TTr", "SYT", CaseType.RECOVERY, Severity.HIGH, "Thu hồi chênh lệch giá gói thầu thiết bị xét nghiệm", "Thu hồi nộp ngân sách nhà nước khoản chênh lệch giá gói thầu.", Decimal("186000000"), date(2025, 8, 29), CaseState.ACCEPTED, date(2025, 10, 17), ("Luật Thanh tra số 84/2025", "53")),
    ("17/QĐ-TTr", "STC", CaseType.OTHER, Severity.MEDIUM, "Cập nhật tài sản công vào cơ sở dữ liệu quốc gia", "Rà soát, cập nhật đầy đủ tài sản công của các cơ quan sau sắp xếp.", None, date(2025, 10, 31), CaseState.ACCEPTED, date(2025, 10, 28), ("Nghị định số 30/2020", None)),
    ("17/QĐ-TTr", "STC", CaseType.OTHER, Severity.HIGH, "Phương án xử lý trụ sở dôi dư sau sắp xếp", "Trình UBND tỉnh phương án sắp xếp, xử lý các trụ sở làm việc dôi dư.", None, date(2025, 12, 31), CaseState.OPEN, None, ("Luật Thanh tra số 84/2025", "55")),
    ("26/QĐ-SNV", "PMX", CaseType.OTHER, Severity.LOW, "Xin lỗi người dân khi trả kết quả trễ hạn", "Gửi văn bản xin lỗi đối với các hồ sơ trả kết quả trễ hạn theo quy định.", None, date(2026, 2, 27), CaseState.ACCEPTED, date(2026, 4, 10), ("Nghị định số 30/2020", None)),
    ("26/QĐ-SNV", "PMX", CaseType.ADMIN_HANDLING, Severity.MEDIUM, "Kiểm điểm công chức để hồ sơ quá hạn", "Tổ chức kiểm điểm trách nhiệm công chức tiếp nhận hồ sơ để quá hạn.", None, date(2026, 3, 31), CaseState.ACCEPTED, date(2026, 3, 20), ("Luật Cán bộ, công chức", "80")),
]  # fmt: skip


def legal_reference(instrument: str | None = None, article: str | None = None):
    """The first active legal reference whose instrument contains `instrument` (with that
    article if given); the first active one when none matches (also used by the documents'
    seeder)."""
    first_active = (
        select(LegalReference)
        .where(LegalReference.active.is_(True))
        .order_by(LegalReference.id)
        .limit(1)
    )
    if instrument:
        stmt = first_active.where(LegalReference.instrument.contains(instrument))
        if article:
            stmt = stmt.where(LegalReference.article == article)
        ref = db.session.execute(stmt).scalar_one_or_none()
        if ref is not None:
            return ref
    return db.session.execute(first_active).scalar_one_or_none()


def _pick_inspection(inspections: list[Inspection], unit, index: int) -> Inspection:
    """An inspection of that unit if there is one; otherwise one in turn."""
    for inspection in inspections:
        if inspection.target_unit_id == unit.id:
            return inspection
    return inspections[index % len(inspections)]


def recommendation(unit, ref, kind, severity, title, action, amount, due) -> dict:
    """The case fields a demo row gives: what is recommended, on which basis, to whom, by when
    (also used by the documents' seeder)."""
    return {
        "type": kind,
        "title": title,
        "legal_reference": ref,
        "severity": severity,
        "responsible_unit": unit,
        "required_action": action,
        "amount_vnd": amount,
        "due_date": due,
    }


def add_case(inspection: Inspection, **fields) -> Case:
    """Add a demo case to `inspection` under its next number, created by its team lead and
    recorded in the audit trail (also used by the documents' seeder)."""
    number = (
        db.session.execute(
            select(func.max(Case.number)).where(Case.inspection_id == inspection.id)
        ).scalar_one()
        or 0
    ) + 1
    case = Case(inspection=inspection, number=number, created_by_id=inspection.lead_id, **fields)
    db.session.add(case)
    db.session.flush()
    # On its timeline the case dates from its inspection's conclusion, not from the seeding.
    made = inspection.conclusion_date or inspection.reported_on or clock.today()
    with clock.frozen(min(made, clock.today())):
        audit.record(
            inspection.lead,
            case,
            "case_created",
            after=audit.snapshot(case, ("number", "type", "title", "due_date", "state")),
            note="Dữ liệu mẫu",
        )
    return case


def seed(units: dict, users: dict) -> None:
    """Create the demo records of this feature if they are missing (the history too)."""
    seed_history(units, users)
    inspections = list(
        db.session.execute(
            select(Inspection)
            .where(Inspection.state.in_(CONCLUDED_STATES))
            .options(selectinload(Inspection.findings))
            .order_by(Inspection.id)
        ).scalars()
    )
    inspections = [i for i in inspections if i.findings]
    if not inspections:
        return
    for index, spec in enumerate(CASES):
        code, kind, severity, title, action, amount, due, state, (instrument, article) = spec
        unit = units.get(code)
        ref = legal_reference(instrument, article)
        if unit is None or ref is None:
            continue
        # Looked up by unit and title: the inspection picked may differ from one run to the next.
        if db.session.execute(
            select(Case.id).where(Case.responsible_unit_id == unit.id, Case.title == title)
        ).first():
            continue
        inspection = _pick_inspection(inspections, unit, index)
        original = due
        reason = None
        if index % 4 == 1:  # some cases had their deadline moved, with the reason shown
            original = due - timedelta(days=30)
            reason = "Đơn vị đề nghị gia hạn do khối lượng hồ sơ lớn, được Trưởng đoàn chấp thuận."
        add_case(
            inspection,
            **recommendation(unit, ref, kind, severity, title, action, amount, due),
            original_due_date=original,
            due_change_reason=reason,
            state=state,
            withdrawn_reason=(
                "Đơn vị đã khắc phục trước khi ban hành kết luận; kiến nghị không còn cần thiết."
                if state == CaseState.WITHDRAWN
                else None
            ),
            closed_at=clock.now() if state in (CaseState.ACCEPTED, CaseState.WITHDRAWN) else None,
            findings=_related(inspection.findings, f"{title} {action}"),
        )


def _words(text: str) -> set[str]:
    return {w for w in text.lower().replace(",", " ").replace(".", " ").split() if len(w) > 2}


def _related(findings: list, text: str) -> list:
    """The one or two findings of the inspection that share words with the case's title and
    required action (a records case cites the records finding); else its first finding."""
    wanted = _words(text)
    scored = sorted(
        ((len(_words(f.description) & wanted), f) for f in findings), key=lambda p: -p[0]
    )
    close = [f for score, f in scored[:2] if score >= 3]
    return close or [scored[0][1]]


def _local_noon(day: date):
    return datetime.combine(day, time(12), tzinfo=clock.ZONE)


def seed_history(units: dict, users: dict) -> None:
    """The cases of the year before, with the dates they were issued and closed (analytics and
    periodic reports count them by those dates). Idempotent by inspection and title."""
    for (
        number,
        code,
        kind,
        severity,
        title,
        action,
        amount,
        due,
        state,
        closed,
        basis,
    ) in HISTORY_CASES:
        inspection = db.session.execute(
            select(Inspection).where(Inspection.decision_number == number)
        ).scalar_one_or_none()
        unit, ref = units.get(code), legal_reference(*basis)
        if inspection is None or unit is None or ref is None:
            continue
        if db.session.execute(
            select(Case.id).where(Case.inspection_id == inspection.id, Case.title == title)
        ).first():
            continue
        case = add_case(
            inspection,
            **recommendation(unit, ref, kind, severity, title, action, amount, due),
            original_due_date=due,
            state=state,
            closed_at=_local_noon(closed) if closed else None,
        )
        case.created_at = _local_noon(inspection.conclusion_date)
