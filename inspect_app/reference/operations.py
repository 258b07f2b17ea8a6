"""Changes to reference data (each audited): fields, legal references, deadline rules, holidays."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from inspect_app.core import audit, records
from inspect_app.core.errors import OperationError
from inspect_app.core.memo import per_request
from inspect_app.core.models import check_version
from inspect_app.core.permissions import require
from inspect_app.extensions import db
from inspect_app.reference.calendar import forget_calendar
from inspect_app.reference.models import (
    ActivityKind,
    DayKind,
    DeadlineRule,
    FieldOfWork,
    Holiday,
    IssuingBody,
    LegalReference,
)
from inspect_app.reference.rules import check_threshold, level_thresholds
from inspect_app.units.models import Unit

FIELD_FIELDS = ("code", "name", "name_en", "active")
LEGAL_FIELDS = ("instrument", "article", "clause", "summary", "active")
RULE_FIELDS = ("key", "label", "amount", "day_kind", "extension_max", "source", "note")
HOLIDAY_FIELDS = ("day", "name", "is_working_day", "document", "provisional")


# --- fields of work ------------------------------------------------------------------------


def create_field(actor, data: dict) -> FieldOfWork:
    """Add a field of work (lĩnh vực); 422 if the code is taken."""
    code = data["code"].strip().upper()
    records.check_code_free(FieldOfWork, code, None)
    field = FieldOfWork(
        code=code,
        name=data["name"],
        name_en=data.get("name_en") or None,
        active=data.get("active", True),
    )
    return records.add(actor, field, "field_created", FIELD_FIELDS)


def update_field(actor, field: FieldOfWork, data: dict) -> FieldOfWork:
    """Rename or re-code a field of work; 422 if the code is taken."""
    before = audit.snapshot(field, FIELD_FIELDS)
    code = data["code"].strip().upper()
    records.check_code_free(FieldOfWork, code, field)
    field.code = code
    field.name = data["name"]
    field.name_en = data.get("name_en") or None
    db.session.flush()
    audit.record(actor, field, "field_updated", before, audit.snapshot(field, FIELD_FIELDS))
    return field


def set_field_active(actor, field: FieldOfWork, active: bool) -> FieldOfWork:
    """Deactivate (hide from new records, keep for old ones) or reactivate a field."""
    return records.set_active(actor, field, active, "field")


# --- issuing bodies -------------------------------------------------------------------------

BODY_FIELDS = (
    "code",
    "name",
    "display_name",
    "signer_title",
    "legal_basis",
    "activity_kind",
    "signer_unit_id",
)


def _body_values(body: IssuingBody, data: dict) -> None:
    """The form's values on `body`; 422 if the code is taken or the signing unit unknown. The
    letterhead name is written in capitals, as Decree 30 sets it."""
    code = data["code"].strip()
    records.check_code_free(IssuingBody, code, body)
    unit_id = data.get("signer_unit_id")
    if unit_id is not None and db.session.get(Unit, unit_id) is None:
        raise OperationError(_("Not a valid choice."), field="signer_unit_id")
    body.code = code
    body.name = data["name"].strip().upper()
    body.display_name = data["display_name"].strip()
    body.signer_title = data["signer_title"].strip().upper()
    body.legal_basis = "\n".join(
        line.strip() for line in data["legal_basis"].splitlines() if line.strip()
    )
    body.activity_kind = ActivityKind(data["activity_kind"])
    body.signer_unit_id = unit_id


def create_issuing_body(actor, data: dict) -> IssuingBody:
    """Add a body issuing activities and documents under its own letterhead; 422 if its code
    is taken."""
    body = IssuingBody()
    _body_values(body, data)
    return records.add(actor, body, "issuing_body_created", BODY_FIELDS)


def update_issuing_body(actor, body: IssuingBody, data: dict) -> IssuingBody:
    """Change a body's letterhead, signer or legal bases; documents already drafted keep the
    letterhead they were drafted with; 409 stale, 422 bad input."""
    check_version(body, data.get("version"))
    before = audit.snapshot(body, BODY_FIELDS)
    _body_values(body, data)
    db.session.flush()
    audit.record(actor, body, "issuing_body_updated", before, audit.snapshot(body, BODY_FIELDS))
    return body


# --- legal references ----------------------------------------------------------------------


def _check_legal_unique(data: dict, ref: LegalReference | None) -> None:
    other = db.session.execute(
        select(LegalReference).where(
            LegalReference.instrument == data["instrument"],
            LegalReference.article == data["article"],
            LegalReference.clause == (data.get("clause") or ""),
        )
    ).scalar_one_or_none()
    if other is not None and other is not ref:
        raise OperationError(
            _("This article and clause of this instrument is already recorded."), field="article"
        )


def create_legal_reference(actor, data: dict) -> LegalReference:
    """Add a legal reference (căn cứ pháp lý); 422 if the same citation exists."""
    _check_legal_unique(data, None)
    ref = LegalReference(
        instrument=data["instrument"],
        article=data["article"],
        clause=data.get("clause") or "",
        summary=data["summary"],
        active=data.get("active", True),
    )
    return records.add(actor, ref, "legal_reference_created", LEGAL_FIELDS)


def update_legal_reference(actor, ref: LegalReference, data: dict) -> LegalReference:
    """Edit a legal reference; 409 on a stale version, 422 if the citation is taken."""
    check_version(ref, data.get("version"))
    before = audit.snapshot(ref, LEGAL_FIELDS)
    _check_legal_unique(data, ref)
    ref.instrument = data["instrument"]
    ref.article = data["article"]
    ref.clause = data.get("clause") or ""
    ref.summary = data["summary"]
    db.session.flush()
    audit.record(actor, ref, "legal_reference_updated", before, audit.snapshot(ref, LEGAL_FIELDS))
    return ref


def set_legal_reference_active(
    actor, ref: LegalReference, active: bool, version: int | None = None
) -> LegalReference:
    """Withdraw (deactivate) or reinstate a legal reference; 409 on a stale version."""
    check_version(ref, version)
    return records.set_active(actor, ref, active, "legal_reference")


# --- deadline rules ------------------------------------------------------------------------


def _check_amounts(amount: int, extension_max: int | None) -> None:
    if amount < 0:
        raise OperationError(_("The number of days cannot be negative."), field="amount")
    if extension_max is not None and extension_max < 0:
        raise OperationError(_("The maximum extension cannot be negative."), field="extension_max")


def _check_escalation_ladder() -> None:
    """The three overdue levels must stay positive and strictly increasing (1 < 2 < 3)."""
    try:
        check_threshold(level_thresholds())
    except OperationError as e:
        raise OperationError(e.message, field="amount") from None


def create_deadline_rule(actor, data: dict) -> DeadlineRule:
    """Add a deadline rule (used by the seed; the product looks rules up by key)."""
    _check_amounts(data["amount"], data.get("extension_max"))
    if get_rule_by_key(data["key"]) is not None:
        raise OperationError(_("A rule with this key already exists."), field="key")
    rule = DeadlineRule(
        key=data["key"],
        label=data["label"],
        amount=data["amount"],
        day_kind=DayKind(data["day_kind"]),
        extension_max=data.get("extension_max"),
        source=data["source"],
        note=data.get("note") or None,
    )
    return records.add(actor, rule, "deadline_rule_created", RULE_FIELDS)


def get_rule_by_key(key: str) -> DeadlineRule | None:
    return db.session.execute(
        select(DeadlineRule).where(DeadlineRule.key == key)
    ).scalar_one_or_none()


def update_deadline_rule(actor, rule: DeadlineRule, data: dict) -> DeadlineRule:
    """Change a rule's amount, day kind, extension, source or note; 409 stale, 422 negative."""
    check_version(rule, data.get("version"))
    _check_amounts(data["amount"], data.get("extension_max"))
    before = audit.snapshot(rule, RULE_FIELDS)
    rule.label = data.get("label") or rule.label
    rule.amount = data["amount"]
    rule.day_kind = DayKind(data["day_kind"])
    rule.extension_max = data.get("extension_max")
    rule.source = data["source"]
    rule.note = data.get("note") or None
    db.session.flush()
    per_request("rules").clear()
    if rule.key.startswith("escalation."):
        _check_escalation_ladder()
    audit.record(actor, rule, "deadline_rule_updated", before, audit.snapshot(rule, RULE_FIELDS))
    return rule


