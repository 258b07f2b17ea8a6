"""State changes of inspections (cuộc thanh tra / kiểm tra): each checks actor and state,
mutates, flushes and records one audit event. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app.auth.models import User
from inspect_app.core import audit, clock
from inspect_app.core.errors import Conflict, Forbidden, OperationError
from inspect_app.core.models import check_version
from inspect_app.core.roles import Role
from inspect_app.decisions import operations as decisions
from inspect_app.decisions.models import DecisionPurpose
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.plans.models import PlanItem, PlanState
from inspect_app.reference.calendar import Calendar, current_calendar
from inspect_app.reference.models import ActivityKind, DayKind, FieldOfWork, IssuingBody
from inspect_app.reference.queries import issuing_body_for
from inspect_app.reference.rules import onsite_duration
from inspect_app.units.models import Unit

S = InspectionState
FIELDS = (
    "kind",
    "issuing_body_id",
    "title",
    "plan_item_id",
    "ad_hoc_reason",
    "decision_number",
    "decision_date",
    "target_unit_id",
    "lead_id",
    "scope",
    "period_under_review",
    "start_date",
    "planned_end_date",
    "state",
    "onsite_started_on",
    "onsite_ended_on",
    "reported_on",
    "extension_reference",
    "extension_days",
    "conclusion_number",
    "conclusion_date",
    "conclusion_summary",
    "closed_on",
)
TEAM_ROLES = (Role.LEAD_INSPECTOR, Role.INSPECTOR)
CREATOR_ROLES = (Role.ADMIN, Role.LEAD_INSPECTOR, Role.LEADERSHIP)
EDITABLE_STATES = (S.PLANNED, S.IN_PROGRESS)


def _snap(inspection: Inspection) -> dict:
    data = audit.snapshot(inspection, FIELDS)
    data["member_ids"] = sorted(m.id for m in inspection.members)
    data["field_ids"] = sorted(f.id for f in inspection.fields)
    return data


def _is(user, *roles: Role) -> bool:
    return user is not None and user.role in roles


def _require_state(inspection: Inspection, *states: InspectionState) -> None:
    if inspection.state not in states:
        raise Conflict(
            _(
                "This cannot be done while the inspection is in the state “%(state)s”.",
                state=inspection.state.label,
            )
        )


# --- duration ------------------------------------------------------------------------------


@dataclass
class Duration:
    """The legal on-site duration of an inspection and the days used so far."""

    legal_days: int
    day_kind: DayKind
    extension_max: int | None
    source: str
    extension_days: int
    used: int | None

    @property
    def allowed(self) -> int:
        return self.legal_days + self.extension_days

    @property
    def left(self) -> int | None:
        return None if self.used is None else self.allowed - self.used

    @property
    def over(self) -> int:
        return max(0, -(self.left or 0))


def days_used(start: date, end: date, kind: DayKind, calendar: Calendar | None = None) -> int:
    """Days from the announcement day `start` (the day of the announcement minutes, biên bản
    công bố quyết định) to `end`, both included; working days when the rule says so."""
    if end < start:
        return 0
    if kind == DayKind.WORKING:
        cal = calendar or current_calendar()
        return cal.between(start - timedelta(days=1), end)
    return (end - start).days + 1


def duration(inspection: Inspection, as_of: date | None = None) -> Duration:
    """The duration panel's numbers: legal days for the kind, extension, days used."""
    amount, kind, ext_max, source = onsite_duration(inspection.kind.value)
    used = None
    if inspection.onsite_started_on is not None:
        end = inspection.onsite_ended_on or as_of or clock.today()
        used = days_used(inspection.onsite_started_on, end, kind)
    return Duration(amount, kind, ext_max, source, inspection.extension_days or 0, used)


# --- creating and editing ------------------------------------------------------------------


def _active_team_user(user_id: int | None, field: str, lead: bool) -> User:
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not user.active or user.role not in TEAM_ROLES:
        message = (
            _("The team leader must be an active inspector or lead inspector.")
            if lead
            else _("Every team member must be an active inspector.")
        )
        raise OperationError(message, field=field)
    return user


def _team(data: dict) -> tuple[User, list[User]]:
    if not data.get("lead_id"):
        raise OperationError(_("A team needs a leader."), field="lead_id")
    lead = _active_team_user(data["lead_id"], "lead_id", lead=True)
    members = []
    for member_id in dict.fromkeys(data.get("member_ids") or []):
        if member_id == lead.id:
            continue
        members.append(_active_team_user(member_id, "member_ids", lead=False))
    return lead, members


