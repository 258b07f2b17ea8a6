"""The figures of a period as of its cut-off, from dated history: each cell of a form version's
tables evaluated over plain records read in a fixed number of queries (five, whatever the
number of cells, rows or records), with the ids each cell counts.

What "as of the cut-off" `C` means, record by record (period from `S` to `C`):
- an inspection counts once decided on or before `C`; carried over when decided before `S` and
  not concluded before `S`; started in the period when decided in it; on-site ended, concluded
  by the dates the inspection records;
- a case (kiến nghị) counts once its conclusion is dated on or before `C` (a recommendation
  exists from its conclusion, whenever it was entered); it is done (accepted) or withdrawn at `C` if it was closed by then (final
  states never change); its deadline at `C` is the one it had then (a later change read back
  from the deadline-change audit events); overdue when not done and that deadline was before
  `C`; urged / checked in the period when an issued urging letter / check decision covering it
  was registered in the period;
- a payment counts when dated (paid on) by `C`.
Changes made after `C` therefore leave a period's figures unchanged; a record entered late but
dated before `C` is a correction, taken into a draft when it is regenerated, never into an
issued report (frozen, see `operations`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, select

from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent
from inspect_app.extensions import db
from inspect_app.implementation_checks.models import CheckedCase, ImplementationCheck
from inspect_app.inspections.models import Inspection, inspection_field
from inspect_app.recovery.models import RecoveryPayment
from inspect_app.reference.models import FieldOfWork
from inspect_app.reports.models import Document, DocumentKind, DocumentState
from inspect_app.statistics.definitions import FormVersion
from inspect_app.statistics.periods import Period
from inspect_app.units.models import Unit

# The attributes the forms' `where` terms and `value`s name, per record (documentation and the
# definitions' test: every term of every version must be one of these). `unit_kind` is the kind
# of the unit the record concerns (an inspection's inspected unit; a case's or a payment's
# responsible unit: the follow-up table's rows); `inspected_kind` that of the inspected unit
# (the rows of the activity tables, "đối tượng thanh tra", for inspections and their cases alike).
RECORD_ATTRIBUTES = {
    "inspection": {
        "kind", "unit_kind", "inspected_kind", "target_unit_id", "carried_over", "started_in_period",
        "in_period", "planned", "ad_hoc", "onsite_ended", "concluded", "followed",
        "follow_done", "id",
    },
    "case": {
        "kind", "unit_kind", "inspected_kind", "type", "target_unit_id", "inspection_id", "counted",
        "concluded_in_period", "to_implement", "accepted", "overdue", "urged_in_period",
        "checked_in_period", "amount_vnd", "area_m2", "persons", "id",
    },
    "payment": {
        "kind", "unit_kind", "type", "case_id", "case_to_implement", "paid", "money", "land",
        "amount_vnd", "area_m2", "id",
    },
}  # fmt: skip
# Where the ids of a `distinct:` value point: the records a drill-down lists.
DISTINCT_KINDS = {"target_unit_id": "unit", "inspection_id": "inspection", "case_id": "case"}


@dataclass
class Records:
    """The period's records as plain attribute dicts, by kind and id."""

    inspection: dict[int, dict] = field(default_factory=dict)
    case: dict[int, dict] = field(default_factory=dict)
    payment: dict[int, dict] = field(default_factory=dict)
    # The ids of the period's inspections as SQL: the later queries select within them (a
    # province's year holds more ids than PostgreSQL takes parameters in one statement).
    inspection_ids: Select | None = None


