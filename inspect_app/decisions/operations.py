"""Reading and recording the deciding document of a change.

`read` checks what the user gave before anything is written (number, date, signer present; the
date neither in the future nor before the record it changes could have been decided); `attach`
records the document with its file for the change once made, and returns the facts its audit
event carries. The caller's transaction keeps both or neither."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.core.files import PDF, store_upload
from inspect_app.decisions.models import DecidingDocument, DecisionPurpose
from inspect_app.extensions import db


@dataclass(frozen=True)
class DecisionInput:
    """A deciding document as given, checked."""

    number: str
    issued_on: date
    signer: str
    upload: object | None = None


def given(data: dict | None) -> bool:
    """Whether any of the document's fields was filled in."""
    data = data or {}
    return any(data.get(k) for k in ("doc_number", "doc_date", "doc_signer"))


def read(
    data: dict | None, *, not_before: date | None = None, not_before_message: str | None = None
) -> DecisionInput:
    """The deciding document of `data` (doc_number, doc_date, doc_signer, and the optional
    upload doc_file), checked; 422 naming the field when one is missing, dated in the future
    or before `not_before` (with `not_before_message`)."""
    data = data or {}
    upload = data.get("doc_file")
    number = (data.get("doc_number") or "").strip()
    signer = (data.get("doc_signer") or "").strip()
    day = data.get("doc_date")
    if not (number or signer or day):
        raise OperationError(
            _(
                "This change needs its deciding document: give its number, date and signer "
                "(and its file where there is one)."
            ),
            field="doc_number",
        )
    if not number:
        raise OperationError(_("Give the number of the deciding document."), field="doc_number")
    if day is None:
        raise OperationError(_("Give the date of the deciding document."), field="doc_date")
    if day > clock.today():
        raise OperationError(
            _("The deciding document cannot be dated in the future."), field="doc_date"
        )
    if not_before is not None and day < not_before:
        raise OperationError(
            not_before_message
            or _("The deciding document cannot be dated before %(d)s.", d=f"{not_before:%d/%m/%Y}"),
            field="doc_date",
        )
    if not signer:
        raise OperationError(_("Give who signed the deciding document."), field="doc_signer")
    has_file = upload is not None and getattr(upload, "filename", None)
    return DecisionInput(number, day, signer, upload if has_file else None)


def attach(
    actor, decision: DecisionInput, purpose: DecisionPurpose, *, case=None, inspection=None
) -> tuple[DecidingDocument, dict]:
    """Record `decision` for the change of `case` or `inspection` (its file stored as a PDF
    through core.files: 413 too large, 422 not a PDF); returns the row and the facts the
    change's audit event carries."""
    row = DecidingDocument(
        purpose=purpose,
        case_id=getattr(case, "id", None),
        inspection_id=getattr(inspection, "id", None),
        number=decision.number,
        issued_on=decision.issued_on,
        signer=decision.signer,
        recorded_by_id=actor.id,
        recorded_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    facts = {
        "id": row.id,
        "number": row.number,
        "issued_on": row.issued_on.isoformat(),
        "signer": row.signer,
    }
    if decision.upload is not None:
        stored = store_upload(
            decision.upload, actor, kinds=(PDF,), field="doc_file", decision_id=row.id
        )
        facts["file_id"], facts["file"] = stored.id, stored.original_name
    return row, facts
