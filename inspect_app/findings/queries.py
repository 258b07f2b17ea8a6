"""Lists of findings, with their eager loads declared once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from inspect_app.core.schemas import MAX_ID
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import Inspection
from inspect_app.reference.models import FieldOfWork, Severity
from inspect_app.reference.queries import field_choices
from inspect_app.units.queries import unit_choices, visible_unit_ids

# One query for the page, one for all the files of its rows: constant whatever the row count.
FINDING_LOADS = (
    joinedload(Finding.author),
    joinedload(Finding.field),
    joinedload(Finding.inspection).joinedload(Inspection.target_unit),
    selectinload(Finding.files),
)


@dataclass
class FindingFilters:
    """The list's filters as read from the query string (invalid values are ignored)."""

    inspection: int | None = None
    field: int | None = None
    severity: str = ""
    unit: int | None = None
    q: str = ""

    @classmethod
    def from_args(cls, args) -> FindingFilters:
        def as_id(name: str) -> int | None:
            value = (args.get(name) or "").strip()
            return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None

        severity = (args.get("severity") or "").strip()
        return cls(
            inspection=as_id("inspection"),
            field=as_id("field"),
            severity=severity if severity in {s.value for s in Severity} else "",
            unit=as_id("unit"),
            q=(args.get("q") or "").strip().replace("\x00", "")[:100],
        )

    def as_args(self) -> dict:
        """The non-empty filters, for links (pagination, pushed URLs)."""
        values = {
            "inspection": self.inspection,
            "field": self.field,
            "severity": self.severity,
            "unit": self.unit,
            "q": self.q,
        }
        return {k: v for k, v in values.items() if v not in ("", None)}


def findings_query(user, filters: FindingFilters) -> Select:
    """Findings `user` may see, newest observation first, filtered."""
    stmt = (
        select(Finding)
        .join(Finding.inspection)
        .options(*FINDING_LOADS)
        .order_by(Finding.observed_at.desc(), Finding.id.desc())
    )
    visible = visible_unit_ids(user)
    if visible is not None:
        stmt = stmt.where(Inspection.target_unit_id.in_(visible or [-1]))
    if filters.inspection:
        stmt = stmt.where(Finding.inspection_id == filters.inspection)
    if filters.field:
        stmt = stmt.where(Finding.field_id == filters.field)
    if filters.unit:
        stmt = stmt.where(Inspection.target_unit_id == filters.unit)
    if filters.severity:
        stmt = stmt.where(Finding.severity == Severity(filters.severity))
    if filters.q:
        escaped = filters.q.lower().replace("\\", "\\\\").replace("%", "\\%")
        like = "%" + escaped.replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                func.lower(Finding.description).like(like, escape="\\"),
                func.lower(Finding.place).like(like, escape="\\"),
            )
        )
    return stmt


def findings_of(inspection: Inspection) -> list[Finding]:
    """The findings of one inspection with author, field and files (three queries)."""
    return list(
        db.session.execute(
            select(Finding)
            .where(Finding.inspection_id == inspection.id)
            .options(joinedload(Finding.author), joinedload(Finding.field))
            .options(selectinload(Finding.files))
            .order_by(Finding.observed_at, Finding.id)
        )
        .unique()
        .scalars()
    )


def filter_choices(user) -> dict[str, list]:
    """Options of the list filters (inspections and units limited to what `user` may see)."""
    visible = visible_unit_ids(user)
    inspections = select(Inspection.id, Inspection.decision_number, Inspection.title).order_by(
        Inspection.decision_date.desc(), Inspection.id.desc()
    )
    if visible is not None:
        inspections = inspections.where(Inspection.target_unit_id.in_(visible or [-1]))
    return {
        "inspections": [
            (i, f"{num} — {title}") for i, num, title in db.session.execute(inspections)
        ],
        "fields": field_choices(),
        "units": unit_choices(user),
        "severities": [(s.value, s.label) for s in Severity],
    }


def active_fields() -> list[FieldOfWork]:
    return list(
        db.session.execute(
            select(FieldOfWork).where(FieldOfWork.active.is_(True)).order_by(FieldOfWork.name)
        ).scalars()
    )
