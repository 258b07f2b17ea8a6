"""Reading extension requests: one case's history, and the approver's pending list."""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.orm import joinedload

from inspect_app.cases.models import Case
from inspect_app.extension_requests.models import (
    LEAD_APPROVES,
    LEADERSHIP_APPROVES,
    ExtensionRequest,
    ExtensionState,
)
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.reference.rules import extension_approver

# Each row shows its requester, the principal and the decider: loaded with it, never per row.
PEOPLE_LOADS = (
    joinedload(ExtensionRequest.requested_by),
    joinedload(ExtensionRequest.on_behalf_of),
    joinedload(ExtensionRequest.decided_by),
)
LIST_LOADS = (
    *PEOPLE_LOADS,
    joinedload(ExtensionRequest.case).joinedload(Case.inspection).joinedload(Inspection.lead),
    joinedload(ExtensionRequest.case).joinedload(Case.responsible_unit),
)


def requests_of_case(case_id: int) -> list[ExtensionRequest]:
    """Every request of a case, oldest first, with the people (one query)."""
    return list(
        db.session.execute(
            select(ExtensionRequest)
            .options(*PEOPLE_LOADS)
            .where(ExtensionRequest.case_id == case_id)
            .order_by(ExtensionRequest.created_at, ExtensionRequest.id)
        ).scalars()
    )


def pending_for(user) -> Select:
    """Pending requests `user` may decide under the approver setting, oldest first."""
    stmt = (
        select(ExtensionRequest)
        .options(*LIST_LOADS)
        .join(Case, Case.id == ExtensionRequest.case_id)
        .join(Inspection, Inspection.id == Case.inspection_id)
        .where(ExtensionRequest.state == ExtensionState.PENDING)
        .order_by(ExtensionRequest.created_at, ExtensionRequest.id)
    )
    if user.is_admin:
        return stmt
    approver = extension_approver()
    if user.is_leadership and approver in LEADERSHIP_APPROVES:
        return stmt
    if approver in LEAD_APPROVES:
        return stmt.where(Inspection.lead_id == user.id)
    return stmt.where(false())
