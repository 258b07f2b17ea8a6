"""Demo data of the findings feature: findings with evidence on the demo inspections.

Idempotent: an inspection that already has findings is left alone.
"""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import exists, select
from werkzeug.datastructures import FileStorage

from inspect_app.core import clock
from inspect_app.extensions import db
from inspect_app.findings import operations
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import (
    CONCLUDED_STATES,
    FINDINGS_OPEN_STATES,
    Inspection,
    InspectionState,
)
from inspect_app.inspections.seed import INSPECTIONS as DEMO_INSPECTIONS
from inspect_app.reference.models import FieldOfWork

# (description, place, severity, field code hint, files: "png"/"pdf")
FINDINGS = [
    (
        "Hồ sơ tuyển dụng 03 công chức năm 2024 thiếu bản sao văn bằng, chứng chỉ có chứng thực "
        "theo quy định.",
        "Phòng Tổ chức cán bộ",
        "high",
        ("png", "pdf"),
    ),
    (
        "Chưa ban hành quy chế làm việc của cơ quan sau khi sắp xếp lại tổ chức bộ máy.",
        "Văn phòng",
        "medium",
        ("pdf",),
    ),
    (
        "Sổ theo dõi văn bản đến không ghi đầy đủ ngày chuyển, người nhận; nhiều văn bản xử lý "
        "quá hạn không được theo dõi.",
        "Bộ phận văn thư",
        "low",
        ("png",),
    ),
    (
        "Chi phụ cấp trách nhiệm cho 05 người không đúng đối tượng, tổng số tiền 42.500.000 đồng.",
        "Phòng Kế hoạch - Tài chính",
        "serious",
        ("pdf", "png"),
    ),
    (
        "Kho lưu trữ không có thiết bị phòng cháy, chữa cháy; tài liệu xếp trên sàn, có dấu hiệu "
        "ẩm mốc.",
        "Kho lưu trữ tầng 1",
        "high",
        ("png",),
    ),
    (
        "Bộ phận một cửa chưa niêm yết công khai đầy đủ thủ tục hành chính lĩnh vực nội vụ.",
        "Bộ phận Một cửa",
        "medium",
        (),
    ),
    (
        "Chưa cập nhật 02 trụ sở dôi dư sau sắp xếp vào Cơ sở dữ liệu quốc gia về tài sản công.",
        "Phòng Kế hoạch - Tài chính",
        "medium",
        ("pdf",),
    ),
    (
        "Quyết định nâng bậc lương trước thời hạn cho 02 viên chức chưa đủ tiêu chuẩn về thành "
        "tích.",
        "Phòng Tổ chức cán bộ",
        "high",
        ("pdf",),
    ),
]


# The fields of work each finding above belongs to (FINDINGS' order): an inspection gets the
# findings of its own fields first (no fire-safety finding in a ward's administrative reform).
FINDING_FIELDS = (
    {"CBCCVC", "TDKT"},
    {"TCBM", "CQDP", "CBCCVC"},
    {"VTLT", "CCHC"},
    {"LDTL", "CBCCVC", "TDKT", "BHXH", "VL"},
    {"VTLT"},
    {"CCHC", "CQDP"},
    {"LDTL"},
    {"CBCCVC", "TDKT", "LDTL"},
)


def _findings_for(inspection: Inspection, i: int) -> list[int]:
    """FINDINGS' indexes in the order this inspection takes them: those of its fields, then
    the rest, each group rotated by the inspection's rank so inspections of a field differ."""
    codes = {f.code for f in inspection.fields}
    order = [(i + k) % len(FINDINGS) for k in range(len(FINDINGS))]
    own = [n for n in order if FINDING_FIELDS[n] & codes]
    return own + [n for n in order if n not in own]


def demo_png(text: str) -> bytes:
    """A small photo-like picture drawn in code (no file shipped with the repository)."""
    img = Image.new("RGB", (480, 320), (236, 239, 244))
    draw = ImageDraw.Draw(img)
    draw.rectangle((20, 20, 460, 300), outline=(179, 38, 30), width=4)
    draw.rectangle((60, 70, 200, 250), fill=(200, 205, 214))
    draw.rectangle((230, 70, 420, 110), fill=(160, 168, 180))
    draw.rectangle((230, 130, 420, 160), fill=(190, 196, 206))
    draw.text((230, 200), text.encode("ascii", "ignore").decode(), fill=(29, 35, 48))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def demo_pdf(title: str) -> bytes:
    """A one-page PDF written by hand (valid cross-reference table)."""
    text = title.encode("ascii", "ignore").decode().replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _file(kind: str, n: int) -> FileStorage:
    if kind == "png":
        data, name = demo_png(f"Anh hien truong {n}"), f"Ảnh hiện trường {n}.png"
    else:
        data, name = demo_pdf(f"Bien ban lam viec so {n}"), f"Biên bản làm việc số {n}.pdf"
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="")


def _observed(inspection: Inspection, offset: int) -> datetime:
    day = (inspection.onsite_started_on or inspection.start_date) + timedelta(days=offset)
    moment = datetime.combine(day, time(9 + offset % 6, 15), tzinfo=clock.ZONE)
    return min(moment, clock.now() - timedelta(hours=1))


def seed(units: dict, users: dict) -> None:
    """Two to four findings (with evidence files) on the demo inspections (`inspections.seed`)
    that have none: not on those other seeders add later (the periodic history's), so that
    seeding again adds nothing."""
    with_findings = exists().where(Finding.inspection_id == Inspection.id)
    states = (*FINDINGS_OPEN_STATES, *CONCLUDED_STATES)
    inspections = db.session.execute(
        select(Inspection)
        .where(
            Inspection.state.in_(states),
            Inspection.decision_number.in_([row[0] for row in DEMO_INSPECTIONS]),
            ~with_findings,
        )
        .order_by(Inspection.id)
    ).scalars()
    fields = list(db.session.execute(select(FieldOfWork).order_by(FieldOfWork.id)).scalars())
    for i, inspection in enumerate(list(inspections)):
        _seed_inspection(inspection, i, fields)


def _seed_inspection(inspection: Inspection, i: int, fields: list[FieldOfWork]) -> None:
    team = [inspection.lead, *inspection.members]
    real_state = inspection.state
    if real_state not in FINDINGS_OPEN_STATES:
        # Findings are logged while on site: for concluded demo inspections, replay that time.
        inspection.state = InspectionState.IN_PROGRESS
    count = 2 + i % 3
    chosen = _findings_for(inspection, i)
    for k in range(count):
        description, place, severity, kinds = FINDINGS[chosen[k]]
        # the inspection's field the finding belongs to, else one of its fields in turn
        matching = [f for f in inspection.fields if f.code in FINDING_FIELDS[chosen[k]]]
        field = (matching or inspection.fields or fields or [None])[
            0 if matching else k % max(1, len(inspection.fields or fields))
        ]
        author = team[k % len(team)]
        data = {
            "description": description,
            "place": place,
            "severity": severity,
            "field_id": field.id if field else None,
            "observed_at": _observed(inspection, k),
        }
        files = [_file(kind, 10 * i + k * 2 + j + 1) for j, kind in enumerate(kinds)]
        operations.create_finding(author, inspection, data, files)
    if inspection.state != real_state:
        inspection.state = real_state
    db.session.flush()
