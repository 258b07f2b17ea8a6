"""What the API sends back (dump schemas) and the query parameters it documents.

Request bodies are the features' own form schemas (cases.schemas, plans.schemas, ...): the API
validates exactly what the pages validate. Where a feature already has a dump schema it is
reused (units, findings, inspections); the others are declared here. Fields that may be null are
`allow_none` so that the OpenAPI document says so.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from inspect_app.cases.models import CaseState, CaseType
from inspect_app.cases.queries import SORTS as CASE_SORTS
from inspect_app.core.roles import Role
from inspect_app.core.schemas import MAX_ID, BaseSchema, length, one_of
from inspect_app.findings.schemas import FindingDumpSchema
from inspect_app.inspections.models import InspectionState
from inspect_app.inspections.queries import SORTS as INSPECTION_SORTS
from inspect_app.inspections.schemas import InspectionDumpSchema
from inspect_app.plans.models import PeriodKind, PlanState
from inspect_app.reference.models import ActivityKind, Severity
from inspect_app.units.models import UnitKind
from inspect_app.units.schemas import UnitDumpSchema


def _enum(enum_cls, **kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf([e.value for e in enum_cls]), **kwargs)


def _id(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _year() -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=2000, max=2100))


def _text() -> fields.String:
    """A search text, as long as the pages accept."""
    return fields.String(validate=validate.Length(max=100))


def _ids(relationship: str) -> fields.Function:
    """The ids of the records in a to-many relationship of the dumped object."""
    return fields.Function(
        lambda obj: [record.id for record in getattr(obj, relationship)],
        metadata={"type": "array", "items": {"type": "integer"}},
    )


# --- responses -------------------------------------------------------------------------------


class ProblemSchema(Schema):
    """An error (RFC 9457 problem details); `errors` names the invalid fields."""

    type = fields.String(required=True)
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class UnitOut(UnitDumpSchema):
    kind = _enum(UnitKind, required=True)
    version = fields.Integer(required=True)


class UserOut(Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    full_name = fields.String(required=True)
    email = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    role = _enum(Role, required=True)
    unit_id = fields.Integer(allow_none=True)
    active = fields.Boolean(required=True)
    locale = fields.String(required=True)
    version = fields.Integer(required=True)


class PlanItemOut(Schema):
    id = fields.Integer(required=True)
    plan_id = fields.Integer(required=True)
    target_unit_id = fields.Integer(required=True)
    kind = _enum(ActivityKind, required=True)
    period_kind = _enum(PeriodKind, required=True)
    period = fields.Integer(required=True)
    lead_id = fields.Integer(allow_none=True)
    content = fields.String(allow_none=True)
    overlap_justification = fields.String(allow_none=True)
    field_ids = _ids("fields")
    version = fields.Integer(required=True)


class PlanOut(Schema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    title = fields.String(required=True)
    issuing_unit_id = fields.Integer(required=True)
    state = _enum(PlanState, required=True)
    submitted_at = fields.DateTime(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    version = fields.Integer(required=True)


class PlanDetailOut(PlanOut):
    items = fields.List(fields.Nested(PlanItemOut), required=True)


class InspectionOut(InspectionDumpSchema):
    kind = _enum(ActivityKind, required=True)
    state = _enum(InspectionState, required=True)
    plan_item_id = fields.Integer(allow_none=True)
    ad_hoc_reason = fields.String(allow_none=True)
    scope = fields.String(allow_none=True)
    period_under_review = fields.String(allow_none=True)
    onsite_started_on = fields.Date(allow_none=True)
    onsite_ended_on = fields.Date(allow_none=True)
    reported_on = fields.Date(allow_none=True)
    extension_reference = fields.String(allow_none=True)
    extension_days = fields.Integer(allow_none=True)
    conclusion_summary = fields.String(allow_none=True)
    closed_on = fields.Date(allow_none=True)
    member_ids = _ids("members")
    field_ids = _ids("fields")
    version = fields.Integer(required=True)


class EvidenceOut(Schema):
    id = fields.Integer(required=True)
    finding_id = fields.Integer(allow_none=True)
    inspection_id = fields.Integer(allow_none=True)
    original_name = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_by_id = fields.Integer(required=True)
    uploaded_at = fields.DateTime(required=True)
    download_url = fields.Method("_download", metadata={"type": "string"})

    def _download(self, evidence) -> str:
        from flask import url_for

        return url_for("api.evidence_download", evidence_id=evidence.id)


class FindingOut(FindingDumpSchema):
    severity = _enum(Severity, required=True)
    field_id = fields.Integer(allow_none=True)
    place = fields.String(allow_none=True)
    files = fields.List(fields.Nested(EvidenceOut), required=True)


class CaseOut(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    inspection_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    type = _enum(CaseType, required=True)
    title = fields.String(required=True)
    legal_reference_id = fields.Integer(required=True)
    severity = _enum(Severity, required=True)
    responsible_unit_id = fields.Integer(required=True)
    required_action = fields.String(required=True)
    # Whole đồng, as a string: a JSON number would lose precision beyond 2**53.
    amount_vnd = fields.Decimal(as_string=True, allow_none=True, places=0)
    due_date = fields.Date(required=True)
    original_due_date = fields.Date(required=True)
    due_change_reason = fields.String(allow_none=True)
    state = _enum(CaseState, required=True)
    withdrawn_reason = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    escalation_level = fields.Integer(required=True)
    overdue = fields.Method("_overdue", required=True, metadata={"type": "boolean"})
    version = fields.Integer(required=True)

    def _overdue(self, case) -> bool:
        from inspect_app.core import clock

        return case.is_overdue(clock.today())


class NotificationOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(allow_none=True)
    link = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    read_at = fields.DateTime(allow_none=True)


class UnreadOut(Schema):
    unread = fields.Integer(required=True)


def page_schema(item: type[Schema]) -> type[Schema]:
    """The envelope of a paginated list of `item`."""
    return type(
        item.__name__.removesuffix("Out") + "Page",
        (Schema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "total": fields.Integer(required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "pages": fields.Integer(required=True),
        },
    )


# --- query parameters (documented; parsed leniently by the features' own filter readers) -----


class PageQuery(Schema):
    page = fields.Integer(validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(validate=validate.Range(min=1, max=200))


class CaseQuery(PageQuery):
    state = _enum(CaseState)
    unit = _id()
    field = _id()
    year = _year()
    overdue = fields.String(validate=validate.OneOf(["1"]))
    type = _enum(CaseType)
    q = _text()
    sort = fields.String(validate=validate.OneOf(list(CASE_SORTS)))


class InspectionQuery(PageQuery):
    state = _enum(InspectionState)
    unit = _id()
    field = _id()
    year = _year()
    kind = _enum(ActivityKind)
    q = _text()
    mine = fields.String(validate=validate.OneOf(["1"]))
    sort = fields.String(validate=validate.OneOf(list(INSPECTION_SORTS)))


class PlanQuery(PageQuery):
    year = _year()
    state = _enum(PlanState)
    q = _text()


class FindingQuery(PageQuery):
    inspection = _id()
    field = _id()
    unit = _id()
    severity = _enum(Severity)
    q = _text()


class UserQuery(PageQuery):
    q = _text()
    role = _enum(Role)
    state = fields.String(validate=validate.OneOf(["active", "inactive"]))


# --- the token form (account page) -------------------------------------------------------------

TOKEN_EXPIRY_DAYS = ("30", "90", "365", "0")  # 0: never expires


class TokenCreateSchema(BaseSchema):
    name = fields.String(required=True, validate=length(100))
    days = fields.String(load_default="90", validate=one_of(TOKEN_EXPIRY_DAYS))


# --- answers, extension requests, deputies, analytics, documents, unit history ----------------


class AnswerFileOut(EvidenceOut):
    answer_id = fields.Integer(allow_none=True)


class AnswerOut(Schema):
    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["progress", "final"]))
    text = fields.String(required=True)
    completion_date = fields.Date(allow_none=True)
    author_id = fields.Integer(required=True)
    on_behalf_of_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)
    verdict = fields.String(
        allow_none=True, validate=validate.OneOf(["accepted", "rejected", "partly_done"])
    )
    verified_by_id = fields.Integer(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)
    verification_note = fields.String(allow_none=True)
    files = fields.List(fields.Nested(AnswerFileOut), required=True)


class AnswerListOut(Schema):
    items = fields.List(fields.Nested(AnswerOut), required=True)


class AnswerForm(Schema):
    """The answer form as multipart/form-data (documentation of answers.schemas.AnswerSchema
    plus its files; the API reads it with that schema)."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    completion_date = fields.Date(
        metadata={"description": "Required for the final answer; not in the future"}
    )
    version = _id(required=True)
    idempotency_key = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$"))
    files = fields.List(
        fields.Raw(metadata={"type": "string", "format": "binary"}),
        metadata={"description": "Evidence: PDF, images, DOCX, XLSX; at most 20"},
    )


