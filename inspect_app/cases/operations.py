"""State changes of cases (kiến nghị): creation from findings, deadline changes, withdrawal,
the unit's answer (see answers.operations), and the team's verification: accepted, rejected
or partly done. Each checks state and actor, flushes, audits and queues notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from inspect_app.auth.models import User
from inspect_app.cases.models import (
    VND_RECOVERY_TYPES,
    WITHDRAWABLE_STATES,
    Case,
    CaseState,
    CaseType,
    DisciplineForm,
    format_quantity,
    recovery_unit,
)
from inspect_app.core import audit, clock
from inspect_app.core.batch import BatchResult
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.models import check_version
from inspect_app.decisions import operations as decisions
from inspect_app.decisions.models import DecisionPurpose
from inspect_app.deputies.queries import recipients_by_unit, unit_recipients
from inspect_app.extensions import db
from inspect_app.findings.models import Finding
from inspect_app.inspections.models import CASE_CREATION_STATES, Inspection
from inspect_app.notifications.operations import notify, notify_many
from inspect_app.reference.calendar import add_days, time_limit_end
from inspect_app.reference.models import DayKind, LegalReference, Severity
from inspect_app.reference.rules import rule_for
from inspect_app.units.models import Unit

# What a recommendation says: audited wherever a case is written (its form, the tracker import).
RECOMMENDATION_FIELDS = (
    "type",
    "title",
    "legal_reference_id",
    "severity",
    "responsible_unit_id",
    "required_action",
    "amount_vnd",
)
CASE_FIELDS = (
    "number",
    *RECOMMENDATION_FIELDS,
    "area_m2",
    "persons_count",
    "discipline_form",
    "due_date",
    "original_due_date",
    "due_change_reason",
    "state",
)


@dataclass
class DefaultDeadline:
    """The rule's deadline for a case, with what it was computed from (shown on the form)."""

    due_date: date
    start: date
    amount: int
    day_kind: DayKind
    source: str
    moved_from: date | None = None  # the day off the limit fell on (Civil Code Art. 148(5))
    move_source: str | None = None


def deadline_start(inspection: Inspection) -> date:
    """Deadlines count from the conclusion date (today while the inspection is not concluded)."""
    return inspection.conclusion_date or clock.today()


def default_deadline(inspection: Inspection, case_type: str, severity: str) -> DefaultDeadline:
    """The default deadline of `reference.rules` (most specific rule first) and its source."""
    start = deadline_start(inspection)
    amount, kind, source = rule_for(
        f"case.{case_type}.{severity}", f"case.{case_type}", "case.default"
    )
    # The rule's last day, then moved off a day off (the move is shown with its citation).
    last = add_days(start, amount, kind) if kind == DayKind.WORKING else start + timedelta(amount)
    end = time_limit_end(last)
    return DefaultDeadline(end.day, start, amount, kind, source, end.moved_from, end.source)


def _next_number(inspection: Inspection) -> int:
    # Lock the inspection row (PostgreSQL) so that two leads saving at once get two numbers.
    db.session.execute(
        select(Inspection.id).where(Inspection.id == inspection.id).with_for_update()
    )
    current = db.session.execute(
        select(func.max(Case.number)).where(Case.inspection_id == inspection.id)
    ).scalar_one()
    return (current or 0) + 1


def _check_not_before_start(inspection: Inspection, due: date, field: str) -> None:
    start = deadline_start(inspection)
    if due < start:
        if inspection.conclusion_date:
            message = _(
                "The deadline cannot be before the conclusion date (%(date)s).",
                date=start.strftime("%d/%m/%Y"),
            )
        else:
            message = _("The deadline cannot be in the past.")
        raise OperationError(message, field=field)


