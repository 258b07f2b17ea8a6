"""/cases/<id>/decisions and /inspections/<id>/decisions: the deciding documents recorded with
the changes that needed one (a signed conclusion's deadline, a withdrawal, the extension of
on-site work); they are given with the change itself (`doc_number`, `doc_date`, `doc_signer`)."""

from __future__ import annotations

from marshmallow import Schema, fields

from inspect_app.api.cases import load_case
from inspect_app.api.common import api_route, dump_items
from inspect_app.api.inspections import load_inspection
from inspect_app.api.schemas import record_schema
from inspect_app.decisions.models import DecidingDocument
from inspect_app.decisions.queries import decisions_of
from inspect_app.workflows import case_file, inspection_file

DecisionOut = record_schema(
    "DecisionOut",
    DecidingDocument,
    "id purpose case_id inspection_id number issued_on signer recorded_by_id recorded_at",
    # The document's file (download: /api/v1/evidence/{id}/download).
    file_ids=fields.Function(lambda d: [f.id for f in d.files], required=True),
)


class DecisionList(Schema):
    items = fields.List(fields.Nested(DecisionOut), required=True)


def _listing(rule: str, page_view, tag: str, load, subject: str, doc: str):
    """Register GET `rule`: the deciding documents of the visible record `load` returns."""

    def view(**ids):
        record = load(*ids.values())
        return dump_items(DecisionOut, decisions_of(**{f"{subject}_id": record.id}))

    view.__name__, view.__doc__ = f"{subject}_decisions", doc
    api_route(rule, page_view, tag=tag, response=DecisionList, errors=(404,))(view)


_listing(
    "/cases/<int:case_id>/decisions",
    case_file.detail,
    "cases",
    load_case,
    "case",
    "The deciding documents of a case's changes (deadline, withdrawal), oldest first.\n\n"
    "404 if the case is not visible.",
)
_listing(
    "/inspections/<int:inspection_id>/decisions",
    inspection_file.detail,
    "inspections",
    load_inspection,
    "inspection",
    "The deciding documents of an inspection's changes (extension of on-site work).\n\n"
    "404 if the inspection is not visible.",
)
