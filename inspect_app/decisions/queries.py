"""Reading deciding documents: those of one case or one inspection, with their files."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from inspect_app.decisions.models import DecidingDocument
from inspect_app.extensions import db


def decisions_of(*, case_id: int | None = None, inspection_id: int | None = None):
    """The deciding documents recorded on a case or an inspection, oldest first (two queries)."""
    column = DecidingDocument.case_id if case_id is not None else DecidingDocument.inspection_id
    subject = case_id if case_id is not None else inspection_id
    return list(
        db.session.execute(
            select(DecidingDocument)
            .options(selectinload(DecidingDocument.files))
            .where(column == subject)
            .order_by(DecidingDocument.id)
        ).scalars()
    )