def _deadlines_at(case_ids: Select, after) -> dict[int, date]:
    """The deadline each case of `case_ids` (a select of ids) had before its first deadline
    change at or after `after` (a case changed later than the cut-off had that deadline at the
    cut-off)."""
    rows = db.session.execute(
        select(AuditEvent.object_id, AuditEvent.before)
        .where(
            AuditEvent.object_type == "Case",
            AuditEvent.action == "case_deadline_changed",
            AuditEvent.at >= after,
            AuditEvent.object_id.in_(case_ids),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    found: dict[int, date] = {}
    for case_id, before in rows:
        if case_id not in found and before and before.get("due_date"):
            found[case_id] = date.fromisoformat(str(before["due_date"])[:10])
    return found


def _issued_in(start: date, end: date):
    return (
        Document.state == DocumentState.ISSUED,
        Document.registered_on >= start,
        Document.registered_on <= end,
    )


def load(period: Period, cutoff: date) -> Records:
    """Read the records of the period as of `cutoff` (five queries)."""
    start = period.start
    end_of_cutoff = clock.start_of_local_day(cutoff + timedelta(days=1))
    recs = Records(inspection_ids=select(Inspection.id).where(Inspection.decision_date <= cutoff))
    for row in db.session.execute(
        select(
            Inspection.id,
            Inspection.kind,
            Inspection.target_unit_id,
            Unit.kind,
            Inspection.plan_item_id,
            Inspection.decision_date,
            Inspection.onsite_ended_on,
            Inspection.conclusion_date,
        )
        .join(Unit, Unit.id == Inspection.target_unit_id)
        .where(Inspection.decision_date <= cutoff)
    ):
        iid, kind, unit_id, unit_kind, plan_item, decided, ended, concluded = row
        concluded = concluded if concluded is not None and concluded <= cutoff else None
        carried = decided < start and (concluded is None or concluded >= start)
        started = start <= decided <= cutoff
        recs.inspection[iid] = {
            "id": iid,
            "kind": kind.value,
            "unit_kind": unit_kind.value,
            "inspected_kind": unit_kind.value,
            "target_unit_id": unit_id,
            "carried_over": carried,
            "started_in_period": started,
            "in_period": carried or started,
            "planned": plan_item is not None,
            "ad_hoc": plan_item is None,
            "onsite_ended": ended is not None and ended <= cutoff,
            "concluded": concluded is not None,
            "concluded_on": concluded,
            "followed": False,
            "follow_done": False,
        }
    urged = set(
        db.session.execute(
            select(Document.case_id).where(
                Document.kind == DocumentKind.URGING, *_issued_in(start, cutoff)
            )
        ).scalars()
    )
    checked = set(
        db.session.execute(
            select(CheckedCase.case_id)
            .join(ImplementationCheck, ImplementationCheck.id == CheckedCase.check_id)
            .join(Document, Document.id == ImplementationCheck.document_id)
            .where(*_issued_in(start, cutoff))
        ).scalars()
    )
    in_period = Case.inspection_id.in_(recs.inspection_ids)
    rows = db.session.execute(
        select(
            Case.id,
            Case.inspection_id,
            Case.type,
            Case.state,
            Case.closed_at,
            Case.due_date,
            Case.amount_vnd,
            Case.area_m2,
            Case.persons_count,
            Unit.kind,
        )
        .join(Unit, Unit.id == Case.responsible_unit_id)
        .where(in_period)
    ).all()
    deadlines = _deadlines_at(select(Case.id).where(in_period), end_of_cutoff)
    per_inspection: dict[int, list[dict]] = defaultdict(list)
    for cid, iid, ctype, state, closed_at, due, amount, area, persons, unit_kind in rows:
        insp = recs.inspection[iid]
        if insp["concluded_on"] is None:
            continue  # recommendations count from their conclusion
        closed = clock.local(closed_at).date() if closed_at and closed_at < end_of_cutoff else None
        accepted = closed is not None and state == CaseState.ACCEPTED
        withdrawn = closed is not None and state == CaseState.WITHDRAWN
        due_then = deadlines.get(cid, due)
        counted = not withdrawn
        to_implement = counted and not (closed is not None and closed < start)
        record = {
            "id": cid,
            "kind": insp["kind"],
            "unit_kind": unit_kind.value,
            "inspected_kind": insp["inspected_kind"],
            "type": ctype.value,
            "target_unit_id": insp["target_unit_id"],
            "inspection_id": iid,
            "counted": counted,
            "concluded_in_period": start <= insp["concluded_on"] <= cutoff,
            "to_implement": to_implement,
            "accepted": accepted,
            "overdue": to_implement and not accepted and due_then < cutoff,
            "urged_in_period": cid in urged,
            "checked_in_period": cid in checked,
            "amount_vnd": Decimal(amount) if amount is not None else Decimal(0),
            "area_m2": Decimal(area) if area is not None else Decimal(0),
            "persons": Decimal(persons or 1),
            "due_at_cutoff": due_then,
        }
        recs.case[cid] = record
        if to_implement:
            per_inspection[iid].append(record)
    for iid, cases in per_inspection.items():
        recs.inspection[iid]["followed"] = True
        recs.inspection[iid]["follow_done"] = all(c["accepted"] for c in cases)
    for pid, case_id, amount, area in db.session.execute(
        select(
            RecoveryPayment.id,
            RecoveryPayment.case_id,
            RecoveryPayment.amount_vnd,
            RecoveryPayment.area_m2,
        ).where(RecoveryPayment.paid_on <= cutoff)
    ):
        case = recs.case.get(case_id)
        if case is None:
            continue
        recs.payment[pid] = {
            "id": pid,
            "kind": case["kind"],
            "unit_kind": case["unit_kind"],
            "type": case["type"],
            "case_id": case_id,
            "target_unit_id": case["target_unit_id"],
            "inspection_id": case["inspection_id"],
            "case_to_implement": case["to_implement"],
            "paid": True,
            "money": amount is not None,
            "land": area is not None,
            "amount_vnd": Decimal(amount) if amount is not None else Decimal(0),
            "area_m2": Decimal(area) if area is not None else Decimal(0),
        }
    return recs


@functools.cache
def _test(term: str):
    """A form's term ("unit_kind=province|department", "!accepted", "overdue") as a test of a
    record, parsed once."""
    negate = term.startswith("!")
    name = term.lstrip("!")
    if "=" in name:
        name, values = name.split("=", 1)
        allowed = frozenset(values.split("|"))
        return lambda record: (str(record.get(name)) in allowed) != negate
    return lambda record: bool(record.get(name)) != negate


def narrowed(records, terms) -> list[dict]:
    """The `records` matching every one of `terms`."""
    pool = records
    for term in terms:  # one pass a term, each on what the last one kept
        pool = list(filter(_test(term), pool))
    return pool if isinstance(pool, list) else list(pool)


@dataclass(frozen=True)
class CellValue:
    """A cell's figure and what it counts: the ids of its records (`kind`)."""

    value: Decimal
    kind: str
    ids: tuple[int, ...]


def evaluate(chosen: list[dict], column: dict) -> CellValue:
    """One cell from the records it counts (those of its table, row and column terms):
    counted, summed or their distinct attribute counted."""
    how, _sep, attr = column["value"].partition(":")
    if how == "count":
        return CellValue(
            Decimal(len(chosen)), column["record"], tuple(sorted(r["id"] for r in chosen))
        )
    if how == "distinct":
        values = sorted({r[attr] for r in chosen})
        return CellValue(Decimal(len(values)), DISTINCT_KINDS[attr], tuple(values))
    total = sum((r[attr] for r in chosen), Decimal(0))
    return CellValue(total, column["record"], tuple(sorted(r["id"] for r in chosen)))


def _narrowed_by_prefix(memo: dict, pools: dict[str, list], column: dict) -> list[dict]:
    """`pools[column's record]` narrowed by the column's terms one at a time, each step kept in
    `memo`: columns sharing their first terms ("to_implement", then "accepted") narrow once."""
    kind, terms = column["record"], tuple(column["where"])
    pool = pools[kind]
    for n in range(1, len(terms) + 1):
        key = (kind, terms[:n])
        if key not in memo:
            memo[key] = narrowed(pool, terms[n - 1 : n])
        pool = memo[key]
    return pool


def compute(version: FormVersion, period: Period, cutoff: date, records: Records | None = None):
    """Every cell of every table of `version` for the period as of `cutoff`: a list of tables,
    each {code, title, row_header, columns, rows: [{key, label, total, cells: {column key:
    CellValue}}]}; the totals row counts every record of the table (its figure equals the
    rows' sum: the rows partition the records by the unit's level)."""
    records = records if records is not None else load(period, cutoff)
    tables = []
    for table in version.tables:
        base = list(table.get("where", []))
        # Each kind of record narrowed once to the table's terms, then once per row: a cell
        # tests only its column's terms, on its row's records.
        in_table = {
            kind: narrowed(getattr(records, kind).values(), base)
            for kind in {col["record"] for col in table["columns"]}
        }
        rows = []
        for row in [*table["rows"], {"key": "total", "label": "Tổng cộng", "where": []}]:
            in_row = {kind: narrowed(pool, row.get("where", [])) for kind, pool in in_table.items()}
            prefixes: dict = {}
            cells = {
                col["key"]: evaluate(_narrowed_by_prefix(prefixes, in_row, col), col)
                for col in table["columns"]
            }
            rows.append(
                {
                    "key": row["key"],
                    "label": row["label"],
                    "total": row["key"] == "total",
                    "cells": cells,
                }
            )
        tables.append(
            {
                "code": table["code"],
                "title": table["title"],
                "row_header": table.get("row_header", ""),
                "columns": [
                    {"key": c["key"], "head": list(c["head"]), "unit": c["unit"]}
                    for c in table["columns"]
                ],
                "rows": rows,
            }
        )
    return tables


# --- drill-downs: the records a cell counts, listed from its ids ----------------------------------


@dataclass(frozen=True)
class DrillRow:
    """One record of a drill-down: its id, link, reference, text, unit, date and the amount
    the cell adds up for it (1 for a count)."""

    id: int
    link: str
    reference: str
    text: str
    unit: str
    day: date | None
    amount: Decimal
    extra: str = ""


def _measure(record_value: str, amount, area, persons) -> Decimal:
    how, _sep, attr = record_value.partition(":")
    if how != "sum":
        return Decimal(1)
    if attr == "amount_vnd":
        return Decimal(amount or 0)
    if attr == "area_m2":
        return Decimal(area or 0)
    return Decimal(persons or 1)


ID_CHUNK = 10_000  # ids a drill-down query names at most


def _in_id_order(model, ids: list[int], *columns, joins=()) -> list:
    """`model`'s id and `columns` for the records of `ids`, in id order (one query per
    `ID_CHUNK` ids: PostgreSQL takes at most 65,535 parameters); `joins` are the (target, on
    clause) pairs the columns need."""
    stmt = select(model.id, *columns)
    for target, on in joins:
        stmt = stmt.join(target, on)
    ordered = sorted(ids)
    return [
        row
        for at in range(0, len(ordered), ID_CHUNK)
        for row in db.session.execute(
            stmt.where(model.id.in_(ordered[at : at + ID_CHUNK])).order_by(model.id)
        )
    ]


# The unit a case is addressed to, and the case of a payment: the joins of the drill rows.
CASE_UNIT = (Unit, Unit.id == Case.responsible_unit_id)
PAYMENT_CASE = (Case, Case.id == RecoveryPayment.case_id)


def drill_rows(kind: str, ids: list[int], value: str) -> list[DrillRow]:
    """The records behind a cell, in id order (one query whatever their number)."""
    if not ids:
        return []
    if kind == "inspection":
        rows = _in_id_order(
            Inspection,
            ids,
            Inspection.decision_number,
            Inspection.title,
            Unit.name,
            Inspection.decision_date,
            Inspection.conclusion_number,
            joins=[(Unit, Unit.id == Inspection.target_unit_id)],
        )
        return [
            DrillRow(i, Inspection.path_of(i), num, title, unit, day, Decimal(1), concl or "")
            for i, num, title, unit, day, concl in rows
        ]
    if kind == "unit":
        rows = _in_id_order(Unit, ids, Unit.code, Unit.name)
        return [DrillRow(i, "", code or "", name, name, None, Decimal(1)) for i, code, name in rows]
    if kind == "case":
        rows = _in_id_order(
            Case,
            ids,
            Case.inspection_id,
            Case.number,
            Case.title,
            Unit.name,
            Case.due_date,
            Case.amount_vnd,
            Case.area_m2,
            Case.persons_count,
            Case.type,
            joins=[CASE_UNIT],
        )
        return [
            DrillRow(
                cid,
                Case.path_of(cid),
                Case.reference_of(iid, number),
                title,
                unit,
                due,
                _measure(value, amount, area, persons),
                ctype.label,
            )
            for cid, iid, number, title, unit, due, amount, area, persons, ctype in rows
        ]
    rows = _in_id_order(
        RecoveryPayment,
        ids,
        RecoveryPayment.case_id,
        Case.inspection_id,
        Case.number,
        RecoveryPayment.document_number,
        Unit.name,
        RecoveryPayment.paid_on,
        RecoveryPayment.amount_vnd,
        RecoveryPayment.area_m2,
        joins=[PAYMENT_CASE, CASE_UNIT],
    )
    return [
        DrillRow(
            pid,
            Case.path_of(case_id),
            Case.reference_of(iid, number),
            document,
            unit,
            paid_on,
            _measure(value, amount, area, 1),
        )
        for pid, case_id, iid, number, document, unit, paid_on, amount, area in rows
    ]


# --- the Chairman's breakdown: the same records per inspected unit and per field ---------------


@dataclass
class Breakdown:
    """One line of the breakdown: inspections conducted and concluded in the period, cases to
    implement, done, overdue, money to recover and recovered (as of the cut-off)."""

    name: str
    inspections: int = 0
    concluded: int = 0
    cases_due: int = 0
    cases_done: int = 0
    cases_overdue: int = 0
    vnd_due: Decimal = Decimal(0)
    vnd_recovered: Decimal = Decimal(0)

    def add(self, kind: str, record: dict) -> None:
        if kind == "inspection":
            self.inspections += record["in_period"]
            self.concluded += record["in_period"] and record["concluded"]
        elif kind == "case" and record["to_implement"]:
            self.cases_due += 1
            self.cases_done += record["accepted"]
            self.cases_overdue += record["overdue"]
            if record["type"] in ("recovery", "recovery_assets"):
                self.vnd_due += record["amount_vnd"]
        elif kind == "payment" and record["case_to_implement"] and record["money"]:
            self.vnd_recovered += record["amount_vnd"]


def breakdown(records: Records) -> tuple[list[Breakdown], list[Breakdown]]:
    """(per inspected unit, per field) lines of the period, largest first (two queries more:
    the units' and the fields' names). An inspection of several fields counts in each."""
    unit_ids = {r["target_unit_id"] for r in records.inspection.values()}
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all())
    fields_of: dict[int, list[str]] = defaultdict(list)
    for iid, name in db.session.execute(
        select(inspection_field.c.inspection_id, FieldOfWork.name)
        .join(FieldOfWork, FieldOfWork.id == inspection_field.c.field_id)
        .where(inspection_field.c.inspection_id.in_(records.inspection_ids))
    ):
        fields_of[iid].append(name)
    units: dict[int, Breakdown] = {}
    fields: dict[str, Breakdown] = {}
    for kind in ("inspection", "case", "payment"):
        for record in getattr(records, kind).values():
            iid = record["id"] if kind == "inspection" else record["inspection_id"]
            unit = record["target_unit_id"]
            units.setdefault(unit, Breakdown(names.get(unit, ""))).add(kind, record)
            for name in fields_of.get(iid, ()):
                fields.setdefault(name, Breakdown(name)).add(kind, record)

    def ordered(lines):
        shown = [b for b in lines if b.inspections or b.cases_due]
        return sorted(shown, key=lambda b: (-b.inspections, -b.cases_due, b.name))

    return ordered(units.values()), ordered(fields.values())
