"""Reading the recovery ledger: one case's payments and totals, and the recovery rate per
responsible unit, per field of work and for the province (each one grouped SQL query).

Rates are recovered / recommended, exact Decimal percentages rounded to one decimal, kept
apart per unit of measure: VND (money, other assets at their value) and m² (land). Withdrawn
recommendations do not count."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from inspect_app.cases.models import (
    RECOVERY_TYPES,
    Case,
    CaseState,
    CaseType,
    format_quantity,
    recovery_unit,
)
from inspect_app.extensions import db
from inspect_app.inspections.models import inspection_field
from inspect_app.recovery.models import RecoveryPayment
from inspect_app.reference.models import FieldOfWork
from inspect_app.units.models import Unit

MEASURES = ("VND", "m²")


def rate(recovered: Decimal, recommended: Decimal | None) -> Decimal | None:
    """Recovered as a percentage of recommended, one decimal (None when nothing is due)."""
    if not recommended:
        return None
    return (Decimal(recovered) * 100 / Decimal(recommended)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass
class Ledger:
    """A recovery's ledger: recommended, each payment, recovered so far, remaining, rate."""

    case_type: CaseType
    recommended: Decimal
    payments: list[RecoveryPayment]
    recovered: Decimal = field(init=False)
    remaining: Decimal = field(init=False)
    verified: Decimal = field(init=False)

    def __post_init__(self):
        self.recovered = sum((p.quantity for p in self.payments), Decimal(0))
        self.verified = sum((p.quantity for p in self.payments if p.is_verified), Decimal(0))
        self.remaining = self.recommended - self.recovered

    @property
    def rate(self) -> Decimal | None:
        return rate(self.recovered, self.recommended)

    @property
    def unit(self) -> str:
        return recovery_unit(self.case_type)

    def fmt(self, value: Decimal) -> str:
        return format_quantity(value, self.case_type)


def payments_of(case: Case) -> list[RecoveryPayment]:
    """The case's payments, oldest first, with who recorded and verified them and their files."""
    return list(
        db.session.execute(
            select(RecoveryPayment)
            .where(RecoveryPayment.case_id == case.id)
            .options(
                selectinload(RecoveryPayment.recorded_by),
                selectinload(RecoveryPayment.verified_by),
                selectinload(RecoveryPayment.files),
            )
            .order_by(RecoveryPayment.paid_on, RecoveryPayment.id)
        ).scalars()
    )


def ledger(case: Case) -> Ledger | None:
    """The ledger of a recovery recommendation (None for other types)."""
    if not case.is_recovery:
        return None
    return Ledger(case.type, case.recommended_quantity, payments_of(case))


@dataclass(frozen=True)
class RateRow:
    key: int | None  # unit or field id; None for the province
    name: str
    measure: str  # "VND" or "m²"
    cases: int
    recommended: Decimal
    recovered: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.recommended - self.recovered

    @property
    def rate(self) -> Decimal | None:
        return rate(self.recovered, self.recommended)


def _paid():
    return (
        select(
            RecoveryPayment.case_id.label("case_id"),
            (
                func.coalesce(func.sum(RecoveryPayment.amount_vnd), 0)
                + func.coalesce(func.sum(RecoveryPayment.area_m2), 0)
            ).label("paid"),
        )
        .group_by(RecoveryPayment.case_id)
        .subquery()
    )


def recovery_rates(by: str | None = None, unit_ids=None) -> list[RateRow]:
    """Recommended vs recovered per measure, grouped `by` "unit" (responsible unit), "field"
    (the inspection's fields: a case counts in each) or None (the province); `unit_ids`
    limits to those responsible units (a unit leader's). One query, grouped by type and
    merged into measures here."""
    paid = _paid()
    recommended = func.coalesce(Case.amount_vnd, 0) + func.coalesce(Case.area_m2, 0)
    groups = {"unit": [Unit.id, Unit.name], "field": [FieldOfWork.id, FieldOfWork.name]}
    keys = groups.get(by, [])
    stmt = (
        select(
            *keys,
            Case.type,
            func.count(Case.id.distinct()),
            func.sum(recommended),
            func.sum(func.coalesce(paid.c.paid, 0)),
        )
        .select_from(Case)
        .outerjoin(paid, paid.c.case_id == Case.id)
        .where(Case.type.in_(RECOVERY_TYPES), Case.state != CaseState.WITHDRAWN)
        .group_by(*keys, Case.type)
    )
    if by == "unit":
        stmt = stmt.join(Unit, Unit.id == Case.responsible_unit_id)
    elif by == "field":
        stmt = stmt.join(
            inspection_field, inspection_field.c.inspection_id == Case.inspection_id
        ).join(FieldOfWork, FieldOfWork.id == inspection_field.c.field_id)
    if unit_ids is not None:
        stmt = stmt.where(Case.responsible_unit_id.in_(list(unit_ids)))
    rows = db.session.execute(stmt).all()
    return rate_rows(row if keys else (None, "", *row) for row in rows)


def rate_rows(rows) -> list[RateRow]:
    """(key, name, case type, cases, recommended, recovered) rows merged into measures (the
    types recovering money add up, land stays apart), by name then measure."""
    merged: dict[tuple, list] = {}
    for key, name, case_type, count, due, got in rows:
        if not count:
            continue
        measure = recovery_unit(CaseType(case_type))
        slot = merged.setdefault((name, key, measure), [0, Decimal(0), Decimal(0)])
        slot[0] += int(count)
        slot[1] += _exact(due, measure)
        slot[2] += _exact(got, measure)
    return [
        RateRow(key, name, measure, n, due, got)
        for (name, key, measure), (n, due, got) in sorted(
            merged.items(), key=lambda item: (item[0][0], item[0][2])
        )
    ]


def _exact(value, measure: str) -> Decimal:
    """A sum as an exact Decimal in its measure's scale (SQLite sums numerics as numbers)."""
    scale = Decimal("0.01") if measure == "m²" else Decimal(1)
    return Decimal(str(value or 0)).quantize(scale)


def province_rates(unit_ids=None) -> dict[str, RateRow]:
    """The province's figure per measure (both always present)."""
    rows = {r.measure: r for r in recovery_rates(None, unit_ids)}
    zero = Decimal(0)
    return {m: rows.get(m) or RateRow(None, "", m, 0, zero, zero) for m in MEASURES}


@dataclass(frozen=True)
class RecoveryFigures:
    """The recovery headline: the province, each responsible unit, each field (3 queries)."""

    province: dict[str, RateRow]
    by_unit: list[RateRow]
    by_field: list[RateRow]


def figures_of(by_unit: list[RateRow], by_field: list[RateRow]) -> RecoveryFigures:
    """The three figures from the per-unit and per-field rows: the province is the sum of its
    units (each case has one responsible unit)."""
    province = {}
    for measure in MEASURES:
        rows = [r for r in by_unit if r.measure == measure]
        province[measure] = RateRow(
            None,
            "",
            measure,
            sum(r.cases for r in rows),
            sum((r.recommended for r in rows), Decimal(0)),
            sum((r.recovered for r in rows), Decimal(0)),
        )
    return RecoveryFigures(province, by_unit, by_field)


def recovery_figures(unit_ids=None) -> RecoveryFigures:
    """The three figures in two queries."""
    return figures_of(recovery_rates("unit", unit_ids), recovery_rates("field", unit_ids))


def format_amount(value: Decimal, measure: str) -> str:
    """A figure in its measure, the Vietnamese way ("1.250.000", "1.234,50")."""
    return format_quantity(value, CaseType.RECOVERY_LAND if measure == "m²" else CaseType.RECOVERY)
