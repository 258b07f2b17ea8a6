"""State changes of extension requests (đề nghị gia hạn): ask, approve, refuse, cancel.

An approval moves the case's deadline through `cases.operations.apply_deadline`, the same audited
change the team lead makes by hand; the escalation ladder keys its steps by deadline, so it
restarts for the new date by itself.
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState
from inspect_app.cases.operations import apply_deadline
from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.models import check_version
from inspect_app.core.roles import Role
from inspect_app.deputies.queries import unit_leaders
from inspect_app.extension_requests.models import (
    LEAD_APPROVES,
    LEADERSHIP_APPROVES,
    ExtensionRequest,
    ExtensionState,
)
from inspect_app.extensions import db
from inspect_app.notifications.operations import notify
from inspect_app.reference.rules import extension_approver, extension_max_approved

REQUEST_FIELDS = (
    "case_id",
    "requested_date",
    "previous_due_date",
    "reason",
    "state",
    "decided_by_id",
    "decision_reason",
)


def approved_count(case: Case) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(ExtensionRequest)
        .where(
            ExtensionRequest.case_id == case.id,
            ExtensionRequest.state == ExtensionState.APPROVED,
        )
    ).scalar_one()


def pending_request(case: Case) -> ExtensionRequest | None:
    return db.session.execute(
        select(ExtensionRequest).where(
            ExtensionRequest.case_id == case.id,
            ExtensionRequest.state == ExtensionState.PENDING,
        )
    ).scalar_one_or_none()


def _check_cap(case: Case) -> None:
    cap = extension_max_approved()
    if approved_count(case) >= cap:
        raise OperationError(
            _(
                "This case already has the maximum number of approved extensions (%(n)d).",
                n=cap,
            ),
            field="requested_date",
        )


def _approvers(case: Case) -> list[User]:
    approver = extension_approver()
    users: list[User] = []
    lead = case.inspection.lead
    if approver in LEAD_APPROVES and lead is not None and lead.active:
        users.append(lead)
    if approver in LEADERSHIP_APPROVES:
        users += db.session.execute(
            select(User).where(User.role == Role.LEADERSHIP, User.active.is_(True))
        ).scalars()
    return list({u.id: u for u in users}.values())


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def request_extension(
    actor, case: Case, requested_date: date, reason: str, version: int | None
) -> ExtensionRequest:
    """A leader of the responsible unit (or their deputy, on behalf of the principal) asks for
    a later deadline with a reason; 403 no authority, 409 stale, 422 bad date/reason, a pending
    request already, closed case or cap reached."""
    authority = case.unit_authority(actor)
    if not case.can_request_extension(actor, check_state=False):
        raise Forbidden()
    check_version(case, version)
    if case.state != CaseState.OPEN:
        raise OperationError(_("An extension can be asked only while the case is open."))
    reason = (reason or "").strip()
    if not reason:
        raise OperationError(_("Give the reason for the extension."), field="reason")
    if requested_date <= case.due_date:
        raise OperationError(
            _(
                "The new date must be later than the current deadline (%(date)s).",
                date=_fmt(case.due_date),
            ),
            field="requested_date",
        )
    if pending_request(case) is not None:
        raise OperationError(
            _("An extension request for this case is already waiting for a decision.")
        )
    _check_cap(case)
    ext = ExtensionRequest(
        case_id=case.id,
        requested_date=requested_date,
        previous_due_date=case.due_date,
        reason=reason,
        state=ExtensionState.PENDING,
        requested_by_id=actor.id,
        on_behalf_of_id=getattr(authority.on_behalf_of, "id", None),
    )
    try:
        # Two leaders asking at once: the partial unique index keeps one pending request.
        with db.session.begin_nested():
            db.session.add(ext)
    except IntegrityError:
        raise OperationError(
            _("An extension request for this case is already waiting for a decision.")
        ) from None
    audit.record(
        actor,
        ext,
        "extension_requested",
        after=audit.snapshot(ext, REQUEST_FIELDS),
        note=reason,
        on_behalf_of=authority.on_behalf_of,
    )
    link = case.path
    for user in _approvers(case):
        with force_locale(user.locale):
            notify(
                user,
                "extension_requested",
                _(
                    "Extension asked for case %(ref)s: from %(old)s to %(new)s.",
                    ref=case.reference,
                    old=_fmt(case.due_date),
                    new=_fmt(requested_date),
                ),
                body=reason,
                link=link,
            )
    return ext


def _require_pending(ext: ExtensionRequest, version: int | None) -> None:
    """409 on a stale version, 422 once the request is decided or withdrawn."""
    check_version(ext, version)
    if not ext.is_pending:
        raise OperationError(
            _("This request has already been decided (%(state)s).", state=ext.state.label)
        )


def _check_decision(actor, ext: ExtensionRequest, version: int | None, reason: str) -> str:
    if not ext.can_decide(actor, check_state=False):
        raise Forbidden()
    _require_pending(ext, version)
    reason = (reason or "").strip()
    if not reason:
        raise OperationError(_("Give the reason for your decision."), field="decision_reason")
    return reason


def _decide(actor, ext: ExtensionRequest, state: ExtensionState, reason: str, action: str):
    before = audit.snapshot(ext, REQUEST_FIELDS)
    ext.state = state
    ext.decided_by_id = actor.id
    ext.decided_at = clock.now()
    ext.decision_reason = reason
    db.session.flush()
    audit.record(actor, ext, action, before, audit.snapshot(ext, REQUEST_FIELDS), note=reason)
    case = ext.case
    recipients = [ext.requested_by, *unit_leaders(case.responsible_unit_id)]
    if ext.on_behalf_of is not None:
        recipients.append(ext.on_behalf_of)
    for user in {u.id: u for u in recipients if u.active and u.id != actor.id}.values():
        with force_locale(user.locale):
            if state == ExtensionState.APPROVED:
                title = _(
                    "Extension approved for case %(ref)s: the new deadline is %(date)s.",
                    ref=case.reference,
                    date=_fmt(case.due_date),  # as set: a day off asked for moves on
                )
            else:
                title = _(
                    "Extension refused for case %(ref)s: the deadline stays %(date)s.",
                    ref=case.reference,
                    date=_fmt(case.due_date),
                )
            notify(user, action, title, body=reason, link=case.path)
    return ext


def approve(
    actor, ext: ExtensionRequest, reason: str, version: int | None, doc: dict | None = None
) -> ExtensionRequest:
    """Approve a pending request with a reason: the case's deadline becomes the requested date
    (audited as a deadline change, with its deciding document `doc` once the conclusion is
    signed); 403 not an approver, 409 stale, 422 decided already, cap reached, case closed, its
    deadline already at or past the requested date, or no deciding document."""
    reason = _check_decision(actor, ext, version, reason)
    case = ext.case
    if case.state != CaseState.OPEN:
        raise OperationError(_("The case is no longer open; refuse or let the unit cancel."))
    if ext.requested_date <= case.due_date:
        raise OperationError(
            _(
                "The deadline has changed since the request (now %(date)s); "
                "the requested date is not later.",
                date=_fmt(case.due_date),
            )
        )
    _check_cap(case)
    apply_deadline(
        actor,
        case,
        ext.requested_date,
        _("Extension approved: %(reason)s", reason=reason),
        doc=doc,
    )
    return _decide(actor, ext, ExtensionState.APPROVED, reason, "extension_approved")


def refuse(actor, ext: ExtensionRequest, reason: str, version: int | None) -> ExtensionRequest:
    """Refuse a pending request with a reason (the deadline stays); 403, 409 stale, 422."""
    reason = _check_decision(actor, ext, version, reason)
    return _decide(actor, ext, ExtensionState.REFUSED, reason, "extension_refused")


def cancel(actor, ext: ExtensionRequest, version: int | None) -> ExtensionRequest:
    """The requester withdraws their pending request; 403 someone else, 409 stale, 422 decided."""
    if not ext.can_cancel(actor, check_state=False):
        raise Forbidden()
    _require_pending(ext, version)
    before = audit.snapshot(ext, REQUEST_FIELDS)
    ext.state = ExtensionState.CANCELLED
    ext.decided_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        ext,
        "extension_cancelled",
        before,
        audit.snapshot(ext, REQUEST_FIELDS),
        on_behalf_of=ext.on_behalf_of,
    )
    return ext
