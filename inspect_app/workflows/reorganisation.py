"""Reorganisations of the unit tree (sắp xếp đơn vị): merge, rename, split, move.

Each kind has a `plan_*` function that checks the request and computes exactly what will
change (a `ReorgPlan`, shown as the preview) and one `apply_plan` that carries out a plan. The
confirm step recomputes the plan from the same inputs and refuses it (409) when its digest is
not the one the administrator previewed: what was shown is what happens.

What moves to the successor: cases not yet final (open or answered), plan items not yet done
(plans of the effective year or later with no concluded inspection), user accounts, and
sub-units. Closed cases, inspections and their documents stay with the old unit, whose name is
kept in `UnitPeriod` rows ("the tree at a date").
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import audit, clock
from inspect_app.core.errors import Conflict, OperationError
from inspect_app.extension_requests.models import ExtensionRequest, ExtensionState
from inspect_app.extensions import db
from inspect_app.inspections.models import CONCLUDED_STATES, Inspection
from inspect_app.plans.models import Plan, PlanItem
from inspect_app.units.models import (
    Unit,
    UnitEvent,
    UnitEventKind,
    UnitEventRole,
    UnitEventUnit,
    UnitKind,
    UnitPeriod,
)
from inspect_app.units.operations import UNIT_FIELDS, active_unit

# Kinds of objects that follow a unit, in the order the preview lists them.
MOVE_KINDS = {
    "case": _l("Open cases"),
    "plan_item": _l("Plan items not yet done"),
    "user": _l("User accounts"),
    "child_unit": _l("Sub-units"),
}


class StalePreview(Conflict):
    def default_message(self):
        return _l(
            "What would move has changed since the preview (someone changed a record in the "
            "meantime). Check the new preview and confirm again."
        )


@dataclass
class NewUnit:
    """A unit the reorganisation creates (the merged unit, or a part of a split)."""

    key: str
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None


@dataclass
class Move:
    """One record that will point at another unit: `target` is "unit:<id>" or "new:<n>"."""

    kind: str
    id: int
    label: str
    source_id: int
    target: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class ReorgPlan:
    """Everything a reorganisation will change; the preview lists it, `apply_plan` does it."""

    kind: UnitEventKind
    effective_date: date
    decision_reference: str
    note: str | None
    sources: list[Unit] = field(default_factory=list)
    targets: list[Unit] = field(default_factory=list)
    new_units: list[NewUnit] = field(default_factory=list)
    renames: list[tuple[Unit, str, str, str, str]] = field(default_factory=list)
    reparents: list[tuple[Unit, int | None, int | None]] = field(default_factory=list)
    dissolve: list[tuple[Unit, str]] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    closed_cases_staying: int = 0
    pending_extension_requests: int = 0
    choices: list[tuple[str, str]] = field(default_factory=list)

    def target_name(self, key: str) -> str:
        """The display name of a target key."""
        if key.startswith("new:"):
            return next(n.name for n in self.new_units if n.key == key)
        unit = db.session.get(Unit, int(key.split(":")[1]))
        return unit.name if unit else key

    @property
    def real_moves(self) -> list[Move]:
        return [m for m in self.moves if m.target != f"unit:{m.source_id}"]

    def moves_of(self, kind: str) -> list[Move]:
        return [m for m in self.moves if m.kind == kind]

    def counts(self) -> dict[str, int]:
        """Number of records that change unit, per kind."""
        counts = dict.fromkeys(MOVE_KINDS, 0)
        for move in self.real_moves:
            counts[move.kind] += 1
        return counts

    @property
    def digest(self) -> str:
        """A fingerprint of the plan and the versions it was computed from."""
        body = {
            "kind": self.kind.value,
            "day": self.effective_date.isoformat(),
            "ref": self.decision_reference,
            "note": self.note,
            "sources": [(u.id, u.version) for u in self.sources],
            "targets": [(u.id, u.version) for u in self.targets],
            "new": [(n.key, n.code, n.name, n.kind.value, n.parent_id) for n in self.new_units],
            "renames": [(u.id, *names) for u, *names in self.renames],
            "reparents": [(u.id, a, b) for u, a, b in self.reparents],
            "dissolve": [(u.id, key) for u, key in self.dissolve],
            "moves": [(m.kind, m.id, m.source_id, m.target) for m in self.moves],
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


# --- checks shared by every kind --------------------------------------------------------------


def _common(kind: UnitEventKind, data: dict) -> ReorgPlan:
    day = data.get("effective_date")
    if day is None:
        raise OperationError(_("Give the effective date."), field="effective_date")
    if day > clock.today():
        raise OperationError(
            _("The effective date cannot be in the future: record the change when it applies."),
            field="effective_date",
        )
    reference = (data.get("decision_reference") or "").strip()
    if not reference:
        raise OperationError(
            _("Give the number and date of the decision."), field="decision_reference"
        )
    note = (data.get("note") or "").strip() or None
    return ReorgPlan(kind, day, reference, note)


def _check_dates(plan: ReorgPlan, units: list[Unit]) -> None:
    """A reorganisation cannot be dated before one already recorded for the same units."""
    ids = [u.id for u in units]
    if not ids:
        return
    latest = db.session.execute(
        select(func.max(UnitPeriod.valid_from)).where(UnitPeriod.unit_id.in_(ids))
    ).scalar()
    if latest is not None and plan.effective_date <= latest:
        raise OperationError(
            _(
                "A reorganisation of these units is already recorded on %(day)s: "
                "the effective date must be later.",
                day=latest.strftime("%d/%m/%Y"),
            ),
            field="effective_date",
        )


def _new_unit(plan: ReorgPlan, index: int, code, name, kind, parent_id, field_suffix="") -> NewUnit:
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not code or not name:
        raise OperationError(
            _("Give the code and the name of the new unit."), field="new_name" + field_suffix
        )
    if db.session.execute(select(Unit.id).where(Unit.code == code)).first() is not None or any(
        n.code == code for n in plan.new_units
    ):
        raise OperationError(
            _("The code %(code)s is already used.", code=code), field="new_code" + field_suffix
        )
    try:
        kind = UnitKind(kind or UnitKind.AGENCY)
    except ValueError:
        raise OperationError(_("Not a valid choice."), field="new_kind") from None
    if parent_id is not None:
        active_unit(parent_id, "new_parent_id")
    unit = NewUnit(f"new:{index}", code, name, kind, parent_id)
    plan.new_units.append(unit)
    return unit


def _movable(plan: ReorgPlan, sources: list[Unit], default_target: str) -> None:
    """List the records of `sources` that follow them (each with `default_target`)."""
    ids = [u.id for u in sources]
    running = (CaseState.OPEN, CaseState.ANSWERED)
    cases = db.session.execute(
        select(Case)
        .where(Case.responsible_unit_id.in_(ids), Case.state.in_(running))
        .order_by(Case.id)
    ).scalars()
    for case in cases:
        plan.moves.append(
            Move("case", case.id, str(case), case.responsible_unit_id, default_target)
        )
    done = exists().where(
        Inspection.plan_item_id == PlanItem.id, Inspection.state.in_(CONCLUDED_STATES)
    )
    items = db.session.execute(
        select(PlanItem)
        .join(PlanItem.plan)
        .options(joinedload(PlanItem.plan))
        .where(
            PlanItem.target_unit_id.in_(ids),
            Plan.year >= plan.effective_date.year,
            ~done,
        )
        .order_by(PlanItem.id)
    ).scalars()
    for item in items:
        label = f"{item.plan.title} ({item.period_label})"
        plan.moves.append(Move("plan_item", item.id, label, item.target_unit_id, default_target))
    users = db.session.execute(
        select(User).where(User.unit_id.in_(ids)).order_by(User.full_name, User.id)
    ).scalars()
    for user in users:
        label = f"{user.full_name} ({user.username}, {user.role.label})"
        plan.moves.append(Move("user", user.id, label, user.unit_id, default_target))
    children = db.session.execute(
        select(Unit)
        .where(Unit.parent_id.in_(ids), Unit.id.not_in(ids), Unit.active.is_(True))
        .order_by(Unit.name)
    ).scalars()
    for child in children:
        plan.moves.append(Move("child_unit", child.id, child.name, child.parent_id, default_target))
    plan.closed_cases_staying = db.session.execute(
        select(func.count())
        .select_from(Case)
        .where(Case.responsible_unit_id.in_(ids), Case.state.not_in(running))
    ).scalar_one()
    plan.pending_extension_requests = _pending_extension_requests(
        [m.id for m in plan.moves if m.kind == "case"]
    )


def _pending_extension_requests(case_ids: list[int]) -> int:
    """Pending extension requests hang off their case and follow it; counted for the preview."""
    if not case_ids:
        return 0
    return db.session.execute(
        select(func.count())
        .select_from(ExtensionRequest)
        .where(
            ExtensionRequest.case_id.in_(case_ids),
            ExtensionRequest.state == ExtensionState.PENDING,
        )
    ).scalar_one()


def _below(unit: Unit, ancestor_ids: set[int]) -> bool:
    node = unit.parent
    while node is not None:
        if node.id in ancestor_ids:
            return True
        node = node.parent
    return False


# --- the four kinds --------------------------------------------------------------------------


def plan_merge(data: dict) -> ReorgPlan:
    """Merge `source_ids` into an existing `target_unit_id` or a new unit (new_code, new_name,
    new_kind, new_parent_id). 422 with the field on bad input."""
    plan = _common(UnitEventKind.MERGE, data)
    source_ids = sorted(set(data.get("source_ids") or []))
    sources = [active_unit(uid, "source_ids") for uid in source_ids]
    target_id = data.get("target_unit_id")
    if target_id:
        target = active_unit(target_id, "target_unit_id")
        if target.id in source_ids:
            raise OperationError(
                _("The unit merged into cannot be one of the merged units."),
                field="target_unit_id",
            )
        if _below(target, set(source_ids)):
            raise OperationError(
                _("The unit merged into cannot be below one of the merged units."),
                field="target_unit_id",
            )
        if not sources:
            raise OperationError(_("Choose the units to merge."), field="source_ids")
        plan.targets.append(target)
        key = f"unit:{target.id}"
    else:
        if len(sources) < 2:
            raise OperationError(
                _("Choose at least two units to merge into a new unit."), field="source_ids"
            )
        parent_id = data.get("new_parent_id") or sources[0].parent_id
        if parent_id in source_ids:
            raise OperationError(
                _("The new unit cannot be placed under a merged unit."), field="new_parent_id"
            )
        key = _new_unit(
            plan, 0, data.get("new_code"), data.get("new_name"), data.get("new_kind"), parent_id
        ).key
    _check_dates(plan, sources + plan.targets)
    plan.sources = sources
    plan.dissolve = [(u, key) for u in sources]
    _movable(plan, sources, key)
    return plan


def plan_rename(data: dict) -> ReorgPlan:
    """Give `unit_id` a new name (and optionally a new code); the old name stays in history."""
    plan = _common(UnitEventKind.RENAME, data)
    unit = active_unit(data.get("unit_id"), "unit_id")
    name = (data.get("new_name") or "").strip()
    code = (data.get("new_code") or "").strip().upper() or unit.code
    if not name:
        raise OperationError(_("Give the new name."), field="new_name")
    if name == unit.name and code == unit.code:
        raise OperationError(_("The new name is the same as the current one."), field="new_name")
    other = db.session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if other is not None and other.id != unit.id:
        raise OperationError(_("The code %(code)s is already used.", code=code), field="new_code")
    _check_dates(plan, [unit])
    plan.targets = [unit]
    plan.renames = [(unit, unit.name, name, unit.code, code)]
    return plan


def plan_move(data: dict) -> ReorgPlan:
    """Place `unit_id` under `new_parent_id` (none: top level); refuses cycles (422)."""
    plan = _common(UnitEventKind.MOVE, data)
    unit = active_unit(data.get("unit_id"), "unit_id")
    parent_id = data.get("new_parent_id")
    if parent_id is not None:
        parent = active_unit(parent_id, "new_parent_id")
        if parent.id == unit.id or _below(parent, {unit.id}):
            raise OperationError(
                _("A unit cannot be placed under itself or one of its sub-units."),
                field="new_parent_id",
            )
    if parent_id == unit.parent_id:
        raise OperationError(_("The unit is already there."), field="new_parent_id")
    _check_dates(plan, [unit])
    plan.targets = [unit]
    plan.reparents = [(unit, unit.parent_id, parent_id)]
    return plan


def plan_split(data: dict) -> ReorgPlan:
    """Split `unit_id` into new units (new_codes, new_names; kind and parent of the source).

    With `source_continues` the source keeps existing and its records stay unless allocated
    to a new unit; otherwise it is dissolved and its records go to the first new unit unless
    allocated elsewhere. `allocation` maps "kind:id" to a target key ("new:<n>" or
    "unit:<source id>")."""
    plan = _common(UnitEventKind.SPLIT, data)
    source = active_unit(data.get("unit_id"), "unit_id")
    codes = list(data.get("new_codes") or [])
    names = list(data.get("new_names") or [])
    pairs = [
        (c, n)
        for c, n in zip(codes + [""] * len(names), names + [""] * len(codes), strict=False)
        if c or n
    ]
    continues = bool(data.get("source_continues"))
    if len(pairs) < (1 if continues else 2):
        raise OperationError(
            _(
                "A unit that ends must be split into at least two new units; one that continues "
                "into at least one."
            ),
            field="new_names",
        )
    for index, (code, name) in enumerate(pairs):
        _new_unit(plan, index, code, name, source.kind.value, source.parent_id)
    _check_dates(plan, [source])
    plan.sources = [source]
    stay = f"unit:{source.id}"
    default = stay if continues else "new:0"
    if not continues:
        plan.dissolve = [(source, "new:0")]
    _movable(plan, [source], default)
    allowed = [n.key for n in plan.new_units] + ([stay] if continues else [])
    plan.choices = [(key, plan.target_name(key)) for key in allowed]
    allocation = data.get("allocation") or {}
    for move in plan.moves:
        chosen = allocation.get(move.key)
        if chosen is None:
            continue
        if chosen not in allowed:
            raise OperationError(_("Not a valid choice."), field="allocation")
        move.target = chosen
    return plan


PLANNERS = {
    UnitEventKind.MERGE: plan_merge,
    UnitEventKind.RENAME: plan_rename,
    UnitEventKind.MOVE: plan_move,
    UnitEventKind.SPLIT: plan_split,
}


def plan_reorganisation(kind: UnitEventKind, data: dict) -> ReorgPlan:
    """The plan of any kind of reorganisation (the preview and the confirmation call this)."""
    return PLANNERS[kind](data)


# --- carrying out a plan ---------------------------------------------------------------------


def _close_period(unit: Unit, day: date, event: UnitEvent) -> None:
    """End the unit's current period on `day` (recording the period before any history)."""
    periods = list(
        db.session.execute(select(UnitPeriod).where(UnitPeriod.unit_id == unit.id)).scalars()
    )
    if not periods:
        _add_period(unit, event, valid_to=day)
        return
    for period in periods:
        if period.valid_to is None:
            if period.valid_from is not None and period.valid_from >= day:
                db.session.delete(period)  # superseded the day it began
            else:
                period.valid_to = day


