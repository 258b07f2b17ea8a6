"""Reading checks of implementation: the list, one check for a user, the checks of a case."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload, selectinload

from inspect_app.cases.models import Case
from inspect_app.core.filters import record_id
from inspect_app.core.loading import get_visible_or_404
from inspect_app.implementation_checks.models import CheckedCase, ImplementationCheck
from inspect_app.reports.models import Document, DocumentState
from inspect_app.units.queries import visible_unit_ids

LIST_LOADS = (
    joinedload(ImplementationCheck.document),
    joinedload(ImplementationCheck.inspection),
    joinedload(ImplementationCheck.lead),
    selectinload(ImplementationCheck.items),
)
DETAIL_LOADS = (
    *LIST_LOADS[:3],
    selectinload(ImplementationCheck.members),
    selectinload(ImplementationCheck.items)
    .joinedload(CheckedCase.case)
    .joinedload(Case.responsible_unit),
    selectinload(ImplementationCheck.items).joinedload(CheckedCase.recorded_by),
)


@dataclass
class CheckFilters:
    """The list's filters: one conclusion (inspection id)."""

    inspection: int | None = None

    @classmethod
    def from_args(cls, args) -> CheckFilters:
        return cls(inspection=record_id(args, "inspection"))

    def as_args(self) -> dict:
        return {"inspection": self.inspection} if self.inspection else {}


def check_list(user, filters: CheckFilters) -> Select:
    """The checks `user` may see, newest first: staff every one, a unit leader the issued
    decisions covering a case of a unit they see."""
    stmt = select(ImplementationCheck).join(Document).options(*LIST_LOADS)
    visible = visible_unit_ids(user)
    if visible is not None:
        covers = exists().where(
            CheckedCase.check_id == ImplementationCheck.id,
            CheckedCase.case_id == Case.id,
            Case.responsible_unit_id.in_(visible or {-1}),
        )
        stmt = stmt.where(Document.state == DocumentState.ISSUED, covers)
    if filters.inspection:
        stmt = stmt.where(ImplementationCheck.inspection_id == filters.inspection)
    return stmt.order_by(ImplementationCheck.id.desc())


def get_visible_check(check_id: int, user=None) -> ImplementationCheck:
    """The check with its team and cases if the user may see it; 404 otherwise."""
    return get_visible_or_404(ImplementationCheck, check_id, *DETAIL_LOADS, user=user)
