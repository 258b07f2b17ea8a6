"""The deciding document's fields, mixed into the forms and API bodies of the changes that need
one (the file comes with the form's upload `doc_file`)."""

from __future__ import annotations

from marshmallow import fields

from inspect_app.core.schemas import BaseSchema, length


class DecisionFields(BaseSchema):
    """Number, date and signer of the deciding document; checked by `decisions.operations`
    (a clear message naming what is missing rather than one per field)."""

    doc_number = fields.String(load_default=None, validate=length(60))
    doc_date = fields.Date(load_default=None)
    doc_signer = fields.String(load_default=None, validate=length(200))
