"""/cases/<id>/payments: a recovery's ledger (recommended, recovered, remaining, rate) and its
payments or hand-overs, recorded through the same operation as the case page."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields

from inspect_app.api.cases import CASE, load_case
from inspect_app.api.common import api_route
from inspect_app.api.schemas import record_schema
from inspect_app.core.errors import OperationError
from inspect_app.recovery import operations as recovery_operations
from inspect_app.recovery.models import RecoveryPayment, can_record_payment
from inspect_app.recovery.queries import ledger
from inspect_app.recovery.schemas import PaymentSchema
from inspect_app.workflows import case_file

# Amounts are strings: exact đồng (no decimals) or m² (two decimals), never a JSON float.


PaymentOut = record_schema(
    "PaymentOut",
    RecoveryPayment,
    "id case_id paid_on document_number note recorded_by_id recorded_at verified_by_id "
    "verified_at version",
    amount=fields.Decimal(
        attribute="quantity", required=True, as_string=True, metadata={"type": "string"}
    ),
    file_ids=fields.Function(lambda p: [f.id for f in p.files], required=True),
)


class LedgerOut(Schema):
    case_id = fields.Integer(required=True)
    unit = fields.String(required=True, metadata={"enum": ["VND", "m²"]})
    recommended = fields.Decimal(required=True, as_string=True, metadata={"type": "string"})
    recovered = fields.Decimal(required=True, as_string=True, metadata={"type": "string"})
    remaining = fields.Decimal(required=True, as_string=True, metadata={"type": "string"})
    rate = fields.Decimal(
        as_string=True, allow_none=True, metadata={"type": "string", "description": "percent"}
    )
    can_record = fields.Boolean(required=True)
    items = fields.List(fields.Nested(PaymentOut), required=True)


def _ledger_or_422(case):
    book = ledger(case)
    if book is None:
        raise OperationError(_("Not a recovery recommendation."))
    return book


@api_route(
    "/cases/<int:case_id>/payments",
    case_file.detail,
    tag="cases",
    response=LedgerOut,
    errors=(404, 422),
)
def case_payments(case_id: int):
    """The recovery ledger of a case: recommended, recovered, remaining, rate and payments.

    Amounts are strings in the case's unit (VND whole đồng, m² two decimals); 404 if the case
    is not visible, 422 if it is not a recovery."""
    case = load_case(case_id)
    book = _ledger_or_422(case)
    return jsonify(
        LedgerOut().dump(
            {
                "case_id": case.id,
                "unit": book.unit,
                "recommended": book.recommended,
                "recovered": book.recovered,
                "remaining": book.remaining,
                "rate": book.rate,
                "can_record": can_record_payment(case, current_user),
                "items": book.payments,
            }
        )
    )


@CASE.action(
    "payments",
    case_file.record_payment,
    PaymentSchema,
    check=lambda case: can_record_payment(case, current_user, check_state=False),
    response=PaymentOut,
    status=201,
    description='`amount`: a string ("1.250.000", "1234.5") or a whole number, never a float; '
    "`version` is the case's (optional).",
)
def payment_create(case, data):
    """Record a payment or hand-over on a recovery (the team, an administrator or the unit).

    Record a payment; 403, 404, 409 stale, 422 bad amount or date, more than what remains."""
    return recovery_operations.record_payment(current_user, case, data)