def create_case(actor, inspection: Inspection, data: dict) -> Case:
    """Create a case from findings of `inspection` (lead or admin); 403, 409 stale, 422."""
    if not inspection.can_create_cases(actor, check_state=False):
        raise Forbidden()
    check_version(inspection, data.get("inspection_version"))
    if inspection.state not in CASE_CREATION_STATES:
        raise OperationError(
            _("Cases can be created only once the team report is in and until monitoring ends.")
        )
    finding_ids = sorted(set(data.get("finding_ids") or []))
    findings = list(
        db.session.execute(
            select(Finding).where(
                Finding.id.in_(finding_ids), Finding.inspection_id == inspection.id
            )
        ).scalars()
    )
    if not finding_ids or len(findings) != len(finding_ids):
        raise OperationError(
            _("Choose at least one finding of this inspection."), field="finding_ids"
        )
    reference = db.session.get(LegalReference, data["legal_reference_id"])
    if reference is None or not reference.active:
        raise OperationError(
            _("Choose a legal basis from the catalogue."), field="legal_reference_id"
        )
    unit_id = data.get("responsible_unit_id") or inspection.target_unit_id
    unit = db.session.get(Unit, unit_id)
    if unit is None or not unit.active:
        raise OperationError(
            _("Unknown or inactive unit. Choose one from the list."), field="responsible_unit_id"
        )
    case_type = CaseType(data["type"])
    severity = Severity(data["severity"])
    amount, area = data.get("amount_vnd"), data.get("area_m2")
    persons, form = data.get("persons_count"), data.get("discipline_form") or None
    if case_type in VND_RECOVERY_TYPES:
        if amount is None or amount <= 0:
            raise OperationError(
                _("A recovery needs the amount to recover, in đồng."), field="amount_vnd"
            )
    else:
        amount = None
    if case_type == CaseType.RECOVERY_LAND:
        if area is None or area <= 0:
            raise OperationError(
                _("A recovery of land needs the area to recover, in m²."), field="area_m2"
            )
    else:
        area = None
    if case_type != CaseType.DISCIPLINE:  # persons and form: the handling of individuals
        persons, form = None, None
    default = default_deadline(inspection, case_type.value, severity.value)
    due = data.get("due_date") or default.due_date
    reason = (data.get("due_change_reason") or "").strip() or None
    _check_not_before_start(inspection, due, "due_date")
    due = time_limit_end(due).day  # a typed day off ends on the next working day, too
    if due != default.due_date and not reason:
        raise OperationError(
            _("Give the reason for changing the deadline set by the rule."),
            field="due_change_reason",
        )
    case = Case(
        inspection=inspection,
        number=_next_number(inspection),
        type=case_type,
        title=data["title"].strip(),
        legal_reference=reference,
        severity=severity,
        responsible_unit=unit,
        required_action=data["required_action"].strip(),
        amount_vnd=amount,
        area_m2=area,
        persons_count=persons,
        discipline_form=DisciplineForm(form) if form else None,
        due_date=due,
        original_due_date=default.due_date,
        due_change_reason=reason if due != default.due_date else None,
        state=CaseState.OPEN,
        created_by_id=actor.id,
        findings=findings,
    )
    db.session.add(case)
    db.session.flush()
    after = audit.snapshot(case, CASE_FIELDS)
    after["finding_ids"] = [f.id for f in findings]
    audit.record(actor, case, "case_created", after=after, note=reason)
    _notify_unit(case, "case_assigned", actor)
    return case


def create_cases(actor, inspection: Inspection, data: dict) -> list[Case]:
    """The same recommendation from the same findings for its responsible unit and each of
    `also_unit_ids` (units of the same inspection's follow-up): one case per unit, each made
    and audited by `create_case`, all or none (any refusal rolls the request back)."""
    first = data.get("responsible_unit_id") or inspection.target_unit_id
    units = list(dict.fromkeys([first, *(data.get("also_unit_ids") or [])]))
    return [create_case(actor, inspection, {**data, "responsible_unit_id": u}) for u in units]


def _notify_unit(case: Case, kind: str, actor, extra=(), note: str | None = None) -> None:
    """Tell the responsible unit's leaders and deputies (and `extra` users) about the case."""
    recipients = {u.id: u for u in [*unit_recipients(case.responsible_unit_id), *extra]}
    recipients.pop(actor.id, None)
    for user in recipients.values():
        if not user.active:
            continue
        with force_locale(user.locale):
            notify(user, kind, _unit_message(kind, case), body=note or case.title,
                   link=case.path)  # fmt: skip


def _unit_message(kind: str, case: Case) -> str:
    due = case.due_date.strftime("%d/%m/%Y")
    if kind == "case_assigned":
        return _("New case %(ref)s for your unit, due on %(due)s.", ref=case.reference, due=due)
    if kind == "case_accepted":
        return _("The answer on case %(ref)s was accepted: the case is done.", ref=case.reference)
    if kind == "case_partly_done":
        return _(
            "Case %(ref)s was verified as partly done: the remainder is due on %(due)s.",
            ref=case.reference,
            due=due,
        )
    return _(
        "The answer on case %(ref)s was rejected: the case is open again, due on %(due)s.",
        ref=case.reference,
        due=due,
    )


