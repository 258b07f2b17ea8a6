"""State changes of the recovery ledger: record a payment or hand-over, verify it. Each checks
the actor and the amounts, flushes and records an audit event on the case's ledger.

A payment may never exceed what remains (the case row is locked while the sum is read, so two
payments recorded at once cannot together exceed it); amounts are whole đồng or m² with at
most two decimals, positive. A partly recovered case stays open for the rest: accepting it is
refused (cases.operations.accept) until nothing remains.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseType, format_quantity, recovery_unit
from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.files import store_upload
from inspect_app.core.models import check_version
from inspect_app.core.permissions import require
from inspect_app.extensions import db
from inspect_app.recovery.models import RECORDING_STATES, RecoveryPayment, can_record_payment

THOUSANDS_DOT = re.compile(r"\d{1,3}(\.\d{3})+")
THOUSANDS_COMMA = re.compile(r"\d{1,3}(,\d{3})+")
DECIMAL = re.compile(r"-?\d+(\.\d+)?")

PAYMENT_FIELDS = (
    "case_id",
    "paid_on",
    "amount_vnd",
    "area_m2",
    "document_number",
    "note",
    "recorded_by_id",
    "verified_by_id",
)


def parse_amount(raw, case_type: CaseType) -> Decimal:
    """The amount typed or sent, exact: whole đồng, or m² with at most two decimals; 422 for
    anything else (negative, zero, fractional đồng, not a number, a JSON float)."""
    if isinstance(raw, (bool, float)):
        raise OperationError(
            _("Send the amount as a string or a whole number, never a decimal number."),
            field="amount",
        )
    text = str(raw if raw is not None else "").strip().replace(" ", "")
    if THOUSANDS_DOT.fullmatch(text):
        text = text.replace(".", "")  # 1.250.000 (Vietnamese thousands)
    elif case_type != CaseType.RECOVERY_LAND and THOUSANDS_COMMA.fullmatch(text):
        text = text.replace(",", "")
    elif case_type == CaseType.RECOVERY_LAND and "," in text and "." not in text:
        text = text.replace(",", ".")  # 1234,5 m²
    try:
        value = Decimal(text) if DECIMAL.fullmatch(text) else None
    except InvalidOperation:
        value = None
    if value is None:
        raise OperationError(_("Enter the amount as a number."), field="amount")
    if value <= 0:
        raise OperationError(_("The amount must be more than zero."), field="amount")
    if case_type == CaseType.RECOVERY_LAND:
        if value != value.quantize(Decimal("0.01")):
            raise OperationError(
                _("Give the area in m² with at most two decimals."), field="amount"
            )
        return value.quantize(Decimal("0.01"))
    if value != value.to_integral_value():
        raise OperationError(_("Amounts in đồng are whole numbers."), field="amount")
    return value.quantize(Decimal(1))


def recovered(case_id: int) -> Decimal:
    """The sum recorded so far for a case, in its unit (one query)."""
    total = db.session.execute(
        select(
            func.coalesce(func.sum(RecoveryPayment.amount_vnd), 0)
            + func.coalesce(func.sum(RecoveryPayment.area_m2), 0)
        ).where(RecoveryPayment.case_id == case_id)
    ).scalar_one()
    return Decimal(total or 0)


def record_payment(actor: User, case: Case, data: dict, files=()) -> RecoveryPayment:
    """Record a payment or hand-over (date, amount, receipt or document number, evidence) on a
    recovery; 403 not the team or the unit, 409 stale, 422 not a recovery, case closed, bad
    amount or date, more than what remains, a bad file."""
    if not can_record_payment(case, actor, check_state=False):
        raise Forbidden()
    check_version(case, data.get("version"))
    if case.state not in RECORDING_STATES:
        raise OperationError(_("Payments can be recorded only while the case is running."))
    amount = parse_amount(data.get("amount"), case.type)
    paid_on: date | None = data.get("paid_on")
    if paid_on is None:
        raise OperationError(_("Give the date of the payment."), field="paid_on")
    if paid_on > clock.today():
        raise OperationError(_("The payment date cannot be in the future."), field="paid_on")
    number = (data.get("document_number") or "").strip()
    if not number:
        raise OperationError(
            _("Give the receipt or hand-over document number."), field="document_number"
        )
    # Lock the case (PostgreSQL) so that two payments recorded at once see each other.
    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    remaining = case.recommended_quantity - recovered(case.id)
    if amount > remaining:
        raise OperationError(
            _(
                "The payment (%(amount)s %(unit)s) is more than what remains to be recovered "
                "(%(remaining)s %(unit)s).",
                amount=format_quantity(amount, case.type),
                remaining=format_quantity(remaining, case.type),
                unit=recovery_unit(case.type),
            ),
            field="amount",
        )
    land = case.type == CaseType.RECOVERY_LAND
    payment = RecoveryPayment(
        case_id=case.id,
        paid_on=paid_on,
        amount_vnd=None if land else amount,
        area_m2=amount if land else None,
        document_number=number,
        note=(data.get("note") or "").strip() or None,
        recorded_by_id=actor.id,
        recorded_at=clock.now(),
    )
    db.session.add(payment)
    db.session.flush()
    for upload in files:
        store_upload(upload, actor, payment_id=payment.id)
    db.session.expire(case, ["payments"])
    after = audit.snapshot(payment, PAYMENT_FIELDS)
    after["remaining"] = str(remaining - amount)
    audit.record(actor, payment, "payment_recorded", after=after, note=number)
    return payment


def verify_payments(
    actor: User, payments: list[RecoveryPayment], version: int | None = None
) -> list[RecoveryPayment]:
    """The team (not whoever recorded it) verifies payments against their receipts; 403, 409
    stale (one payment), 422 verified already."""
    require(all(p.can_verify(actor, check_state=False) for p in payments))
    if len(payments) == 1:
        check_version(payments[0], version)
    for payment in payments:
        if payment.is_verified:
            raise OperationError(_("This payment has already been verified."))
    now = clock.now()
    for payment in payments:
        before = audit.snapshot(payment, PAYMENT_FIELDS)
        payment.verified_by_id = actor.id
        payment.verified_at = now
        db.session.flush()
        audit.record(
            actor, payment, "payment_verified", before, audit.snapshot(payment, PAYMENT_FIELDS)
        )
    return payments
