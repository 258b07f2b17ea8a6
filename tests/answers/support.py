"""The answers tests' world: a concluded inspection, its unit's people, one open case; and
the forms and reads the tests share."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select

from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.deputies.models import Delegation
from inspect_app.extensions import db as _db
from inspect_app.notifications.models import Notification
from inspect_app.units.models import UnitKind
from tests import factories as f

TODAY = date(2026, 10, 1)  # a Thursday
PDF, EXE, png_bytes = f.PDF, f.EXE, f.png_bytes


def build_world() -> dict:
    """A concluded inspection (lead + member) whose target unit has a leader, a parent unit's
    leader, a deputy from another unit (delegation running today), and one open case."""
    clock.freeze(TODAY)
    parent = f.make_unit("Sở Nội vụ")
    target = f.make_unit("Trung tâm Lưu trữ lịch sử", kind=UnitKind.SERVICE_UNIT, parent=parent)
    other = f.make_unit("Sở Y tế")
    people = {
        "admin": f.make_user(Role.ADMIN),
        "lead": f.make_user(Role.LEAD_INSPECTOR, full_name="Trưởng đoàn Lê Văn A"),
        "member": f.make_user(Role.INSPECTOR, full_name="Thành viên Trần B"),
        "outsider": f.make_user(Role.INSPECTOR),
        "leadership": f.make_user(Role.LEADERSHIP),
        "leader": f.make_user(Role.UNIT_LEADER, unit=target, full_name="Giám đốc Nguyễn Thị C"),
        "parent_leader": f.make_user(Role.UNIT_LEADER, unit=parent),
        "other_leader": f.make_user(Role.UNIT_LEADER, unit=other),
        "deputy": f.make_user(Role.UNIT_LEADER, unit=other, full_name="Phó phòng Phạm D"),
    }
    _db.session.add(
        Delegation(
            principal=people["leader"],
            deputy=people["deputy"],
            unit=target,
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 12, 31),
            reason="Nghỉ phép",
        )
    )
    inspection = f.make_inspection(
        state="monitoring",
        target_unit=target,
        lead=people["lead"],
        members=[people["member"]],
    )
    finding = f.make_finding(inspection, description="Hồ sơ lưu trữ không đầy đủ")
    ref = f.make_legal_reference(instrument="Luật Lưu trữ 2024", article="10")
    case = f.make_case(
        inspection,
        due=date(2026, 10, 30),
        title="Chỉnh lý hồ sơ lưu trữ",
        legal_reference=ref,
        required_action="Chỉnh lý toàn bộ hồ sơ tồn đọng",
    )
    case.findings = [finding]
    _db.session.commit()
    return {
        "people": people,
        "inspection": inspection,
        "finding": finding,
        "ref": ref,
        "case": case,
        "target": target,
        "other": other,
    }


def answered(world):
    """The case with a final answer by the unit's leader, committed."""
    case = world["case"]
    f.make_case_answer(case, world["people"]["leader"])
    case.state = CaseState.ANSWERED
    _db.session.commit()
    return case


def answer_form(version, text="Đã chỉnh lý 1.200 hồ sơ", completion="2026-09-30", files=(), **kw):
    data = {"text": text, "version": str(version), **kw}
    if completion is not None:
        data["completion_date"] = completion
    if files:
        data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return data


def post_answer(client, case_id, data, kind="answer"):
    return client.post(f"/cases/{case_id}/{kind}", data=data, content_type="multipart/form-data")


def notes(user, kind=None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(_db.session.execute(stmt.order_by(Notification.id)).scalars())


def reload(case) -> Case:
    _db.session.expire_all()
    return _db.session.get(Case, case.id)
