"""State changes of periodic reports: generating a report for an ended period (its document drafted
for the register, its figures computed as of the cut-off and kept with the ids they count, the
narrative pre-filled from them), regenerating a draft, and freezing the report when the clerk
issues its document (the `document_issued` signal).

Decisions:
- One report per period, draft or issued (a unique period key): asking again for a period with
  a draft regenerates that draft; for a signed or issued one it is refused, naming the report.
- The figures are computed from dated history (see `queries`), so regenerating after later
  changes gives the same figures; on issue the snapshot (each cell's figure and ids, and the
  form version's definition) is frozen: re-opened later, the report shows what was issued.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from inspect_app.auth.models import User
from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.models import check_version
from inspect_app.extensions import db
from inspect_app.reports import documents
from inspect_app.reports.models import Document, DocumentKind, DocumentState
from inspect_app.reports.operations import document_issued
from inspect_app.statistics import definitions, periods, queries
from inspect_app.statistics.models import PeriodicReport, can_generate
from inspect_app.statistics.periods import Period

MONEY_UNITS = ("đồng",)
AREA_UNITS = ("m²",)


def fmt(value: Decimal | str | int, unit: str) -> str:
    """A figure the Vietnamese way: "1.250.000" (đồng, counts), "1.234,50" (m²)."""
    number = Decimal(str(value))
    text = f"{number:,.2f}" if unit in AREA_UNITS else f"{int(number):,}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# --- the period asked for ---------------------------------------------------------------------


def resolve(
    period_key: str,
    cutoff: date | None = None,
    version_key: str | None = None,
    today: date | None = None,
) -> tuple[Period, date]:
    """The period and its cut-off, checked: 422 for a bad key, a version that does not cover the
    period, a period that has not ended, a cut-off in the future or before the period."""
    today = today or clock.today()
    version = definitions.by_key(version_key) if version_key else None
    period = periods.period(period_key, version)
    if not periods.ended(period, today):
        raise OperationError(
            _(
                "%(period)s has not ended: its figures are taken on %(end)s (%(rule)s); the "
                "report can be made from %(next)s.",
                period=period.label,
                end=period.end.strftime("%d/%m/%Y"),
                rule=period.version.cutoff_citation,
                next=date.fromordinal(period.end.toordinal() + 1).strftime("%d/%m/%Y"),
            ),
            field="period",
        )
    cutoff = cutoff or period.end
    if cutoff >= today:
        raise OperationError(
            _(
                "The cut-off date %(day)s is not over yet: figures are taken for a day that has "
                "ended.",
                day=cutoff.strftime("%d/%m/%Y"),
            ),
            field="cutoff",
        )
    if cutoff < period.start or cutoff > period.end:
        raise OperationError(
            _(
                "The cut-off date must fall within the period (%(start)s to %(end)s).",
                start=period.start.strftime("%d/%m/%Y"),
                end=period.end.strftime("%d/%m/%Y"),
            ),
            field="cutoff",
        )
    return period, cutoff


# --- snapshot ------------------------------------------------------------------------------------


def snapshot_of(period: Period, cutoff: date, tables: list[dict]) -> dict:
    """The computed tables as plain data: the version's definition, the period, and for each
    cell its figure (an exact decimal string), the records' kind and their ids."""
    return {
        "definition": period.version.definition(),
        "period": {
            "key": period.key,
            "kind": period.kind,
            "year": period.year,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.title_text,
        },
        "cutoff": cutoff.isoformat(),
        "tables": [
            {
                **{k: t[k] for k in ("code", "title", "row_header", "columns")},
                "rows": [
                    {
                        "key": r["key"],
                        "label": r["label"],
                        "total": r["total"],
                        "cells": {
                            key: {"value": str(c.value), "kind": c.kind, "ids": list(c.ids)}
                            for key, c in r["cells"].items()
                        },
                    }
                    for r in t["rows"]
                ],
            }
            for t in tables
        ],
    }


def live_snapshot(period: Period, cutoff: date) -> dict:
    """The period's figures as of `cutoff`, computed now (the page and the API before a report
    is issued)."""
    return snapshot_of(period, cutoff, queries.compute(period.version, period, cutoff))


def subtitle(snap: dict) -> str:
    p = snap["period"]
    start = date.fromisoformat(p["start"]).strftime("%d/%m/%Y")
    cutoff = date.fromisoformat(snap["cutoff"]).strftime("%d/%m/%Y")
    return f"Kỳ báo cáo {p['label']} (số liệu từ ngày {start} đến ngày {cutoff})"


