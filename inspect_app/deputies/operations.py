"""Naming and revoking deputies (ủy quyền): each act audited, the deputy notified."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app.auth.models import User
from inspect_app.core import audit, clock, records
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.models import check_version
from inspect_app.core.roles import Role
from inspect_app.deputies.models import Delegation
from inspect_app.extensions import db
from inspect_app.notifications.operations import notify
from inspect_app.units.queries import subtree_ids

MAX_PERIOD = timedelta(days=365)
DELEGATION_FIELDS = (
    "principal_id",
    "deputy_id",
    "unit_id",
    "starts_on",
    "ends_on",
    "reason",
    "revoked_at",
    "revoked_by_id",
)


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def name_deputy(actor, data: dict) -> Delegation:
    """A unit leader names another active unit leader of their unit (or of a unit below it) to
    act for them on the unit's cases from `starts_on` to `ends_on`; 403 not a unit leader, 422
    self, unrelated or inactive deputy, a period in the past, reversed, longer than a year or
    overlapping another delegation to the same deputy."""
    if not actor.is_unit_leader or not actor.unit_id:
        raise Forbidden()
    deputy = db.session.get(User, data["deputy_id"])
    if deputy is not None and deputy.id == actor.id:
        raise OperationError(_("You cannot name yourself as your deputy."), field="deputy_id")
    if (
        deputy is None
        or not deputy.active
        or deputy.role != Role.UNIT_LEADER
        or deputy.unit_id not in subtree_ids(actor.unit_id)
    ):
        raise OperationError(
            _("Choose an active leader of your unit or of a unit below it."), field="deputy_id"
        )
    starts, ends = data["starts_on"], data["ends_on"]
    if starts < clock.today():
        raise OperationError(_("The period cannot start in the past."), field="starts_on")
    if ends < starts:
        raise OperationError(_("The period must end on or after its start."), field="ends_on")
    if ends - starts >= MAX_PERIOD:
        raise OperationError(_("A delegation lasts at most one year."), field="ends_on")
    overlapping = db.session.execute(
        select(Delegation.id).where(
            Delegation.principal_id == actor.id,
            Delegation.deputy_id == deputy.id,
            Delegation.revoked_at.is_(None),
            Delegation.starts_on <= ends,
            Delegation.ends_on >= starts,
        )
    ).first()
    if overlapping:
        raise OperationError(
            _("%(name)s is already your deputy during part of this period.", name=deputy.full_name),
            field="starts_on",
        )
    reason = (data.get("reason") or "").strip() or None
    delegation = Delegation(
        principal_id=actor.id,
        deputy_id=deputy.id,
        unit_id=actor.unit_id,
        starts_on=starts,
        ends_on=ends,
        reason=reason,
    )
    records.add(actor, delegation, "delegation_created", DELEGATION_FIELDS, note=reason)
    with force_locale(deputy.locale):
        notify(
            deputy,
            "delegation_created",
            _(
                "%(name)s named you deputy for %(unit)s from %(start)s to %(end)s.",
                name=actor.full_name,
                unit=actor.unit.name,
                start=_fmt(starts),
                end=_fmt(ends),
            ),
            body=reason,
            link="/deputies",
        )
    return delegation


def revoke(actor, delegation: Delegation, version: int | None) -> Delegation:
    """The principal (or an administrator) ends a delegation now; 403 someone else, 409 stale,
    422 already revoked or ended."""
    if not delegation.can_revoke(actor, check_state=False):
        raise Forbidden()
    check_version(delegation, version)
    if delegation.revoked_at is not None:
        raise OperationError(_("This delegation has already been revoked."))
    if delegation.ends_on < clock.today():
        raise OperationError(_("This delegation has already ended."))
    before = audit.snapshot(delegation, DELEGATION_FIELDS)
    delegation.revoked_at = clock.now()
    delegation.revoked_by_id = actor.id
    db.session.flush()
    audit.record(
        actor,
        delegation,
        "delegation_revoked",
        before,
        audit.snapshot(delegation, DELEGATION_FIELDS),
    )
    deputy = delegation.deputy
    with force_locale(deputy.locale):
        notify(
            deputy,
            "delegation_revoked",
            _(
                "Your delegation for %(unit)s has been revoked by %(name)s.",
                unit=delegation.unit.name,
                name=actor.full_name,
            ),
            link="/deputies",
        )
    return delegation
