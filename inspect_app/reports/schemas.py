"""What the document forms may send."""

from __future__ import annotations

from marshmallow import fields, pre_load, validate

from inspect_app.core.schemas import BaseSchema, VersionedSchema, length, one_of
from inspect_app.reports.operations import AUTHORITIES


class ReportCreateSchema(BaseSchema):
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)


class DraftSchema(VersionedSchema):
    """A draft's editable text; a blank optional field clears it."""

    title = fields.String(required=True, validate=length(500))
    recipient = fields.String(load_default=None, validate=length(500))
    body = fields.String(load_default=None, validate=length(20000))
    distribution = fields.String(load_default=None, validate=length(2000))
    signer_authority = fields.String(load_default=None, validate=one_of(AUTHORITIES))
    signer_title = fields.String(required=True, validate=length(200))
    signer_name = fields.String(load_default=None, validate=length(120))
    period_start = fields.Date(load_default=None)
    period_end = fields.Date(load_default=None)


class VersionSchema(VersionedSchema):
    """Submitting, approving or returning a document: its version only."""


class RegisterSchema(VersionedSchema):
    """The clerk's registration: empty number = the next of the register; a typed number (from
    a paper or external register) with its year; the registration date (today if empty)."""

    number = fields.Integer(load_default=None, validate=validate.Range(min=1, max=999_999))
    year = fields.Integer(load_default=None, validate=validate.Range(min=1901, max=2999))
    registered_on = fields.Date(load_default=None)

    @pre_load
    def _blank_is_absent(self, data, **kwargs):
        """An empty form field means "not typed": the next number, today, the same year."""
        names = ("number", "year", "registered_on")
        if not hasattr(data, "items"):
            return data
        return {k: v for k, v in data.items() if not (k in names and str(v).strip() == "")}
