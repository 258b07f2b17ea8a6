"""Demo data of the official documents: cases at each escalation level (before the sweep), then
(after the sweep) one issued report to the People's Committee and one issued urging letter; the
sweep itself drafts the other urging letters.

Idempotent: cases are looked up by title; a report or urging letter is issued only if none of
that type has been issued this year, a letter is signed for the clerk only if none is waiting.
"""

from __future__ import annotations

from sqlalchemy import select

from inspect_app.cases.models import Case, CaseState, CaseType
from inspect_app.cases.seed import add_case, legal_reference, recommendation
from inspect_app.core import clock
from inspect_app.extensions import db
from inspect_app.inspections.models import CONCLUDED_STATES, Inspection
from inspect_app.reference.calendar import add_working_days, is_working_day
from inspect_app.reference.models import Severity
from inspect_app.reports import operations
from inspect_app.reports.models import Document, DocumentKind, DocumentState

# (unit code, working days overdue today, title, required action): levels 1, 2 and 3 whatever
# the day the demo is seeded.
OVERDUE_CASES = [
    ("XDV", 3, "Cập nhật cơ sở dữ liệu cán bộ, công chức cấp xã",
     "Rà soát, cập nhật đầy đủ thông tin cán bộ, công chức vào cơ sở dữ liệu quốc gia."),
    ("SVHTTDL", 8, "Chấn chỉnh việc xét tặng danh hiệu thi đua",
     "Rà soát hồ sơ khen thưởng; thu hồi danh hiệu xét tặng không đúng tiêu chuẩn."),
    ("XMV", 20, "Bổ nhiệm lại công chức lãnh đạo đúng quy trình",
     "Hủy bỏ quyết định bổ nhiệm không đúng quy trình; thực hiện lại theo quy định."),
]  # fmt: skip

# Cases that reach level 3 after the demo's report was issued: a new report to the Chairman
# has them (unit code, working days overdue today, title, required action).
AFTER_REPORT_CASES = [
    ("SGDDT", 22, "Chi trả đủ phụ cấp ưu đãi cho giáo viên vùng đặc biệt khó khăn",
     "Rà soát, chi trả bổ sung phụ cấp ưu đãi còn thiếu cho giáo viên các xã vùng đặc biệt khó khăn."),
    ("XDV", 25, "Công khai kết quả tuyển dụng công chức cấp xã",
     "Niêm yết công khai kết quả tuyển dụng tại trụ sở và trên trang thông tin điện tử của xã."),
]  # fmt: skip

REPORT_SUMMARY = (
    "Trong kỳ, các đơn vị cơ bản thực hiện kiến nghị thanh tra đúng thời hạn; tuy nhiên một số "
    "đơn vị chưa thực hiện dứt điểm dù đã được đôn đốc bằng văn bản.\n\n"
    "Thanh tra tỉnh đề nghị Chủ tịch Ủy ban nhân dân tỉnh chỉ đạo các đơn vị có kiến nghị quá "
    "hạn nghiêm trọng khẩn trương khắc phục và báo cáo kết quả."
)


def seed_overdue_cases(units: dict, users: dict, cases=OVERDUE_CASES) -> None:
    """Before the sweep: cases 3, 8 and 20 working days overdue today (levels 1, 2, 3)."""
    inspection = db.session.execute(
        select(Inspection)
        .where(Inspection.state.in_(CONCLUDED_STATES))
        .order_by(Inspection.id)
        .limit(1)
    ).scalar_one_or_none()
    reference = legal_reference()
    if inspection is None or reference is None:
        return
    today = clock.today()
    last_working = today if is_working_day(today) else add_working_days(today, -1)
    for code, days, title, action in cases:
        unit = units.get(code)
        if unit is None or db.session.execute(select(Case.id).where(Case.title == title)).first():
            continue
        due = add_working_days(last_working, -days)
        add_case(
            inspection,
            **recommendation(
                unit, reference, CaseType.OTHER, Severity.HIGH, title, action, None, due
            ),
            original_due_date=due,
            state=CaseState.OPEN,
        )


def _issued_this_year(kind: DocumentKind) -> bool:
    return bool(
        db.session.execute(
            select(Document.id).where(
                Document.kind == kind,
                Document.state == DocumentState.ISSUED,
                Document.year == clock.today().year,
            )
        ).first()
    )


def _sign_and_register(chief, clerk, doc: Document) -> None:
    operations.sign(chief, doc, doc.version)
    operations.register(clerk, doc, doc.version)


def _draft_letter() -> Document | None:
    """The first draft urging letter of an open case still at the deadline it was drafted for."""
    return db.session.execute(
        select(Document)
        .join(Case, Case.id == Document.case_id)
        .where(
            Document.kind == DocumentKind.URGING,
            Document.state == DocumentState.DRAFT,
            Case.state == CaseState.OPEN,
            Case.due_date == Document.due_date,
        )
        .order_by(Document.id)
        .limit(1)
    ).scalar_one_or_none()


def _signed_waiting() -> bool:
    return bool(
        db.session.execute(
            select(Document.id).where(Document.state == DocumentState.SIGNED).limit(1)
        ).first()
    )


def _clerk(users: dict):
    """The clerk who registers the demo's documents (an administrator if the demo has none)."""
    for user in users.values():
        if Document.may_register(user) and user.role.value != "admin":
            return user
    return users.get("admin")


def seed(units: dict, users: dict) -> None:
    """After the sweep: sign and register the previous month's report and one urging letter,
    and sign a second letter the clerk has still to register."""
    chief, clerk = users.get("chanhthanhtra"), _clerk(users)
    if chief is None or clerk is None:
        return
    if not _issued_this_year(DocumentKind.URGING):
        letter = _draft_letter()
        if letter is not None:
            _sign_and_register(chief, clerk, letter)
    if not _signed_waiting():  # the clerk's first task: a signed letter to register
        letter = _draft_letter()
        if letter is not None:
            operations.sign(chief, letter, letter.version)
    if not _issued_this_year(DocumentKind.REPORT):
        doc, _outcome = operations.monthly_report_draft(clock.today())
        if doc is not None and not doc.is_issued:
            operations.update_draft(chief, doc, {"body": REPORT_SUMMARY}, doc.version)
            _sign_and_register(chief, clerk, doc)
    db.session.commit()


def seed_after_report(units: dict, users: dict) -> None:
    """After the issued report: more cases past level 3 (the next sweep takes them there), so
    a fresh demo can draft and issue a new report to the Chairman with cases in it."""
    seed_overdue_cases(units, users, AFTER_REPORT_CASES)
