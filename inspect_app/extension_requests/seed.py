"""Demo data of extension requests: one approved (on an archive centre case) and one pending,
asked by the Home Affairs deputy on behalf of the Director. Runs after the cases and deputies
seeders and before the escalation sweep; a case that already has a request is left alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.extension_requests import operations
from inspect_app.extension_requests.models import ExtensionRequest
from inspect_app.extensions import db
from inspect_app.reference.calendar import time_limit_end

APPROVED = (
    "Bảo đảm an toàn kho lưu trữ",
    "giamdoc.ttlt",
    30,
    "Đang chờ kinh phí mua sắm thiết bị phòng cháy, chữa cháy được phê duyệt.",
    "Có văn bản của Sở Tài chính về việc bố trí kinh phí; đồng ý gia hạn một lần.",
)
PENDING = (
    "Ban hành quy chế làm việc sau sắp xếp tổ chức bộ máy",
    "phogiamdoc.snv",
    45,
    "Chờ quyết định quy định chức năng, nhiệm vụ mới của Sở sau sắp xếp.",
)


def _open_case(title: str) -> Case | None:
    case = db.session.execute(
        select(Case).where(Case.title == title, Case.state == CaseState.OPEN).limit(1)
    ).scalar_one_or_none()
    if case is None:
        return None
    has_request = db.session.execute(
        select(ExtensionRequest.id).where(ExtensionRequest.case_id == case.id)
    ).first()
    return None if has_request else case


def seed(units: dict, users: dict) -> None:
    """Create the demo requests if missing."""
    title, username, days, reason, decision = APPROVED
    case = _open_case(title)
    signed = case is not None and case.inspection.conclusion_date
    # Approved with its deciding document, which cannot predate the conclusion (a demo seeded
    # "before" the conclusion's date leaves the request out).
    if case is not None and username in users and not (signed and signed > clock.today()):
        # Past today, so that the demo shows a case the extension took out of overdue; a
        # working day, as a unit would ask (a day off would be moved on approval, Civil Code
        # Art. 148(5), and the demo's asked and approved dates would differ for no reason).
        new_date = time_limit_end(max(case.due_date, clock.today()) + timedelta(days=days)).day
        ext = operations.request_extension(users[username], case, new_date, reason, case.version)
        # The conclusion is signed: the approval carries the written agreement of whoever
        # issued it (its deciding document): Home Affairs for a check, else the Inspectorate.
        number, signer = ("112/TTr-NV", "Lương Văn Đức, Phó Chánh Thanh tra tỉnh")
        if case.inspection.is_check:
            number, signer = ("112/SNV-TTr", "Bùi Thanh Sơn, Giám đốc Sở Nội vụ")
        doc = {"doc_number": number, "doc_date": clock.today(), "doc_signer": signer}
        operations.approve(case.inspection.lead, ext, decision, ext.version, doc)
    title, username, days, reason = PENDING
    case = _open_case(title)
    if case is not None and username in users:
        operations.request_extension(
            users[username], case, case.due_date + timedelta(days=days), reason, case.version
        )
