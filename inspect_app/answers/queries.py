"""Reading answers, the unit leader's home (open cases with working days left), the answers
waiting for an inspector's verification, and who hears about a unit's cases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased, joinedload, load_only, selectinload

from inspect_app.answers.models import AnswerKind, CaseAnswer, Verdict
from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState
from inspect_app.cases.queries import (
    LIST_LOADS,
    CaseFilters,
    open_due_between,
    state_counters,
)
from inspect_app.core import clock
from inspect_app.deputies.queries import acting_for, active_delegations
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection, inspection_member
from inspect_app.reference.calendar import add_working_days, current_calendar
from inspect_app.units.models import Unit
from inspect_app.units.queries import subtrees, visible_unit_ids

DUE_SOON_WORKING_DAYS = 7
HOME_LIMIT = 50  # the home lists the nearest deadlines; the case list has them all
RETURNED_LIMIT = 10  # answers not accepted, shown first on the unit leader's home


def answers_of_case(case_id: int) -> list[CaseAnswer]:
    """The answers on a case, oldest first, with authors and files (two queries)."""
    return list(
        db.session.execute(
            select(CaseAnswer)
            .options(
                joinedload(CaseAnswer.author),
                joinedload(CaseAnswer.on_behalf_of),
                joinedload(CaseAnswer.verified_by),
                selectinload(CaseAnswer.files),
            )
            .where(CaseAnswer.case_id == case_id)
            .order_by(CaseAnswer.id)
        )
        .unique()
        .scalars()
    )


# What a row of the unit leader's home shows: its reference, title, unit, deadline, legal basis
# and required action (read-only: nothing loaded this way is changed in the same request).
HOME_LOADS = (
    load_only(
        Case.inspection_id,
        Case.number,
        Case.title,
        Case.due_date,
        Case.state,
        Case.required_action,
        Case.responsible_unit_id,
        Case.legal_reference_id,
    ),
    joinedload(Case.responsible_unit).load_only(Unit.name),
    joinedload(Case.legal_reference),
)


@dataclass
class HomeRow:
    case: Case
    working_days_left: int  # negative: working days overdue
    principal: User | None = None  # set when the user sees the case as someone's deputy

    @property
    def overdue(self) -> bool:
        return self.case.due_date < clock.today()


@dataclass
class UnitLeaderHome:
    counters: dict[str, int]
    rows: list[HomeRow] = field(default_factory=list)
    more: bool = False
    returned: list[CaseAnswer] = field(default_factory=list)


_Final = aliased(CaseAnswer)


def _unit_condition(user):
    visible = visible_unit_ids(user)
    if visible is None:
        return None
    return Case.responsible_unit_id.in_(visible or {-1})


def _delegated_units(user, today: date) -> dict[int, User]:
    """Unit id -> principal, for the units `user` sees only as a deputy (today's delegations
    are the request's own, read once; one query for the unit tree)."""
    delegations = acting_for(user) if today == clock.today() else active_delegations(user, today)
    if not delegations:
        return {}
    roots = [d.unit_id for d in delegations] + ([user.unit_id] if user.unit_id else [])
    trees = subtrees(roots)
    own = trees.get(user.unit_id, set()) if user.unit_id else set()
    result: dict[int, User] = {}
    for d in delegations:
        for uid in trees[d.unit_id] - own:
            result.setdefault(uid, d.principal)
    return result


def unit_leader_home(user, today: date) -> UnitLeaderHome:
    """Counters and the open cases of the user's units by deadline, with working days left
    (a constant number of queries: counters, rows, delegations, one calendar). The counters
    are the case list's (from the running totals: a count over the units' cases grew with
    them, 24 ms at 1M cases)."""
    condition = _unit_condition(user)
    conditions = [condition] if condition is not None else []
    soon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    is_open = Case.state == CaseState.OPEN
    listed = state_counters(user, CaseFilters(), today)
    counters = {
        "open": listed[CaseState.OPEN.value],
        "overdue": listed["overdue"],
        "due_soon": open_due_between(user, today, soon),
        "answered": listed[CaseState.ANSWERED.value],
    }
    cases = list(
        db.session.execute(
            select(Case)
            .options(*HOME_LOADS)
            .where(is_open, *conditions)
            .order_by(Case.due_date, Case.id)
            .limit(HOME_LIMIT + 1)
        ).scalars()
    )
    more = len(cases) > HOME_LIMIT
    cases = cases[:HOME_LIMIT]
    home = UnitLeaderHome(counters=counters, more=more, returned=returned_answers(conditions))
    if not cases:
        return home
    calendar = current_calendar()
    principals = _delegated_units(user, today)
    home.rows = [
        HomeRow(c, calendar.between(today, c.due_date), principals.get(c.responsible_unit_id))
        for c in cases
    ]
    return home


def returned_answers(conditions: list) -> list[CaseAnswer]:
    """The last final answer of each open case of the units when the team did not accept it
    (rejected, or partly done): what the unit leader must act on first, newest first, with the
    team's reason (one query)."""
    later = (
        select(CaseAnswer.id)
        .where(
            CaseAnswer.case_id == Case.id,
            CaseAnswer.kind == AnswerKind.FINAL,
            CaseAnswer.id > _Final.id,
        )
        .exists()
    )
    return list(
        db.session.execute(
            select(_Final)
            .join(Case, Case.id == _Final.case_id)
            .options(
                joinedload(_Final.case).joinedload(Case.inspection),
                joinedload(_Final.verified_by),
            )
            .where(
                *conditions,
                Case.state == CaseState.OPEN,
                _Final.kind == AnswerKind.FINAL,
                _Final.verdict.in_((Verdict.REJECTED, Verdict.PARTLY_DONE)),
                ~later,
            )
            .order_by(_Final.verified_at.desc(), _Final.id.desc())
            .limit(RETURNED_LIMIT)
        ).scalars()
    )


def awaiting_verification(user, limit: int = 50) -> list[Case]:
    """Answered cases of inspections the user leads or is a member of, or that name the user
    their verifier, oldest answer first (one query; the user's own answers are not theirs to
    verify, but inspectors never answer)."""
    on_team = or_(
        Inspection.lead_id == user.id,
        exists().where(
            inspection_member.c.inspection_id == Inspection.id,
            inspection_member.c.user_id == user.id,
        ),
        Case.verifier_id == user.id,
    )
    return list(
        db.session.execute(
            select(Case)
            .options(*LIST_LOADS)
            .join(Inspection, Inspection.id == Case.inspection_id)
            .where(Case.state == CaseState.ANSWERED, on_team)
            .order_by(Case.updated_at, Case.id)
            .limit(limit)
        ).scalars()
    )
