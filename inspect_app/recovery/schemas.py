"""What the recovery ledger's forms and API may send."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import BaseSchema, length, record_id


class PaymentSchema(BaseSchema):
    """A payment or hand-over: the amount is read exactly by the operation (a string such as
    "1.250.000" or "1234,5", or a whole number; a JSON float is refused)."""

    paid_on = fields.Date(required=True)
    amount = fields.Raw(required=True)
    document_number = fields.String(required=True, validate=length(100))
    note = fields.String(load_default=None, validate=length(2000))
    version = record_id(load_default=None)  # the case's


class PaymentVerifySchema(BaseSchema):
    version = record_id(load_default=None)  # the payment's
