"""Reading reference data: choices for other features' forms and the admin list pages."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import Select, select

from inspect_app.core import filters
from inspect_app.core.memo import per_request
from inspect_app.extensions import db
from inspect_app.reference.models import (
    ActivityKind,
    DeadlineRule,
    FieldOfWork,
    Holiday,
    IssuingBody,
    LegalReference,
)


def active_fields() -> list[FieldOfWork]:
    """Active fields of work, ordered by name (one query)."""
    stmt = (
        select(FieldOfWork)
        .where(FieldOfWork.active.is_(True))
        .order_by(FieldOfWork.name, FieldOfWork.id)
    )
    return list(db.session.execute(stmt).scalars())


def _natural(text: str) -> tuple:
    """Sort key reading leading digits as a number: article "9" before "10", "10a" after."""
    digits = len(text) - len(text.lstrip("0123456789"))
    return (int(text[:digits]) if digits else 0, text[digits:])


def active_legal_references() -> list[LegalReference]:
    """Active legal references, by instrument then article and clause in numeric order (one
    query)."""
    stmt = select(LegalReference).where(LegalReference.active.is_(True))
    refs = list(db.session.execute(stmt).scalars())
    refs.sort(key=lambda r: (r.instrument, _natural(r.article), _natural(r.clause), r.id))
    return refs


def all_fields() -> list[FieldOfWork]:
    """Every field of work, active first, then by name (admin list)."""
    stmt = select(FieldOfWork).order_by(FieldOfWork.active.desc(), FieldOfWork.name)
    return list(db.session.execute(stmt).scalars())


@dataclass(frozen=True)
class LegalFilters:
    """The legal reference list's filters: a text, and a state (administrators only; others
    always see the references in use)."""

    q: str = ""
    state: str = "active"

    @classmethod
    def from_args(cls, args, user) -> LegalFilters:
        state = filters.choice(args, "state", ("active", "inactive", "all"), "active")
        return cls(q=filters.text(args, "q"), state=state if user.is_admin else "active")

    def as_args(self) -> dict:
        return asdict(self)


def legal_references_stmt(q: str = "", state: str = "") -> Select:
    """Legal references matching a text (instrument, article, clause or summary) and a state."""
    stmt = select(LegalReference).order_by(
        LegalReference.instrument, LegalReference.article, LegalReference.clause, LegalReference.id
    )
    if q:
        columns = (LegalReference.instrument, LegalReference.summary, LegalReference.article)
        stmt = stmt.where(filters.contains_text(q, *columns))
    if state in ("active", "inactive"):
        stmt = stmt.where(LegalReference.active.is_(state == "active"))
    return stmt


def all_deadline_rules() -> list[DeadlineRule]:
    return list(db.session.execute(select(DeadlineRule).order_by(DeadlineRule.key)).scalars())


def holidays_in(year: int) -> list[Holiday]:
    stmt = (
        select(Holiday)
        .where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(Holiday.day)
    )
    return list(db.session.execute(stmt).scalars())


def holiday_years() -> list[int]:
    """Years that have at least one listed day (for the year filter)."""
    days = db.session.execute(select(Holiday.day)).scalars()
    return sorted({d.year for d in days})


def field_choices() -> list:
    """(id, name) rows of the fields of work, by name: a list filter's options."""
    stmt = select(FieldOfWork.id, FieldOfWork.name).order_by(FieldOfWork.name)
    return list(db.session.execute(stmt).all())


def issuing_bodies() -> list[IssuingBody]:
    """Every issuing body (the inspection form's choices), in id order."""
    return list(db.session.execute(select(IssuingBody).order_by(IssuingBody.id)).scalars())


def issuing_body_id(name: str) -> int | None:
    """The id of the body whose letterhead name is `name` ("SỞ NỘI VỤ"), None if no body has
    it (read once a request)."""
    memo = per_request("issuing_body_ids")
    if name not in memo:
        memo[name] = db.session.execute(
            select(IssuingBody.id).where(IssuingBody.name == name)
        ).scalar()
    return memo[name]


def issuing_body_for(kind: ActivityKind) -> IssuingBody | None:
    """The body that issues activities of `kind` by default (the Provincial Inspectorate its
    inspections, Home Affairs its checks); None when the table is empty."""
    return (
        db.session.execute(
            select(IssuingBody).where(IssuingBody.activity_kind == kind).order_by(IssuingBody.id)
        )
        .scalars()
        .first()
    )
