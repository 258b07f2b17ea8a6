"""The papers the follow-up needs besides the register's documents, drawn from the same layout
description (`reports.layout.compose`) in the Decree 30 layout, as PDF and Word: the conclusion
(kết luận thanh tra, or kết luận kiểm tra of a check), pre-filled from the inspection, its
findings and recommendations; and the minutes (biên bản) of a check of implementation, from
plain values the checks feature gives (`Minutes`), signed by the team lead and the checked
unit's representative side by side.

A conclusion not yet signed is a draft ("DỰ THẢO", no number) for the team to finish in Word;
once signed its number and date are printed. Official text: Vietnamese whatever the reader's
interface language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import make_response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app.auth.models import User
from inspect_app.cases.models import Case
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection
from inspect_app.reference.models import ActivityKind
from inspect_app.reports import documents, word
from inspect_app.reports import layout as blocks

SEVERITY_WORDS = {
    "low": "ít nghiêm trọng",
    "medium": "nghiêm trọng",
    "high": "rất nghiêm trọng",
    "serious": "đặc biệt nghiêm trọng",
}


def _lower_first(text: str) -> str:
    return f"{text[:1].lower()}{text[1:]}" if text else text


def _upper_first(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}" if text else text


def chief_inspector_name() -> str:
    """The Chief Inspector's name (the signer of conclusions), or "" when none is recorded."""
    users = db.session.execute(
        select(User).where(User.role == Role.LEADERSHIP, User.active.is_(True)).order_by(User.id)
    ).scalars()
    for user in users:
        if (user.title or "").casefold().startswith("chánh thanh tra"):
            return user.full_name
    return ""


def _vnd(amount) -> str:
    return f"{int(amount):,}".replace(",", ".")


def _measure(case: Case) -> str:
    """What the recommendation recovers or handles, in words with its unit."""
    if case.amount_vnd:
        return f"; số tiền {_vnd(case.amount_vnd)} đồng"
    if case.area_m2:
        return f"; diện tích {str(case.area_m2).replace('.', ',')} m²"
    if case.persons_count:
        return f"; {case.persons_count} cá nhân"
    return ""