def _add_period(
    unit: Unit, event: UnitEvent, valid_from: date | None = None, valid_to: date | None = None
) -> None:
    """Record the unit's current name and parent as a period from `valid_from` to `valid_to`."""
    db.session.add(
        UnitPeriod(
            unit_id=unit.id,
            name=unit.name,
            parent_id=unit.parent_id,
            valid_from=valid_from,
            valid_to=valid_to,
            event_id=event.id,
        )
    )


def _open_period(unit: Unit, day: date, event: UnitEvent) -> None:
    _add_period(unit, event, valid_from=day)


def _link(event: UnitEvent, unit: Unit, role: UnitEventRole) -> None:
    event.units.append(UnitEventUnit(unit=unit, role=role))


def apply_plan(actor, plan: ReorgPlan, digest: str | None) -> UnitEvent:
    """Carry out a previewed plan: 409 (`StalePreview`) when `digest` is not the plan's."""
    if not digest or digest != plan.digest:
        raise StalePreview()
    day, ref = plan.effective_date, plan.decision_reference
    event = UnitEvent(
        kind=plan.kind,
        effective_date=day,
        decision_reference=ref,
        note=plan.note,
        actor_id=getattr(actor, "id", None),
    )
    db.session.add(event)
    db.session.flush()

    units: dict[str, Unit] = {f"unit:{u.id}": u for u in plan.sources + plan.targets}
    for new in plan.new_units:
        unit = Unit(
            code=new.code, name=new.name, kind=new.kind, parent_id=new.parent_id, active=True
        )
        db.session.add(unit)
        db.session.flush()
        units[new.key] = unit
        _open_period(unit, day, event)
        _link(event, unit, UnitEventRole.TARGET)
        audit.record(actor, unit, "unit_created", after=audit.snapshot(unit, UNIT_FIELDS), note=ref)
    for unit in plan.sources:
        _link(event, unit, UnitEventRole.SOURCE)
    for unit in plan.targets:
        _link(event, unit, UnitEventRole.TARGET)

    def resolve(key: str) -> Unit:
        if key not in units:
            units[key] = db.session.get(Unit, int(key.split(":")[1]))
        return units[key]

    for unit, _old, new_name, _old_code, new_code in plan.renames:
        before = audit.snapshot(unit, UNIT_FIELDS)
        _close_period(unit, day, event)
        unit.name, unit.code = new_name, new_code
        db.session.flush()
        _open_period(unit, day, event)
        audit.record(actor, unit, "unit_renamed", before, audit.snapshot(unit, UNIT_FIELDS), ref)
    for unit, _old_parent, new_parent in plan.reparents:
        before = audit.snapshot(unit, UNIT_FIELDS)
        _close_period(unit, day, event)
        unit.parent_id = new_parent
        db.session.flush()
        _open_period(unit, day, event)
        audit.record(actor, unit, "unit_moved", before, audit.snapshot(unit, UNIT_FIELDS), ref)

    models = {"case": Case, "plan_item": PlanItem, "user": User, "child_unit": Unit}
    columns = {
        "case": "responsible_unit_id",
        "plan_item": "target_unit_id",
        "user": "unit_id",
        "child_unit": "parent_id",
    }
    for move in plan.real_moves:
        record = db.session.get(models[move.kind], move.id)
        column = columns[move.kind]
        target = resolve(move.target)
        before = {column: getattr(record, column)}
        if move.kind == "child_unit":
            _close_period(record, day, event)
        setattr(record, column, target.id)
        db.session.flush()
        if move.kind == "child_unit":
            _open_period(record, day, event)
        audit.record(
            actor,
            record,
            "unit_reassigned",
            before,
            {column: target.id, "unit_event_id": event.id},
            note=ref,
        )

    for unit, key in plan.dissolve:
        before = audit.snapshot(unit, UNIT_FIELDS)
        _close_period(unit, day, event)
        unit.active = False
        unit.successor_id = resolve(key).id
        db.session.flush()
        audit.record(actor, unit, "unit_dissolved", before, audit.snapshot(unit, UNIT_FIELDS), ref)

    db.session.flush()
    summary = {
        "kind": plan.kind.value,
        "effective_date": day,
        "sources": [u.id for u in plan.sources],
        "targets": [units[n.key].id for n in plan.new_units] + [u.id for u in plan.targets],
        "moved": plan.counts(),
    }
    audit.record(actor, event, "unit_reorganised", after=summary, note=ref)
    return event


def moved_records(event: UnitEvent) -> list[audit.AuditEvent]:
    """The audit events of every record `event` moved to another unit, oldest first."""
    return [
        e
        for e in db.session.execute(
            select(audit.AuditEvent)
            .where(
                audit.AuditEvent.action == "unit_reassigned",
                audit.AuditEvent.note == event.decision_reference,
            )
            .order_by(audit.AuditEvent.id)
        ).scalars()
        if (e.after or {}).get("unit_event_id") == event.id
    ]