# --- holidays ------------------------------------------------------------------------------


def create_holiday(actor, data: dict) -> Holiday:
    """Add a day off (or a make-up working day); 422 if the date is already listed."""
    other = db.session.execute(
        select(Holiday).where(Holiday.day == data["day"])
    ).scalar_one_or_none()
    if other is not None:
        raise OperationError(
            _("This date is already listed (%(name)s).", name=other.name), field="day"
        )
    holiday = Holiday(
        day=data["day"],
        name=data["name"],
        is_working_day=bool(data.get("is_working_day")),
        document=(data.get("document") or "").strip() or None,
        provisional=bool(data.get("provisional")),
    )
    holiday = records.add(actor, holiday, "holiday_created", HOLIDAY_FIELDS)
    forget_calendar()
    return holiday


def confirm_holidays(actor, holidays: list[Holiday], document: str | None) -> list[Holiday]:
    """Confirm provisional rows once announced (administrators), with the announcing document
    when given (otherwise the row's own); each confirmation audited; 403, 422 no document or a
    row already confirmed."""
    require(actor is not None and all(h.can_confirm(actor, check_state=False) for h in holidays))
    document = (document or "").strip() or None
    for holiday in holidays:
        if not holiday.provisional:
            raise OperationError(
                _("%(day)s is already confirmed.", day=holiday.day.strftime("%d/%m/%Y"))
            )
        if not (document or holiday.document):
            raise OperationError(_("Give the announcing document."), field="document")
    for holiday in holidays:
        before = audit.snapshot(holiday, HOLIDAY_FIELDS)
        holiday.provisional = False
        holiday.document = document or holiday.document
        db.session.flush()
        audit.record(
            actor, holiday, "holiday_confirmed", before, audit.snapshot(holiday, HOLIDAY_FIELDS)
        )
    return holidays


def delete_holiday(actor, holiday: Holiday) -> None:
    """Remove a day from the holiday table (the audit event keeps what it was)."""
    before = audit.snapshot(holiday, HOLIDAY_FIELDS)
    audit.record(actor, holiday, "holiday_deleted", before=before)
    db.session.delete(holiday)
    db.session.flush()
    forget_calendar()