def conclusion_layout(inspection: Inspection, issuing_body: str | None = None) -> blocks.Layout:
    """The conclusion of `inspection` (kết luận thanh tra; kết luận kiểm tra of a check) in the
    Decree 30 layout: the decision that ordered it cited in full, the general picture, the
    findings, the conclusion and the recommendations (content, unit, deadline) with the
    instrument each applies; "DỰ THẢO" until it is signed. `issuing_body` one of the registers'
    (the configured one by default)."""
    head = documents.letterhead(issuing_body)
    code = documents.body_code(head["issuing_body"])
    is_check = inspection.kind == ActivityKind.KIEM_TRA
    activity, team = ("kiểm tra", "Đoàn kiểm tra") if is_check else ("thanh tra", "Đoàn thanh tra")
    signed = bool(inspection.conclusion_number and inspection.conclusion_date)
    number = inspection.conclusion_number if signed else blocks.number_text(None, f"KL-{code}")
    day = inspection.conclusion_date if signed else clock.today()
    authority = documents.deciding_authority(head["issuing_body"])
    head_title = documents.in_text(authority)  # "Chánh Thanh tra tỉnh"
    unit = inspection.target_unit.name
    subject = _lower_first(inspection.title)
    onsite_from = inspection.onsite_started_on or inspection.start_date
    onsite_to = inspection.onsite_ended_on or inspection.planned_end_date
    findings = db.session.execute(
        select(Finding).where(Finding.inspection_id == inspection.id).order_by(Finding.id)
    ).scalars()
    cases = db.session.execute(
        select(Case)
        .where(Case.inspection_id == inspection.id)
        .options(selectinload(Case.responsible_unit), selectinload(Case.legal_reference))
        .order_by(Case.number)
    ).scalars()
    findings, cases = list(findings), list(cases)

    report = (
        f"Xét Báo cáo kết quả {activity} ngày {documents.short_date(inspection.reported_on)} "
        if inspection.reported_on
        else f"Xét Báo cáo kết quả {activity} "
    )
    body: list[blocks.Block] = [
        blocks.Paragraphs(
            (
                f"Thực hiện Quyết định số {inspection.decision_number} ngày "
                f"{documents.short_date(inspection.decision_date)} của {head_title} về việc "
                f"{subject}, từ ngày {documents.short_date(onsite_from)} đến ngày "
                f"{documents.short_date(onsite_to)}, {team} đã tiến hành {activity} trực tiếp "
                f"tại {unit}.",
                f"{report}của Trưởng đoàn {activity}, ý kiến giải trình của {unit}, {head_title} "
                "kết luận như sau:",
            )
        ),
        blocks.Heading("I. KHÁI QUÁT CHUNG"),
    ]
    general = [f"Đối tượng {activity}: {unit}."]
    if inspection.scope:
        general.append(f"Nội dung {activity}: {inspection.scope.strip().rstrip('.')}.")
    if inspection.period_under_review:
        general.append(f"Thời kỳ {activity}: {inspection.period_under_review.strip()}.")
    body.append(blocks.Paragraphs(tuple(general)))
    body.append(blocks.Heading("II. KẾT QUẢ KIỂM TRA, XÁC MINH"))
    body.append(
        blocks.Paragraphs(
            tuple(
                f"{n}. {f.description.strip().rstrip('.')} (mức độ: "
                f"{SEVERITY_WORDS.get(f.severity.value, f.severity.label)})."
                for n, f in enumerate(findings, start=1)
            )
            or (f"{team} không phát hiện sai phạm.",)
        )
    )
    body.append(blocks.Heading("III. KẾT LUẬN"))
    summary = [p.strip() for p in (inspection.conclusion_summary or "").split("\n\n") if p.strip()]
    if not summary:
        summary = [
            f"Qua {activity}, {unit} còn {len(findings)} nội dung sai phạm, thiếu sót nêu tại "
            "Mục II; trách nhiệm thuộc về thủ trưởng đơn vị và các cá nhân có liên quan."
            if findings
            else f"Qua {activity}, {unit} đã thực hiện đúng các quy định được {activity}."
        ]
    body.append(blocks.Paragraphs(tuple(summary)))
    body.append(blocks.Heading("IV. KIẾN NGHỊ BIỆN PHÁP XỬ LÝ"))
    if cases:
        rows = []
        for n, case in enumerate(cases, start=1):
            ref = case.legal_reference
            basis = f" ({ref.citation})" if ref is not None else ""
            rows.append(
                (
                    str(n),
                    f"{case.title}: {case.required_action.strip().rstrip('.')}"
                    f"{_measure(case)}{basis}.",
                    case.responsible_unit.name,
                    documents.short_date(case.due_date),
                )
            )
        body.append(
            blocks.Table(
                ("STT", "Nội dung kiến nghị", "Đơn vị thực hiện", "Thời hạn"),
                (13.0, None, 40.0, 25.0),
                tuple(rows),
                centred=(0, 3),
            )
        )
    else:
        body.append(blocks.Paragraphs(("Không có kiến nghị xử lý.",)))
    body += blocks.text_blocks(
        [
            f"Yêu cầu {unit} tổ chức thực hiện nghiêm Kết luận {activity} này; báo cáo kết quả "
            "thực hiện bằng văn bản, kèm theo hồ sơ, tài liệu chứng minh, về "
            f"{documents.in_text(head['issuing_body'])} trong thời hạn nêu trên."
        ]
    )
    distribution = (
        "- Chủ tịch UBND tỉnh (để báo cáo);\n"
        "- Thanh tra Chính phủ (để báo cáo);\n"
        f"- {unit} (để thực hiện);\n"
        f"- Trưởng đoàn {activity};"
    )
    signer = documents.signing_for("Chánh Thanh tra") if code == "TTr" else None
    lines = signer[1].split("\n") if signer else [str(documents.setting("DOCUMENT_SIGNER_TITLE"))]
    spec = blocks.Spec(
        parent_body=head["parent_body"],
        issuing_body=head["issuing_body"],
        number=number,
        date_line=documents.date_line(head["place"], day),
        title=_upper_first(inspection.title),
        type_line=f"KẾT LUẬN {activity.upper()}",
        body=tuple(body),
        distribution=tuple(
            documents.distribution_lines(distribution, documents.drafting_unit(), lines[-1])
        ),
        signer_lines=tuple(line.upper() for line in lines),
        signer_name=chief_inspector_name(),
        draft=not signed,
    )
    return blocks.compose(spec)