def _fields(ids) -> list[FieldOfWork]:
    ids = list(dict.fromkeys(ids or []))
    if not ids:
        return []
    found = list(db.session.execute(select(FieldOfWork).where(FieldOfWork.id.in_(ids))).scalars())
    if len(found) != len(ids):
        raise OperationError(_("Unknown field of work."), field="field_ids")
    return found


def _unit(unit_id: int | None) -> Unit:
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        raise OperationError(
            _("Unknown target unit: choose one from the list."), field="target_unit_id"
        )
    return unit


def _issuing_body(data: dict, kind: ActivityKind) -> IssuingBody | None:
    """The chosen issuing body, else the one issuing activities of `kind`; 422 unknown."""
    if data.get("issuing_body_id"):
        body = db.session.get(IssuingBody, data["issuing_body_id"])
        if body is None:
            raise OperationError(_("Not a valid choice."), field="issuing_body_id")
        return body
    return issuing_body_for(kind)


def _dates(data: dict) -> None:
    if data["planned_end_date"] < data["start_date"]:
        raise OperationError(
            _("The planned end cannot be before the start."), field="planned_end_date"
        )


def create_inspection(actor: User, data: dict) -> Inspection:
    """Open an inspection from an approved plan item (prefilled) or ad hoc with a reason; 403/422."""
    if not _is(actor, *CREATOR_ROLES):
        raise Forbidden(_("Only lead inspectors, leadership or administrators open inspections."))
    data = dict(data)
    item = None
    if data.get("plan_item_id"):
        item = db.session.get(PlanItem, data["plan_item_id"])
        if item is None or item.plan.state != PlanState.APPROVED:
            raise OperationError(_("Choose an item of an approved plan."), field="plan_item_id")
        already = db.session.execute(
            select(Inspection.id).where(Inspection.plan_item_id == item.id)
        ).first()
        if already:
            raise OperationError(
                _("An inspection was already opened for this plan item."), field="plan_item_id"
            )
        data["target_unit_id"] = data.get("target_unit_id") or item.target_unit_id
        data["kind"] = data.get("kind") or item.kind.value
        data["lead_id"] = data.get("lead_id") or item.lead_id
        if not data.get("field_ids"):
            data["field_ids"] = [f.id for f in item.fields]
        if not data.get("title"):
            data["title"] = item.content or _("Inspection of %(unit)s", unit=item.target_unit.name)
        data["ad_hoc_reason"] = None
    elif not (data.get("ad_hoc_reason") or "").strip():
        raise OperationError(
            _(
                "An inspection outside the plan needs a reason (request, signs of violation, "
                "complaint or denunciation)."
            ),
            field="ad_hoc_reason",
        )
    if not data.get("title"):
        raise OperationError(_("This field is required."), field="title")
    unit = _unit(data.get("target_unit_id"))
    _dates(data)
    lead, members = _team(data)
    kind = ActivityKind(data.get("kind") or ActivityKind.THANH_TRA.value)
    inspection = Inspection(
        kind=kind,
        issuing_body=_issuing_body(data, kind),
        title=data["title"],
        plan_item=item,
        ad_hoc_reason=data.get("ad_hoc_reason"),
        decision_number=data["decision_number"],
        decision_date=data["decision_date"],
        target_unit=unit,
        lead=lead,
        members=members,
        fields=_fields(data.get("field_ids")),
        scope=data.get("scope"),
        period_under_review=data.get("period_under_review"),
        start_date=data["start_date"],
        planned_end_date=data["planned_end_date"],
        state=S.PLANNED,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(inspection)
    db.session.flush()
    audit.record(actor, inspection, "inspection_created", after=_snap(inspection))
    return inspection


def update_inspection(actor: User, inspection: Inspection, data: dict) -> Inspection:
    """Edit the decision, team, target and dates (team, planned or in progress); 403/409/422."""
    if not inspection.can_edit(actor):
        raise Forbidden(_("Only the team or an administrator may edit this inspection."))
    check_version(inspection, data.get("version"))
    _require_state(inspection, *EDITABLE_STATES)
    if not inspection.plan_item_id and not (data.get("ad_hoc_reason") or "").strip():
        raise OperationError(
            _(
                "An inspection outside the plan needs a reason (request, signs of violation, "
                "complaint or denunciation)."
            ),
            field="ad_hoc_reason",
        )
    before = _snap(inspection)
    unit = _unit(data.get("target_unit_id"))
    _dates(data)
    lead, members = _team(data)
    if lead.id != inspection.lead_id and not inspection.can_manage(actor):
        raise Forbidden(_("Only the team leader or an administrator may change the leader."))
    kind = ActivityKind(data.get("kind") or inspection.kind.value)
    if kind != inspection.kind or data.get("issuing_body_id"):
        inspection.issuing_body = _issuing_body(data, kind)
    inspection.kind = kind
    inspection.title = data["title"]
    if not inspection.plan_item_id:
        inspection.ad_hoc_reason = data["ad_hoc_reason"]
    inspection.decision_number = data["decision_number"]
    inspection.decision_date = data["decision_date"]
    inspection.target_unit = unit
    inspection.lead = lead
    inspection.members = members
    inspection.fields = _fields(data.get("field_ids"))
    inspection.scope = data.get("scope")
    inspection.period_under_review = data.get("period_under_review")
    inspection.start_date = data["start_date"]
    inspection.planned_end_date = data["planned_end_date"]
    db.session.flush()
    audit.record(actor, inspection, "inspection_updated", before=before, after=_snap(inspection))
    return inspection


# --- transitions ---------------------------------------------------------------------------


def _transition(actor, inspection, action, version, mutate, note=None, extra=None) -> Inspection:
    """Check the version, mutate, audit (`extra`: more facts for the event, read after the
    mutation: a deciding document's)."""
    check_version(inspection, version)
    before = audit.snapshot(inspection, FIELDS)
    mutate()
    db.session.flush()
    after = audit.snapshot(inspection, FIELDS)
    after.update({k: v for k, v in (extra or {}).items() if v})
    audit.record(actor, inspection, action, before=before, after=after, note=note)
    return inspection


def _require_lead(actor, inspection) -> None:
    if not inspection.can_manage(actor):
        raise Forbidden(_("Only the team leader or an administrator may do this."))


def _lead_step(actor, inspection, version, source: S, target: S, action: str, dated: str):
    """A step of the team leader's: `source` -> `target`, today in the `dated` column; 403
    unless the leader (or an administrator), 409 in another state or on a stale version."""
    _require_lead(actor, inspection)
    _require_state(inspection, source)

    def mutate():
        inspection.state = target
        setattr(inspection, dated, clock.today())

    return _transition(actor, inspection, action, version, mutate)


def start_onsite(actor: User, inspection: Inspection, version: int | None = None) -> Inspection:
    """Announce the decision and start on-site work (planned -> in progress); 403/409."""
    step = (S.PLANNED, S.IN_PROGRESS, "inspection_started", "onsite_started_on")
    return _lead_step(actor, inspection, version, *step)


def _check_extension(
    inspection: Inspection, reference: str | None, days: int | None, doc: dict | None
) -> decisions.DecisionInput:
    """The extension's days and its deciding document (number = the reference, date, signer,
    file), checked: dated neither in the future nor before on-site work was announced."""
    info = duration(inspection)
    if not (reference or "").strip():
        raise OperationError(
            _("Give the reference of the extension decision."), field="extension_reference"
        )
    if not days or days < 1:
        raise OperationError(_("Give the number of extension days."), field="extension_days")
    if info.extension_max is not None and days > info.extension_max:
        raise OperationError(
            _(
                "The extension may not exceed %(n)d %(unit)s.",
                n=info.extension_max,
                unit=info.day_kind.label,
            ),
            field="extension_days",
        )
    start = inspection.onsite_started_on or inspection.decision_date
    try:
        return decisions.read(
            {**(doc or {}), "doc_number": reference},
            not_before=start,
            not_before_message=_(
                "The extension decision cannot be dated before on-site work was announced (%(d)s).",
                d=f"{start:%d/%m/%Y}",
            ),
        )
    except OperationError as e:  # the number is the form's reference field
        if e.field == "doc_number":
            e.field = "extension_reference"
        raise


def _attach_extension(actor, inspection: Inspection, decision) -> dict:
    _row, facts = decisions.attach(
        actor, decision, DecisionPurpose.ONSITE_EXTENSION, inspection=inspection
    )
    return facts


def record_extension(
    actor: User,
    inspection: Inspection,
    reference: str,
    days: int,
    version: int | None = None,
    doc: dict | None = None,
) -> Inspection:
    """Record the extension decision (gia hạn) of on-site work, once, with its date, signer
    and file (`doc`); 403/409/422, nothing written on a refusal."""
    _require_lead(actor, inspection)
    _require_state(inspection, S.IN_PROGRESS)
    if inspection.extension_reference:
        raise Conflict(_("An extension has already been recorded for this inspection."))
    decision = _check_extension(inspection, reference, days, doc)
    facts: dict = {}

    def mutate():
        inspection.extension_reference = reference.strip()
        inspection.extension_days = days
        facts.update(_attach_extension(actor, inspection, decision))

    return _transition(
        actor, inspection, "inspection_extended", version, mutate, extra={"decision": facts}
    )


def end_onsite(
    actor: User,
    inspection: Inspection,
    version: int | None = None,
    extension_reference: str | None = None,
    extension_days: int | None = None,
    doc: dict | None = None,
) -> Inspection:
    """End on-site work (in progress -> on-site ended); past the legal duration an extension
    decision must be given with its date, signer and file (`doc`); 403/409/422."""
    _require_lead(actor, inspection)
    _require_state(inspection, S.IN_PROGRESS)
    info = duration(inspection)
    over = info.over
    needs_extension = over > 0 and not inspection.extension_reference
    if needs_extension:
        if not (extension_reference or "").strip():
            raise OperationError(
                _(
                    "On-site work has lasted %(used)d %(unit)s, %(over)d more than the legal "
                    "%(allowed)d: give the reference of the extension decision.",
                    used=info.used,
                    unit=info.day_kind.label,
                    over=over,
                    allowed=info.allowed,
                ),
                field="extension_reference",
            )
        decision = _check_extension(inspection, extension_reference, extension_days, doc)
    else:
        decision = None
    facts: dict = {}

    def mutate():
        if decision is not None:
            inspection.extension_reference = extension_reference.strip()
            inspection.extension_days = extension_days
            facts.update(_attach_extension(actor, inspection, decision))
        inspection.state = S.ONSITE_ENDED
        inspection.onsite_ended_on = clock.today()

    unit = info.day_kind.label
    note = _("Over the legal duration by %(n)d %(unit)s.", n=over, unit=unit) if over else None
    return _transition(
        actor, inspection, "inspection_onsite_ended", version, mutate, note, {"decision": facts}
    )


def submit_report(actor: User, inspection: Inspection, version: int | None = None) -> Inspection:
    """Submit the team report (on-site ended -> reported); 403/409."""
    step = (S.ONSITE_ENDED, S.REPORTED, "inspection_reported", "reported_on")
    return _lead_step(actor, inspection, version, *step)


def conclude(actor: User, inspection: Inspection, data: dict) -> Inspection:
    """Record the signed conclusion (reported -> concluded), by leadership or admin; 403/409/422."""
    if not _is(actor, Role.LEADERSHIP, Role.ADMIN):
        raise Forbidden(_("The conclusion is signed by the leadership of the inspectorate."))
    _require_state(inspection, S.REPORTED)
    if inspection.reported_on and data["conclusion_date"] < inspection.reported_on:
        raise OperationError(
            _(
                "The conclusion date cannot be before the report date (%(d)s).",
                d=inspection.reported_on.strftime("%d/%m/%Y"),
            ),
            field="conclusion_date",
        )

    def mutate():
        inspection.state = S.CONCLUDED
        inspection.conclusion_number = data["conclusion_number"]
        inspection.conclusion_date = data["conclusion_date"]
        inspection.conclusion_summary = data["conclusion_summary"]

    return _transition(actor, inspection, "inspection_concluded", data.get("version"), mutate)


def start_monitoring(actor: User, inspection: Inspection, version: int | None = None) -> Inspection:
    """Start following up the conclusion (concluded -> monitoring): lead or leadership; 403/409."""
    if not (inspection.can_manage(actor) or _is(actor, Role.LEADERSHIP)):
        raise Forbidden(_("Only the team leader or the leadership may do this."))
    _require_state(inspection, S.CONCLUDED)

    def mutate():
        inspection.state = S.MONITORING

    return _transition(actor, inspection, "inspection_monitoring", version, mutate)


def open_case_count(inspection: Inspection) -> int:
    """Recommendations of this inspection still open or awaiting verification."""
    return sum(1 for case in inspection.cases if not case.is_final)


def close(actor: User, inspection: Inspection, version: int | None = None) -> Inspection:
    """Close the inspection (monitoring -> closed) once no case is open; leadership; 403/409."""
    if not _is(actor, Role.LEADERSHIP, Role.ADMIN):
        raise Forbidden(_("Only the leadership may close an inspection."))
    _require_state(inspection, S.MONITORING)
    pending = open_case_count(inspection)
    if pending:
        raise Conflict(
            _(
                "%(n)d recommendation(s) are still open or awaiting verification: "
                "the inspection cannot be closed yet.",
                n=pending,
            )
        )

    def mutate():
        inspection.state = S.CLOSED
        inspection.closed_on = clock.today()

    return _transition(actor, inspection, "inspection_closed", version, mutate)
