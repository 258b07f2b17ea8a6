"""The search box in the header: cases, inspections and units at once, as users type
(core.search.fold), each kind limited to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from inspect_app.cases.models import Case
from inspect_app.cases.queries import CaseFilters, CaseListRow, case_list_rows
from inspect_app.core import clock
from inspect_app.core.search import fold, matches
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection
from inspect_app.inspections.queries import visible
from inspect_app.units.models import Unit
from inspect_app.units.queries import visible_unit_ids

PER_KIND = 10


@dataclass
class SearchResults:
    """Up to PER_KIND hits of each kind; `more_*` says whether the kind had more."""

    q: str
    cases: list[CaseListRow] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    more: dict[str, bool] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.cases or self.inspections or self.units)


def _first(stmt, limit: int) -> tuple[list, bool]:
    rows = list(db.session.execute(stmt.limit(limit + 1)).unique().scalars())
    return rows[:limit], len(rows) > limit


def site_search(user, q: str, limit: int = PER_KIND) -> SearchResults:
    """What `user` may see that matches `q`: cases (the case list's search), inspections
    (title, decision or conclusion number) and units (code or name); a few queries whatever
    the number of hits, none for an empty search."""
    results = SearchResults(q=q)
    if not fold(q):
        return results
    today = clock.today()
    # Newest first by id (given in order of creation): the primary key read backwards stops at
    # the first hits, where sorting every hit by created_at (no index) took 80-140 ms at 100k.
    cases = case_list_rows(user, CaseFilters(q=q), today).order_by(None).order_by(Case.id.desc())
    rows = list(db.session.execute(cases.limit(limit + 1)))
    results.cases = [CaseListRow.of(row, today) for row in rows[:limit]]
    results.more["cases"] = len(rows) > limit
    inspections = (
        visible(select(Inspection), user)
        .options(
            load_only(
                Inspection.title,
                Inspection.decision_number,
                Inspection.conclusion_number,
                Inspection.state,
                Inspection.start_date,
                Inspection.target_unit_id,
            ),
            joinedload(Inspection.target_unit).load_only(Unit.name),
        )
        .where(matches(Inspection.search_text, q))
        .order_by(Inspection.start_date.desc(), Inspection.id.desc())
    )
    results.inspections, results.more["inspections"] = _first(inspections, limit)
    units = (
        select(Unit)
        .options(load_only(Unit.code, Unit.name, Unit.active))
        .where(matches(Unit.search_text, q))
        .order_by(Unit.active.desc(), Unit.name, Unit.id)
    )
    visible_units = visible_unit_ids(user)
    if visible_units is not None:
        units = units.where(Unit.id.in_(visible_units or {-1}))
    results.units, results.more["units"] = _first(units, limit)
    return results