@dataclass(frozen=True)
class Minutes:
    """What the minutes of a check of implementation say, in plain values (the checks feature
    fills it): the team's body and name, place and day, the decision that ordered the check
    and the conclusion checked (both as first citations), the units checked with their
    representatives, the team (name, role), what was done, each recommendation's result
    (content, unit, result, what the team found) and the team lead."""

    parent_body: str
    team_name: str
    place: str
    day: date
    decision: str
    conclusion: str
    units: tuple[tuple[str, str], ...]  # (unit, its representative's name or "")
    team: tuple[tuple[str, str], ...]  # (name, role in the team)
    summary: str
    results: tuple[tuple[str, str, str, str], ...] = field(default=())
    lead_name: str = ""
    draft: bool = True


def minutes_layout(m: Minutes) -> blocks.Layout:
    """The minutes of a check (biên bản kiểm tra việc thực hiện kết luận thanh tra) in the
    Decree 30 layout: who took part, what was done, the result per recommendation, signed by
    the checked unit's representative (left) and the team lead (right); "(chưa ký)" until the
    result is recorded."""
    units = ", ".join(name for name, _rep in m.units)
    body: list[blocks.Block] = [
        blocks.Paragraphs(
            (
                f"Thực hiện {m.decision};",
                f"Hôm nay, ngày {documents.short_date(m.day)}, tại {units}, {m.team_name.capitalize()} "
                f"tiến hành kiểm tra việc thực hiện {m.conclusion}.",
            )
        ),
        blocks.Heading("I. THÀNH PHẦN"),
        blocks.Paragraphs(
            (
                f"1. {m.team_name.capitalize()}:",
                *(f"- Ông/Bà {name} - {role};" for name, role in m.team),
                "2. Đại diện đơn vị được kiểm tra:",
                *(
                    f"- Ông/Bà {rep} - Thủ trưởng {name};" if rep else f"- Đại diện {name};"
                    for name, rep in m.units
                ),
            ),
            indent=10.0,
        ),
        blocks.Heading("II. NỘI DUNG KIỂM TRA"),
        blocks.Paragraphs(
            tuple(p.strip() for p in m.summary.split("\n\n") if p.strip())
            or (
                f"{m.team_name.capitalize()} kiểm tra hồ sơ, tài liệu và kết quả thực hiện "
                "từng kiến nghị đã quá thời hạn.",
            )
        ),
        blocks.Heading("III. KẾT QUẢ KIỂM TRA"),
    ]
    if m.results:
        body.append(
            blocks.Table(
                ("STT", "Kiến nghị", "Đơn vị", "Kết quả", "Nội dung kiểm tra, xác nhận"),
                (12.0, None, 32.0, 24.0, 50.0),
                tuple((str(n), *row) for n, row in enumerate(m.results, start=1)),
                centred=(0,),
            )
        )
    body += blocks.text_blocks(
        [
            "Biên bản được lập thành 02 bản có giá trị pháp lý như nhau, đã đọc lại cho những "
            "người tham dự cùng nghe, thống nhất và ký tên dưới đây; Đoàn kiểm tra giữ 01 bản, "
            "đơn vị được kiểm tra giữ 01 bản."
        ]
    )
    representative = m.units[0][1] if len(m.units) == 1 else ""
    return blocks.compose(
        blocks.Spec(
            parent_body=m.parent_body,
            issuing_body=m.team_name,
            number=None,
            date_line=documents.date_line(m.place, m.day),
            title=f"Kiểm tra việc thực hiện {m.conclusion}",
            type_line="BIÊN BẢN",
            body=tuple(body),
            signer_lines=("TRƯỞNG ĐOÀN KIỂM TRA",),
            signer_name=m.lead_name,
            countersigner=(("ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA",), representative),
            draft=m.draft,
        )
    )


def attachment(data: bytes, mimetype: str, name: str):
    """`data` as a download named `name`, never cached, never sniffed."""
    response = make_response(data)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def download(sheet: blocks.Layout, title: str, fmt: str, name: str):
    """A paper as a download: "pdf" (fpdf2) or "docx" (Word), named `name`.<fmt>."""
    if fmt == "docx":
        return attachment(word.render_layout_docx(sheet), word.DOCX_MIME, f"{name}.docx")
    data = documents.render_layout(sheet, title)[0]
    return attachment(data, documents.PDF_MIME, f"{name}.pdf")