def change_deadline(
    actor, case: Case, due: date, reason: str, version: int | None, doc: dict | None = None
) -> Case:
    """Move the deadline (lead or admin) with a reason, and once the conclusion is signed its
    deciding document (`doc`); 403, 409 stale, 422."""
    if not case.can_change_deadline(actor, check_state=False):
        raise Forbidden()
    check_version(case, version)
    return apply_deadline(actor, case, due, reason, doc=doc)


def _deciding_document(case: Case, doc: dict | None):
    """The deciding document of a change to a case, checked (None when the conclusion is not
    signed yet and none was given): required once the conclusion is signed, never dated
    before it nor in the future."""
    signed_on = case.inspection.conclusion_date
    if signed_on is None and not decisions.given(doc):
        return None
    message = None
    if signed_on is not None:
        message = _(
            "The deciding document cannot be dated before the conclusion it changes (%(d)s).",
            d=f"{signed_on:%d/%m/%Y}",
        )
    return decisions.read(doc, not_before=signed_on, not_before_message=message)


def apply_deadline(
    actor, case: Case, due: date, reason: str, on_behalf_of=None, doc: dict | None = None
) -> Case:
    """Set the case's deadline and audit it, for a caller that has checked the actor's right
    (the lead's change above, an approved extension request); a deadline set by a signed
    conclusion changes only with its deciding document (`doc`: number, date, signer, file).
    422 final case, bad date/reason, no or bad deciding document: nothing is written."""
    if case.is_final:
        raise OperationError(_("The deadline of an accepted or withdrawn case cannot change."))
    reason = (reason or "").strip()
    if not reason:
        raise OperationError(_("Give the reason for the new deadline."), field="reason")
    _check_not_before_start(case.inspection, due, "due_date")
    due = time_limit_end(due).day  # a day off: the end of the next working day
    if due == case.due_date:
        raise OperationError(
            _("The new deadline is the same as the current one."), field="due_date"
        )
    decision = _deciding_document(case, doc)
    before = {
        "due_date": case.due_date,
        "due_change_reason": case.due_change_reason,
        "escalation_level": case.escalation_level,
    }
    case.due_date = due
    case.due_change_reason = reason
    # The ladder's steps are keyed by deadline: a new deadline restarts it, so the case's level
    # does too (its earlier steps and letters stay in the history, under the old deadline).
    case.escalation_level = 0
    case.escalated_on = None
    db.session.flush()
    after = {"due_date": due, "due_change_reason": reason, "escalation_level": 0}
    if decision is not None:
        _row, after["decision"] = decisions.attach(
            actor, decision, DecisionPurpose.DEADLINE, case=case
        )
    audit.record(
        actor,
        case,
        "case_deadline_changed",
        before=before,
        after=after,
        note=reason,
        on_behalf_of=on_behalf_of,
    )
    return case


def _transition(
    actor, case: Case, new_state: CaseState, action: str, note=None, extra=None, **changes
):
    before = audit.snapshot(case, ("state", *changes))
    case.state = new_state
    for key, value in changes.items():
        setattr(case, key, value)
    db.session.flush()
    after = audit.snapshot(case, ("state", *changes))
    audit.record(actor, case, action, before=before, after={**after, **(extra or {})}, note=note)
    return case