def annex_of(snap: dict) -> list[dict]:
    """The tables as a document's annexes (values written the Vietnamese way, with units)."""
    return [
        {
            "code": t["code"],
            "title": t["title"],
            "subtitle": subtitle(snap),
            "row_header": t["row_header"],
            "columns": [{"head": c["head"], "unit": c["unit"]} for c in t["columns"]],
            "rows": [
                {
                    "label": r["label"],
                    "total": r["total"],
                    "values": [fmt(r["cells"][c["key"]]["value"], c["unit"]) for c in t["columns"]],
                }
                for r in t["rows"]
            ],
        }
        for t in snap["tables"]
    ]


def totals(snap: dict) -> dict[str, dict[str, Decimal]]:
    """The totals row of each table: {code: {column key: figure}}."""
    return {
        t["code"]: {k: Decimal(c["value"]) for k, c in t["rows"][-1]["cells"].items()}
        for t in snap["tables"]
    }


# --- the narrative ------------------------------------------------------------------------------


def _rate(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "0"
    return fmt((part * 100 / whole).quantize(Decimal("0.01")), "m²").rstrip("0").rstrip(",")


def _activity(t: dict[str, Decimal], noun: str, code: str) -> str:
    def f(key, unit="cuộc"):
        return fmt(t.get(key, 0), unit)

    return (
        f"Tổng số cuộc {noun} thực hiện trong kỳ: {f('total')} cuộc (kỳ trước chuyển sang "
        f"{f('carried')} cuộc, triển khai trong kỳ {f('started')} cuộc; theo kế hoạch "
        f"{f('planned')} cuộc, đột xuất {f('ad_hoc')} cuộc); đã kết thúc {noun} trực tiếp "
        f"{f('onsite_ended')} cuộc; đã ban hành kết luận {f('concluded')} cuộc tại "
        f"{f('units')} đơn vị, phát hiện {f('units_violating')} đơn vị có vi phạm. Qua {noun}, "
        f"kiến nghị thu hồi {f('recover_vnd', 'đồng')} đồng, {f('recover_m2', 'm²')} m² đất và "
        f"tài sản khác trị giá {f('recover_assets', 'đồng')} đồng; kiến nghị xử lý hành chính "
        f"{f('admin_orgs')} tổ chức, {f('admin_persons')} cá nhân; chuyển cơ quan điều tra "
        f"{f('referral_cases')} vụ, {f('referral_persons')} đối tượng; kiến nghị hoàn thiện cơ "
        f"chế, chính sách, pháp luật {f('other')} kiến nghị (Biểu số {code})."
    )


def narrative(snap: dict, period: Period) -> str:
    """The report's text pre-filled from the figures (the drafter completes and edits it):
    paragraphs separated by blank lines, numbered headings on lines of their own."""
    t = totals(snap)
    version = period.version
    start = date.fromisoformat(snap["period"]["start"]).strftime("%d/%m/%Y")
    cutoff = date.fromisoformat(snap["cutoff"]).strftime("%d/%m/%Y")
    opening = (
        f"Thực hiện {version.instrument}, Thanh tra tỉnh báo cáo kết quả công tác thanh tra "
        f"{period.title_text} (số liệu từ ngày {start} đến ngày {cutoff}) như sau:"
    )
    closing = f"Thanh tra tỉnh kính báo cáo {documents.people_committee()} xem xét, chỉ đạo./."
    if not period.has_narrative:
        return "\n\n".join(
            [
                opening.removesuffix(" như sau:") + " theo các biểu số liệu kèm theo báo cáo này.",
                closing,
            ]
        )
    a, k, f = t.get("01/TTr", {}), t.get("02/TTr", {}), t.get("03/TTr", {})
    g = lambda key, unit="kiến nghị": fmt(f.get(key, 0), unit)  # noqa: E731
    follow = (
        f"Trong kỳ, theo dõi, đôn đốc việc thực hiện {g('concl_due', 'cuộc')} kết luận thanh "
        f"tra, kiểm tra (đã hoàn thành {g('concl_done', 'cuộc')}, chưa hoàn thành "
        f"{g('concl_open', 'cuộc')}) với {g('cases_due')} kiến nghị phải thực hiện: đã hoàn "
        f"thành {g('cases_done')} kiến nghị; chưa hoàn thành, còn trong hạn "
        f"{g('cases_in_time')} kiến nghị; quá hạn {g('cases_overdue')} kiến nghị. Đã ban hành "
        f"văn bản đôn đốc đối với {g('urged')} kiến nghị; kiểm tra việc thực hiện "
        f"{g('checked')} kiến nghị. Về thu hồi: phải thu {g('vnd_due', 'đồng')} đồng, đã thu "
        f"{g('vnd_recovered', 'đồng')} đồng (đạt "
        f"{_rate(f.get('vnd_recovered', Decimal(0)), f.get('vnd_due', Decimal(0)))}%); đất phải "
        f"thu {g('m2_due', 'm²')} m², đã thu {g('m2_recovered', 'm²')} m². Về xử lý hành chính: "
        f"đã xử lý {g('orgs_done', 'tổ chức')}/{g('orgs_due', 'tổ chức')} tổ chức, "
        f"{g('persons_done', 'người')}/{g('persons_due', 'người')} cá nhân (Biểu số 03/TTr)."
    )
    assessment = (
        "Công tác thanh tra, kiểm tra được triển khai theo kế hoạch và các yêu cầu đột xuất; "
        f"tỷ lệ kiến nghị đã hoàn thành đạt {_rate(f.get('cases_done', Decimal(0)), f.get('cases_due', Decimal(0)))}%; "
        f"còn {g('cases_overdue')} kiến nghị quá hạn chưa được thực hiện."
    )
    plan = (
        f"Tiếp tục thực hiện Kế hoạch thanh tra năm {period.year}; đôn đốc, kiểm tra việc thực "
        f"hiện {g('cases_overdue')} kiến nghị quá hạn, báo cáo {documents.people_committee()} xử "
        "lý trách nhiệm người đứng đầu đơn vị chậm thực hiện theo quy định."
    )
    return "\n\n".join(
        [
            opening,
            "I. KẾT QUẢ CÔNG TÁC THANH TRA",
            "1. Thanh tra hành chính",
            _activity(a, "thanh tra", "01/TTr"),
            "2. Kiểm tra chuyên ngành",
            _activity(k, "kiểm tra", "02/TTr"),
            "3. Theo dõi, đôn đốc, kiểm tra việc thực hiện kết luận thanh tra",
            follow,
            "II. ĐÁNH GIÁ CHUNG",
            assessment,
            "III. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TIẾP THEO",
            plan,
            closing,
        ]
    )


# --- reports -------------------------------------------------------------------------------------


def report_for(period_key: str) -> PeriodicReport | None:
    return db.session.execute(
        db.select(PeriodicReport).where(PeriodicReport.period_key == period_key)
    ).scalar_one_or_none()


class AlreadyIssued(OperationError):
    """The period's report exists past its draft: the view offers it."""

    status = 409

    def __init__(self, report: PeriodicReport):
        doc = report.document
        if doc.is_issued:
            message = _(
                "The report for %(period)s has already been issued (%(num)s, registered on "
                "%(day)s): open it instead.",
                period=report.period_key,
                num=doc.number_label,
                day=doc.registered_on.strftime("%d/%m/%Y") if doc.registered_on else "",
            )
        else:
            message = _(
                "The report for %(period)s has been signed and awaits registration by the "
                "clerk: open it instead.",
                period=report.period_key,
            )
        super().__init__(message, field="period")
        self.report = report


MONEY_FIELDS = ("vnd_due", "vnd_recovered")


def _saved_lines(lines: list[queries.Breakdown]) -> list[dict]:
    return [{k: str(v) if k in MONEY_FIELDS else v for k, v in asdict(b).items()} for b in lines]


def _lines(saved: list[dict]) -> list[queries.Breakdown]:
    return [
        queries.Breakdown(**{k: Decimal(v) if k in MONEY_FIELDS else v for k, v in d.items()})
        for d in saved
    ]


def breakdown_of(period: Period, cutoff: date):
    """(per inspected unit, per field, the issued report or None): the Chairman's breakdown as
    issued once the period's report is issued (kept with its figures), else computed as of the
    cut-off."""
    report = report_for(period.key)
    if report is not None and report.is_frozen and "breakdown" in report.snapshot:
        saved = report.snapshot["breakdown"]
        return _lines(saved["units"]), _lines(saved["fields"]), report
    units, fields = queries.breakdown(queries.load(period, cutoff))
    return units, fields, None


def _fill(actor, report: PeriodicReport, period: Period, cutoff: date) -> None:
    """Compute the report's figures as of `cutoff` into its snapshot (with the breakdown per
    unit and per field) and its document's annexes (and the narrative, unless edited since it
    was pre-filled); audited."""
    records = queries.load(period, cutoff)
    snap = snapshot_of(period, cutoff, queries.compute(period.version, period, cutoff, records))
    units, fields = queries.breakdown(records)
    snap["breakdown"] = {"units": _saved_lines(units), "fields": _saved_lines(fields)}
    doc = report.document
    text = narrative(snap, period)
    previous = (report.snapshot or {}).get("narrative")
    if doc.body is None or doc.body == previous:  # not edited since it was pre-filled
        doc.body = text
    snap["narrative"] = text
    report.snapshot = snap
    report.cutoff = cutoff
    report.form_version = period.version.key
    report.computed_at = clock.now()
    doc.figures = {"annex": annex_of(snap), "period": period.key, "cutoff": cutoff.isoformat()}
    doc.as_of = cutoff
    doc.period_start, doc.period_end = period.start, period.end
    db.session.flush()
    audit.record(
        actor,
        report,
        "periodic_report_generated",
        after={"period": period.key, "cutoff": cutoff, "version": period.version.key},
    )


def generate(
    actor: User | None,
    period_key: str,
    cutoff: date | None = None,
    version_key: str | None = None,
) -> PeriodicReport:
    """The report of an ended period: drafted with its document, or its draft regenerated;
    403 (not the Chief Inspector, a deputy or an administrator), 409 (already signed or issued:
    the report is named), 422 (bad period, not ended, cut-off, version)."""
    if actor is not None and not can_generate(actor):
        raise Forbidden()
    period, cutoff = resolve(period_key, cutoff, version_key)
    existing = report_for(period.key)
    if existing is not None:
        if existing.document.state != DocumentState.DRAFT:
            raise AlreadyIssued(existing)
        return regenerate(actor, existing, None, cutoff, version_key)
    head = documents.letterhead()
    unit = documents.drafting_unit()
    doc = Document(
        kind=DocumentKind.PERIODIC,
        year=clock.today().year,
        state=DocumentState.DRAFT,
        **head,
        symbol=DocumentKind.PERIODIC.symbol_for(documents.body_code(head["issuing_body"]), unit),
        drafting_unit=unit,
        title=f"Kết quả công tác thanh tra {period.title_text}",
        recipient=documents.people_committee(),
        distribution=f"- Như trên;\n- Thanh tra Chính phủ (để báo cáo);\n- Lưu: VT, {unit}.",
        signer_title=str(documents.setting("DOCUMENT_SIGNER_TITLE")),
        period_start=period.start,
        period_end=period.end,
        as_of=cutoff,
        created_by_id=getattr(actor, "id", None),
    )
    report = PeriodicReport(
        period_key=period.key,
        period_kind=period.kind,
        year=period.year,
        period_start=period.start,
        period_end=period.end,
        cutoff=cutoff,
        form_version=period.version.key,
        document=doc,
        snapshot={},
        computed_at=clock.now(),
        created_by_id=getattr(actor, "id", None),
    )
    try:
        # Two asking at once: the unique period key keeps one report; the other is offered it.
        with db.session.begin_nested():
            db.session.add_all([doc, report])
            db.session.flush()
    except IntegrityError:
        existing = report_for(period.key)
        if existing is None:
            raise
        if existing.document.state != DocumentState.DRAFT:
            raise AlreadyIssued(existing) from None
        return regenerate(actor, existing, None, cutoff, version_key)
    audit.record(
        actor,
        doc,
        "document_drafted",
        after={"kind": doc.kind.value, "title": doc.title, "period": period.key},
        object_type="Document",
    )
    _fill(actor, report, period, cutoff)
    return report


def regenerate(
    actor: User | None,
    report: PeriodicReport,
    version: int | None,
    cutoff: date | None = None,
    version_key: str | None = None,
) -> PeriodicReport:
    """Recompute a draft report's figures as of its cut-off (or a new one), the narrative too
    unless it was edited; 403, 409 (stale, signed or issued), 422 (cut-off, version)."""
    if actor is not None and not report.can_regenerate(actor):
        if report.document.state != DocumentState.DRAFT:
            raise AlreadyIssued(report)
        raise Forbidden()
    if report.document.state != DocumentState.DRAFT:
        raise AlreadyIssued(report)
    check_version(report, version)
    period, cutoff = resolve(
        report.period_key, cutoff or report.cutoff, version_key or report.form_version
    )
    report.document.updated_at = clock.now()
    report.updated_at = clock.now()
    _fill(actor, report, period, cutoff)
    return report


@document_issued.connect
def freeze(doc: Document, actor=None, **_kw) -> None:
    """The clerk issued a periodic report's document: its figures and ids are frozen as issued."""
    if doc.kind != DocumentKind.PERIODIC:
        return
    report = db.session.execute(
        db.select(PeriodicReport).where(PeriodicReport.document_id == doc.id)
    ).scalar_one_or_none()
    if report is None or report.is_frozen:
        return
    report.frozen_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        report,
        "periodic_report_frozen",
        after={"period": report.period_key, "number": doc.number_label},
    )
