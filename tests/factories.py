"""Small callables that make records for tests (no fixture per shape)."""

from __future__ import annotations

import functools
import io
import itertools

from PIL import Image
from werkzeug.datastructures import FileStorage

from inspect_app.auth.models import User
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from inspect_app.units.models import Unit, UnitKind

PASSWORD = "correct-horse-battery"

# Evidence files: a minimal PDF, a Windows executable's magic bytes, a small PNG.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 300


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def upload(data: bytes, name: str) -> FileStorage:
    """An uploaded file as a form would send it."""
    return FileStorage(stream=io.BytesIO(data), filename=name)


@functools.cache
def _password_hash() -> str:
    """scrypt is slow by design: test users get a cheap cost factor (production keeps the
    default), hashed once per run; the account pages' own tests still go through set_password."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="scrypt:1024:8:1")


_seq = itertools.count(1)


def make_unit(name: str | None = None, kind: UnitKind = UnitKind.DEPARTMENT, parent=None, **kw):
    n = next(_seq)
    unit = Unit(
        code=kw.pop("code", f"U{n}"),
        name=name or f"Đơn vị {n}",
        kind=kind,
        parent=parent,
        **kw,
    )
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(role: Role | str = Role.INSPECTOR, unit=None, **kw) -> User:
    role = Role(role)
    n = next(_seq)
    if role == Role.UNIT_LEADER and unit is None:
        unit = make_unit()
    user = User(
        username=kw.pop("username", f"{role.value}{n}"),
        full_name=kw.pop("full_name", f"Người dùng {n}"),
        role=role,
        unit=unit,
        active=kw.pop("active", True),
        locale=kw.pop("locale", "vi"),
        **kw,
    )
    user.password_hash = _password_hash()
    db.session.add(user)
    db.session.flush()
    return user


def make_field(name: str | None = None, code: str | None = None):
    from inspect_app.reference.models import FieldOfWork

    n = next(_seq)
    field = FieldOfWork(code=code or f"F{n}", name=name or f"Lĩnh vực {n}")
    db.session.add(field)
    db.session.flush()
    return field


def make_legal_reference(**kw):
    from inspect_app.reference.models import LegalReference

    n = next(_seq)
    ref = LegalReference(
        instrument=kw.pop("instrument", f"Luật Cán bộ, công chức số {n}"),
        article=kw.pop("article", str(n)),
        clause=kw.pop("clause", "1"),
        summary=kw.pop("summary", "Nội dung quy định"),
        **kw,
    )
    db.session.add(ref)
    db.session.flush()
    return ref


def make_plan(year: int = 2026, state: str = "draft", issuing_unit=None, **kw):
    from inspect_app.core import clock
    from inspect_app.plans.models import Plan, PlanState

    state = PlanState(state)
    actor = kw.pop("actor", None) or make_user(Role.LEAD_INSPECTOR)
    plan = Plan(
        year=year,
        title=kw.pop("title", f"Kế hoạch thanh tra năm {year}"),
        issuing_unit=issuing_unit or make_unit(kind=UnitKind.DEPARTMENT),
        state=state,
        created_by=actor,
        **kw,
    )
    if state != PlanState.DRAFT:
        plan.submitted_by, plan.submitted_at = actor, clock.now()
    if state == PlanState.APPROVED:
        plan.approved_by, plan.approved_at = make_user(Role.LEADERSHIP), clock.now()
    db.session.add(plan)
    db.session.flush()
    return plan


def make_plan_item(plan=None, target_unit=None, fields=(), **kw):
    from inspect_app.plans.models import PeriodKind, PlanItem
    from inspect_app.reference.models import ActivityKind

    item = PlanItem(
        plan=plan or make_plan(),
        target_unit=target_unit or make_unit(),
        kind=ActivityKind(kw.pop("kind", "thanh_tra")),
        period_kind=PeriodKind(kw.pop("period_kind", "quarter")),
        period=kw.pop("period", 2),
        fields=list(fields),
        **kw,
    )
    db.session.add(item)
    db.session.flush()
    return item


def make_inspection(state: str = "in_progress", target_unit=None, lead=None, members=(), **kw):
    from datetime import date, timedelta

    from inspect_app.inspections.models import CONCLUDED_STATES, Inspection, InspectionState
    from inspect_app.reference.models import ActivityKind

    state = InspectionState(state)
    start = kw.pop("start_date", date(2026, 3, 2))
    inspection = Inspection(
        kind=ActivityKind(kw.pop("kind", "thanh_tra")),
        title=kw.pop("title", "Thanh tra công tác tuyển dụng công chức"),
        ad_hoc_reason=kw.pop("ad_hoc_reason", "Theo chỉ đạo của Chủ tịch UBND tỉnh"),
        decision_number=kw.pop("decision_number", f"{next(_seq)}/QĐ-TTr"),
        decision_date=kw.pop("decision_date", start - timedelta(days=7)),
        target_unit=target_unit or make_unit(),
        lead=lead or make_user(Role.LEAD_INSPECTOR),
        members=list(members),
        start_date=start,
        planned_end_date=kw.pop("planned_end_date", start + timedelta(days=44)),
        state=state,
        **kw,
    )
    if state != InspectionState.PLANNED and inspection.onsite_started_on is None:
        inspection.onsite_started_on = start
    if state in CONCLUDED_STATES and inspection.conclusion_number is None:
        inspection.conclusion_number = f"{next(_seq)}/KL-TTr"
        inspection.conclusion_date = start + timedelta(days=90)
    db.session.add(inspection)
    db.session.flush()
    return inspection


def make_finding(inspection=None, author=None, **kw):
    from inspect_app.core import clock
    from inspect_app.findings.models import Finding
    from inspect_app.reference.models import Severity

    inspection = inspection or make_inspection()
    finding = Finding(
        inspection=inspection,
        author=author or inspection.lead,
        description=kw.pop("description", "Hồ sơ tuyển dụng thiếu văn bằng chứng chỉ"),
        observed_at=kw.pop("observed_at", clock.now()),
        severity=Severity(kw.pop("severity", "medium")),
        **kw,
    )
    db.session.add(finding)
    db.session.flush()
    return finding


def make_case(inspection=None, state: str = "open", due=None, **kw):
    from datetime import date

    from inspect_app.cases.models import Case, CaseState, CaseType
    from inspect_app.reference.models import Severity

    inspection = inspection or make_inspection(state="monitoring")
    due = due or date(2026, 9, 30)
    state = CaseState(state)
    case = Case(
        inspection=inspection,
        number=kw.pop("number", next(_seq)),
        type=CaseType(kw.pop("type", "other")),
        title=kw.pop("title", "Chấn chỉnh công tác tuyển dụng"),
        legal_reference=kw.pop("legal_reference", None) or make_legal_reference(),
        severity=Severity(kw.pop("severity", "medium")),
        responsible_unit=kw.pop("responsible_unit", None) or inspection.target_unit,
        required_action=kw.pop("required_action", "Rà soát, hoàn thiện hồ sơ"),
        due_date=due,
        original_due_date=kw.pop("original_due_date", due),
        state=state,
        withdrawn_reason=kw.pop(
            "withdrawn_reason", "Không còn căn cứ" if state == "withdrawn" else None
        ),
        **kw,
    )
    db.session.add(case)
    db.session.flush()
    return case


def make_case_answer(case, author, kind: str = "final", **kw):
    """An answer of the unit on `case` (a final answer needs its completion date)."""
    from datetime import date

    from inspect_app.answers.models import AnswerKind, CaseAnswer
    from inspect_app.core import clock

    kind = AnswerKind(kind)
    answer = CaseAnswer(
        case_id=case.id,
        kind=kind,
        text=kw.pop("text", "Đã rà soát, chỉnh lý hồ sơ"),
        completion_date=kw.pop(
            "completion_date", date(2026, 9, 1) if kind == AnswerKind.FINAL else None
        ),
        author_id=author.id,
        created_at=kw.pop("created_at", clock.now()),
        **kw,
    )
    db.session.add(answer)
    db.session.flush()
    return answer


def make_urging_letter(case, as_of):
    """The urging letter drafted for `case` (as the level-2 step drafts it), or None if the case
    has its letter for the deadline already."""
    from inspect_app.reports.models import Document
    from inspect_app.reports.operations import create_urging_letters

    db.session.flush()
    drafted = create_urging_letters([case.id], as_of)
    return db.session.get(Document, drafted[case.id]) if drafted else None


def issue_document(signer, doc, clerk=None, **registration):
    """Sign `doc` as `signer`, then register it (next number, or `number=`/`registered_on=`)
    as `clerk` (a clerk made for the purpose by default): issued and dispatched."""
    from inspect_app.reports import operations

    operations.sign(signer, doc, doc.version)
    clerk = clerk or make_user("clerk")
    return operations.register(clerk, doc, doc.version, **registration)


def deciding_doc(
    day=None, number: str = "25/QĐ-TTr", signer: str = "Nguyễn Văn Hùng, Chánh Thanh tra tỉnh"
):
    """The fields of a deciding document (number, date: today by default, signer), as a
    change's `doc` argument or form fields."""
    from inspect_app.core import clock

    return {"doc_number": number, "doc_date": day or clock.today(), "doc_signer": signer}


def deciding_form(day=None) -> dict:
    """The deciding document's form fields (strings; dated today by default)."""
    return {k: str(v) if k != "doc_date" else v.isoformat() for k, v in deciding_doc(day).items()}
