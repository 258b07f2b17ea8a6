"""Demo data of the answers feature: every answered or accepted demo case has the unit's final
answer, and one case shows an answer the team did not accept (with its reason).

Runs after the cases seeder, through the same operations as the pages (audit trail and
notifications included). Idempotent: a case that has a final answer is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select

from inspect_app.answers import operations
from inspect_app.answers.models import AnswerKind, CaseAnswer
from inspect_app.auth.models import User
from inspect_app.cases import operations as case_operations
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.extensions import db

ANSWER_TEXT = (
    "Đơn vị đã tổ chức thực hiện kiến nghị: {action} Kèm theo báo cáo là các văn bản, hồ sơ "
    "chứng minh kết quả thực hiện."
)
# The case whose answer the team sends back, and why (shown first on its leader's home).
REJECTED = (
    "Ban hành quy chế làm việc sau sắp xếp tổ chức bộ máy",
    "Quy chế mới gửi kèm là bản dự thảo, chưa có quyết định ban hành của Giám đốc Sở; đề nghị "
    "gửi bản đã ký ban hành.",
)


def _leader(case: Case) -> User | None:
    return db.session.execute(
        select(User)
        .where(
            User.role == Role.UNIT_LEADER,
            User.unit_id == case.responsible_unit_id,
            User.active.is_(True),
        )
        .order_by(User.id)
        .limit(1)
    ).scalar_one_or_none()


def _answer(case: Case, leader: User) -> None:
    """The leader's final answer on `case` (opened again for the moment it is written)."""
    case.state = CaseState.OPEN
    db.session.flush()
    operations.submit_final_answer(
        leader,
        case,
        {
            "text": ANSWER_TEXT.format(action=case.required_action),
            "completion_date": min(
                clock.today(), case.due_date, clock.local(case.closed_at or clock.now()).date()
            )
            - timedelta(days=3),
            "version": case.version,
        },
    )


def seed(units: dict, users: dict) -> None:
    """Final answers for the answered and accepted demo cases, and one rejected answer."""
    answered = exists().where(CaseAnswer.case_id == Case.id, CaseAnswer.kind == AnswerKind.FINAL)
    cases = db.session.execute(
        select(Case)
        .where(Case.state.in_((CaseState.ANSWERED, CaseState.ACCEPTED)), ~answered)
        .order_by(Case.id)
    ).scalars()
    for case in list(cases):
        leader = _leader(case)
        if leader is None:
            continue
        accepted, closed = case.state == CaseState.ACCEPTED, case.closed_at
        _answer(case, leader)
        if accepted:
            case_operations.accept(
                case.inspection.lead, case, case.version, "Đã kiểm tra, xác nhận tại đơn vị."
            )
            case.closed_at = closed or case.closed_at  # a case of the history keeps its day
    title, reason = REJECTED
    case = db.session.execute(
        select(Case).where(Case.title == title, Case.state == CaseState.OPEN, ~answered)
    ).scalar_one_or_none()
    leader = case and _leader(case)
    if leader is not None:
        _answer(case, leader)
        case_operations.reject(case.inspection.lead, case, reason, case.version)
    db.session.flush()