def _require_reason(reason: str | None, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise OperationError(message, field="reason")
    return reason


def withdraw(actor, case: Case, reason: str, version: int | None, doc: dict | None = None) -> Case:
    """Withdraw an open or answered case (lead, leadership, admin) with a reason, and once the
    conclusion is signed the deciding document (`doc`); 403/409/422, nothing written."""
    if not case.can_withdraw(actor, check_state=False):
        raise Forbidden()
    check_version(case, version)
    if case.state not in WITHDRAWABLE_STATES:
        raise OperationError(_("Only an open or answered case can be withdrawn."))
    reason = _require_reason(reason, _("Give the reason for withdrawing the case."))
    decision = _deciding_document(case, doc)
    extra = {}
    if decision is not None:
        _row, extra["decision"] = decisions.attach(
            actor, decision, DecisionPurpose.WITHDRAWAL, case=case
        )
    return _transition(
        actor,
        case,
        CaseState.WITHDRAWN,
        "case_withdrawn",
        reason,
        extra,
        withdrawn_reason=reason,
        closed_at=clock.now(),
    )


def _check_decider(actor, case: Case, version: int | None):
    """The team (lead, member) or an administrator, never whoever answered; returns the final
    answer being verified."""
    if not case.can_decide(actor, check_state=False):
        raise Forbidden()
    check_version(case, version)
    final = case.final_answer
    if final is not None and final.involves(actor):
        raise Forbidden(_("You wrote this answer: another member of the team must verify it."))
    if case.state != CaseState.ANSWERED:
        raise OperationError(_("Only an answered case can be accepted or rejected."))
    return final


def _record_verdict(actor, final, verdict: str, note: str | None) -> None:
    if final is not None:  # None: answered before answers were recorded (older data)
        final.record_verdict(actor, verdict, note)


def _answerers(final) -> list:
    """Who answered (a deputy, or a leader of a unit above): told of the verdict too."""
    return [final.author] if final is not None else []


def _new_deadline(
    actor, case: Case, due: date | None, due_reason: str | None, doc: dict | None
) -> None:
    """An optional new deadline given with a rejection or partial acceptance (lead, admin),
    with its deciding document once the conclusion is signed."""
    if due is None or due == case.due_date:
        return
    if not case.can_change_deadline(actor, check_state=False):
        raise Forbidden(_("Only the team lead can change the deadline."))
    reason = (due_reason or "").strip()
    if not reason:
        raise OperationError(_("Give the reason for the new deadline."), field="due_reason")
    apply_deadline(actor, case, due, reason, doc=doc)


def accept(actor, case: Case, version: int | None, note: str | None = None) -> Case:
    """Accept the unit's answer: the case is done (team lead, member, admin; never the
    answer's author); the unit is told; 403/409/422."""
    final = _check_decider(actor, case, version)
    remaining = case.recovery_remaining
    if remaining is not None and remaining > 0 and case.recovered_quantity > 0:
        # A partly recovered case stays open for the rest (the recovery ledger; a recovery
        # with no payment recorded is verified from the unit's answer, as before the ledger).
        raise OperationError(
            _(
                "%(remaining)s %(unit)s remain to be recovered: verify the answer as partly "
                "done; the case stays open for the rest.",
                remaining=format_quantity(remaining, case.type),
                unit=recovery_unit(case.type),
            )
        )
    note = (note or "").strip() or None
    _record_verdict(actor, final, "accepted", note)
    _transition(actor, case, CaseState.ACCEPTED, "case_accepted", note, closed_at=clock.now())
    _notify_unit(case, "case_accepted", actor, _answerers(final), note)
    return case


# The verdicts that leave the case open for more work: the message when their text is missing.
REOPENING_VERDICTS = {
    "rejected": _l("Give the reason for rejecting the answer."),
    "partly_done": _l("Describe what was done and what remains."),
}


def reopen(
    actor,
    case: Case,
    verdict: str,
    reason: str,
    version: int | None,
    due_date: date | None = None,
    due_reason: str | None = None,
    doc: dict | None = None,
) -> Case:
    """Decide the unit's answer with a verdict that leaves the case open: "rejected" (`reason`
    says why) or "partly_done" (`reason` says what was done and what remains); the deadline
    is kept unless the lead changes it with a reason (team lead, member, admin); the unit is
    told; 403/409/422."""
    final = _check_decider(actor, case, version)
    reason = _require_reason(reason, str(REOPENING_VERDICTS[verdict]))
    _record_verdict(actor, final, verdict, reason)
    _transition(actor, case, CaseState.OPEN, f"case_{verdict}", reason)
    _new_deadline(actor, case, due_date, due_reason, doc)
    _notify_unit(case, f"case_{verdict}", actor, _answerers(final), reason)
    return case


def reject(actor, case: Case, reason: str, version: int | None, **new_deadline) -> Case:
    """Reject the unit's answer with a reason: the case is open again (`reopen`)."""
    return reopen(actor, case, "rejected", reason, version, **new_deadline)


def partly_done(actor, case: Case, done: str, version: int | None, **new_deadline) -> Case:
    """Verify the answer as partly done: the case stays open for the remainder (`reopen`)."""
    return reopen(actor, case, "partly_done", done, version, **new_deadline)


MAX_BATCH = 2000  # cases one bulk action takes at once (the page says so beyond it)


def send_reminders(actor, cases, note: str | None = None) -> BatchResult:
    """Remind the responsible units of `cases` of their deadline (nhắc hạn, đôn đốc), one case
    or a batch: each case checked with `can_remind` as one by one; the unit's leaders and acting
    deputies are notified in their language; one audit event per reminded case. Refused cases
    (not allowed, not open, nobody to tell) are returned with the reason, never raised."""
    result = BatchResult()
    note = (note or "").strip()[:1000] or None
    allowed = []
    for case in cases:
        if not case.can_remind(actor, check_state=False):
            result.refuse(case, _("You may not remind the unit of this case."))
        elif not case.can_remind(actor):
            result.refuse(case, _("Only an open case can be reminded."))
        else:
            allowed.append(case)
    audience = recipients_by_unit({c.responsible_unit_id for c in allowed})
    events, notes = [], []
    for case in allowed:
        recipients = [u for u in audience.get(case.responsible_unit_id, []) if u.id != actor.id]
        if not recipients:
            result.refuse(case, _("The unit has no active leader to remind."))
            continue
        for user in recipients:
            with force_locale(user.locale):
                title = _(
                    "Reminder from the inspectorate: case %(ref)s is due on %(due)s.",
                    ref=case.reference,
                    due=case.due_date.strftime("%d/%m/%Y"),
                )
            notes.append(
                {
                    "user_id": user.id,
                    "kind": "case_reminded",
                    "title": title,
                    "body": note or case.title,
                    "link": case.path,
                }
            )
        events.append(
            {
                "actor_id": actor.id,
                "object_type": "Case",
                "object_id": case.id,
                "action": "case_reminded",
                "after": {"recipient_ids": sorted(u.id for u in recipients)},
                "note": note,
            }
        )
        result.done.append(case)
    notify_many(notes)
    audit.record_many(events, plain=True)
    return result


def assign_verifier(actor, cases, verifier) -> BatchResult:
    """Name `verifier` (an active inspector or lead inspector) to check and confirm the unit's
    answer on `cases`, one case or a batch: each case checked with `can_assign_verifier` as one
    by one (team lead, leadership, admin; not on a closed case; refused when already named);
    one UPDATE for the batch, one audit event per case, one notification to the verifier.
    An unsuitable verifier is a 422 on the field `verifier_id`."""
    if verifier is None or not Case.can_be_verifier(verifier):
        raise OperationError(
            _("Choose an active inspector or lead inspector as the verifier."),
            field="verifier_id",
        )
    result = BatchResult()
    for case in cases:
        if not case.can_assign_verifier(actor, check_state=False):
            result.refuse(case, _("You may not name the verifier of this case."))
        elif not case.can_assign_verifier(actor):
            result.refuse(case, _("The case is closed (accepted or withdrawn)."))
        elif case.verifier_id == verifier.id:
            result.refuse(case, _("%(name)s is already its verifier.", name=verifier.full_name))
        else:
            result.done.append(case)
    if not result.done:
        return result
    before = {case.id: case.verifier_id for case in result.done}
    db.session.execute(
        update(Case)
        .where(Case.id.in_(list(before)))
        .values(verifier_id=verifier.id, version=Case.version + 1, updated_at=clock.now()),
        execution_options={"synchronize_session": False},
    )
    for case in result.done:  # the loaded objects say what the database now holds
        for key, value in (("verifier_id", verifier.id), ("version", case.version + 1)):
            set_committed_value(case, key, value)
        set_committed_value(case, "verifier", verifier)
    audit.record_many(
        [
            {
                "actor_id": actor.id,
                "object_type": "Case",
                "object_id": case.id,
                "action": "case_verifier_assigned",
                "before": {"verifier_id": before[case.id]},
                "after": {"verifier_id": verifier.id},
            }
            for case in result.done
        ],
        plain=True,
    )
    with force_locale(verifier.locale):
        if len(result.done) == 1:
            case = result.done[0]
            title = _("You are to verify the answer on case %(ref)s.", ref=case.reference)
            body, link = case.title, case.path
        else:
            title = _("You are to verify the answers on %(num)d cases.", num=len(result.done))
            body, link = None, Case.verified_by_path(verifier.id)
    notify_many(
        [
            {
                "user_id": verifier.id,
                "kind": "case_verifier_assigned",
                "title": title,
                "body": body,
                "link": link,
            }
        ]
    )
    return result


def assign_case_verifier(actor, case: Case, verifier_id: int, version: int | None) -> Case:
    """Name the verifier of one case (the case page's form): `assign_verifier` with a batch
    of one, its refusal raised; 403 not allowed, 409 stale, 422 closed or unsuitable."""
    if not case.can_assign_verifier(actor, check_state=False):
        raise Forbidden()
    check_version(case, version)
    result = assign_verifier(actor, [case], db.session.get(User, verifier_id))
    if result.refused:
        raise OperationError(result.refused[0][1], field="verifier_id")
    return case