class ExtensionOut(Schema):
    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    requested_date = fields.Date(required=True)
    previous_due_date = fields.Date(required=True)
    reason = fields.String(required=True)
    state = fields.String(
        required=True, validate=validate.OneOf(["pending", "approved", "refused", "cancelled"])
    )
    requested_by_id = fields.Integer(required=True)
    on_behalf_of_id = fields.Integer(allow_none=True)
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    version = fields.Integer(required=True)


class CaseExtensionsOut(Schema):
    case_id = fields.Integer(required=True)
    case_version = fields.Integer(required=True)
    due_date = fields.Date(required=True)
    approved = fields.Integer(required=True)
    cap = fields.Integer(required=True)
    approver = fields.String(required=True)
    can_ask = fields.Boolean(required=True)
    items = fields.List(fields.Nested(ExtensionOut), required=True)


class DelegationOut(Schema):
    id = fields.Integer(required=True)
    principal_id = fields.Integer(required=True)
    deputy_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    reason = fields.String(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoked_by_id = fields.Integer(allow_none=True)
    version = fields.Integer(required=True)


class AnalyticsQuery(Schema):
    year_from = _year()
    year_to = _year()
    window = fields.Integer(validate=validate.Range(min=1, max=20))
    as_of = fields.Date(metadata={"description": "Group units by the tree on this date"})


class AnalyticsParamsOut(Schema):
    year_from = fields.Integer(required=True)
    year_to = fields.Integer(required=True)
    window = fields.Integer(required=True)
    as_of = fields.Date(allow_none=True)


class AnalyticsRowOut(Schema):
    unit_id = fields.Integer(required=True)
    unit = fields.String(required=True)
    field_id = fields.Integer(allow_none=True)
    field = fields.String(required=True)
    year = fields.Integer(required=True)
    cases = fields.Integer(required=True)
    decided = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    on_time_share = fields.Float(allow_none=True)
    avg_working_days_overdue = fields.Float(allow_none=True)
    repeats = fields.Integer(required=True)


class AnalyticsUnitOut(Schema):
    unit_id = fields.Integer(required=True)
    unit = fields.String(required=True)
    active = fields.Boolean(required=True)
    cases = fields.Integer(required=True)
    decided = fields.Integer(required=True)
    on_time = fields.Integer(required=True)
    on_time_share = fields.Float(allow_none=True)
    avg_working_days_overdue = fields.Float(allow_none=True)
    repeats = fields.Integer(required=True)
    risk_score = fields.Float(required=True)


class SuggestionOut(Schema):
    unit_id = fields.Integer(required=True)
    unit = fields.String(required=True)
    risk_score = fields.Float(required=True)
    field_ids = fields.List(fields.Integer(), required=True)


class AnalyticsOut(Schema):
    params = fields.Nested(AnalyticsParamsOut, required=True)
    formula = fields.String(required=True)
    rows = fields.List(fields.Nested(AnalyticsRowOut), required=True)
    units = fields.List(fields.Nested(AnalyticsUnitOut), required=True)
    suggested = fields.List(fields.Nested(SuggestionOut), required=True)


class DocumentQuery(PageQuery):
    kind = fields.String(validate=validate.OneOf(["report", "urging"]))
    state = fields.String(validate=validate.OneOf(["draft", "issued"]))
    year = fields.Integer(validate=validate.Range(min=1901, max=2999))


class DocumentOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["report", "urging"]))
    state = fields.String(required=True, validate=validate.OneOf(["draft", "issued"]))
    year = fields.Integer(required=True)
    number = fields.Integer(allow_none=True)
    number_label = fields.String(required=True)
    title = fields.String(required=True)
    recipient = fields.String(allow_none=True)
    case_id = fields.Integer(allow_none=True)
    due_date = fields.Date(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    period_start = fields.Date(allow_none=True)
    period_end = fields.Date(allow_none=True)
    as_of = fields.Date(required=True)
    issued_at = fields.DateTime(allow_none=True)
    issued_by_id = fields.Integer(allow_none=True)
    pdf_sha256 = fields.String(allow_none=True)
    version = fields.Integer(required=True)


class DocumentItemOut(Schema):
    position = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    unit_name = fields.String(required=True)
    case_reference = fields.String(required=True)
    case_title = fields.String(required=True)
    required_action = fields.String(allow_none=True)
    conclusion = fields.String(allow_none=True)
    due_date = fields.Date(required=True)
    working_days_overdue = fields.Integer(required=True)
    escalation_level = fields.Integer(required=True)
    proposal = fields.String(allow_none=True)


class DocumentDetailOut(DocumentOut):
    body = fields.String(allow_none=True)
    distribution = fields.String(required=True)
    signer_authority = fields.String(allow_none=True)
    signer_title = fields.String(required=True)
    signer_name = fields.String(allow_none=True)
    figures = fields.Dict(keys=fields.String(), values=fields.Integer(), allow_none=True)
    items = fields.List(fields.Nested(DocumentItemOut), required=True)


class UnitPeriodOut(Schema):
    name = fields.String(required=True)
    parent_id = fields.Integer(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    event_id = fields.Integer(allow_none=True)


class UnitHistoryOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    active = fields.Boolean(required=True)
    successor_id = fields.Integer(allow_none=True)
    former_names = fields.List(fields.String(), required=True)
    dissolved_on = fields.Date(allow_none=True)
    periods = fields.List(fields.Nested(UnitPeriodOut), required=True)
    lineage_ids = fields.List(fields.Integer(), required=True)


class UnitEventUnitOut(Schema):
    unit_id = fields.Integer(required=True)
    role = fields.String(required=True, validate=validate.OneOf(["source", "target"]))


class UnitEventOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(
        required=True, validate=validate.OneOf(["merge", "rename", "split", "move"])
    )
    effective_date = fields.Date(required=True)
    decision_reference = fields.String(required=True)
    note = fields.String(allow_none=True)
    actor_id = fields.Integer(allow_none=True)
    units = fields.List(fields.Nested(UnitEventUnitOut), required=True)


class UnitEventListOut(Schema):
    items = fields.List(fields.Nested(UnitEventOut), required=True)
