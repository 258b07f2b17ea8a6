"""The JSON API under /api/v1: the features' queries, schemas and operations behind bearer tokens.

Every route carries the same `@access(...)` as the page it mirrors (`same_as(page_view)`) and
the same object-level checks (`can_view`, visible units, ...); transitions are POSTs to named
actions that call the one operation the page calls. Errors are problem details (core.errors).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, g, jsonify, request, session
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from inspect_app.analytics import views as analytics_views
from inspect_app.analytics.queries import (
    AnalyticsParams,
    analytics,
    risk_formula,
    suggested_targets,
    table_records,
    unit_records,
)
from inspect_app.answers import operations as answer_operations
from inspect_app.answers import views as answer_views
from inspect_app.answers.queries import answers_of_case
from inspect_app.answers.schemas import AnswerSchema
from inspect_app.api import operations as tokens
from inspect_app.api import schemas as out
from inspect_app.api.spec import build_spec, doc
from inspect_app.auth import operations as auth_operations
from inspect_app.auth import views as auth_views
from inspect_app.auth.models import User
from inspect_app.auth.schemas import UserCreateSchema
from inspect_app.cases import operations as case_operations
from inspect_app.cases import views as case_views
from inspect_app.cases.models import Case
from inspect_app.cases.queries import LIST_LOADS, CaseFilters, case_list
from inspect_app.cases.schemas import (
    CaseCreateSchema,
    DeadlineChangeSchema,
    ReasonSchema,
    VerdictSchema,
    VersionSchema,
)
from inspect_app.core import clock
from inspect_app.core.errors import error_response
from inspect_app.core.files import EvidenceFile, send_evidence
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import render
from inspect_app.core.loading import get_or_404
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import AUTHENTICATED, access, require
from inspect_app.core.roles import Role
from inspect_app.core.schemas import MAX_ID
from inspect_app.deputies import operations as deputy_operations
from inspect_app.deputies import queries as deputy_queries
from inspect_app.deputies import views as deputy_views
from inspect_app.deputies.queries import authority_over
from inspect_app.deputies.schemas import DelegationSchema, RevokeSchema
from inspect_app.extension_requests import operations as extension_operations
from inspect_app.extension_requests import queries as extension_queries
from inspect_app.extension_requests import views as extension_views
from inspect_app.extension_requests.schemas import (
    CancelSchema,
    DecisionSchema,
    ExtensionAskSchema,
)
from inspect_app.extensions import csrf, db, limiter
from inspect_app.findings import operations as finding_operations
from inspect_app.findings import views as finding_views
from inspect_app.findings.access import get_visible_inspection, is_team_member
from inspect_app.findings.models import Finding
from inspect_app.findings.queries import clean_filters, findings_query
from inspect_app.findings.schemas import FindingSchema
from inspect_app.inspections import operations as inspection_operations
from inspect_app.inspections import views as inspection_views
from inspect_app.inspections.models import Inspection
from inspect_app.inspections.queries import Filters as InspectionFilters
from inspect_app.inspections.queries import list_statement
from inspect_app.inspections.schemas import (
    ConcludeSchema,
    EditSchema,
    EndOnsiteSchema,
    ExtensionSchema,
    InspectionSchema,
    TransitionSchema,
)
from inspect_app.notifications import operations as notification_operations
from inspect_app.notifications.models import Notification
from inspect_app.plans import operations as plan_operations
from inspect_app.plans import queries as plan_queries
from inspect_app.plans import views as plan_views
from inspect_app.plans.models import Plan
from inspect_app.plans.schemas import PlanFilterSchema, PlanItemSchema, PlanSchema, ReturnSchema
from inspect_app.plans.schemas import TransitionSchema as PlanTransitionSchema
from inspect_app.reports import documents as report_documents
from inspect_app.reports import operations as report_operations
from inspect_app.reports import views as report_views
from inspect_app.reports.queries import DocumentFilters, document_list, get_visible_document
from inspect_app.reports.schemas import VersionSchema as ReportVersionSchema
from inspect_app.units import operations as unit_operations
from inspect_app.units import views as unit_views
from inspect_app.units.models import Unit
from inspect_app.units.queries import UnitHistory, lineage_ids, unit_events, visible_unit_ids
from inspect_app.units.schemas import UnitSchema
from inspect_app.workflows import reorganisation_views

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# Token requests carry no cookie, so they cannot be forged cross-site: CSRF is checked below
# only for requests authenticated by the session cookie.
csrf.exempt(bp)


def _rate_key() -> str:
    """Rate limits count per token (hashed), or per client address without one."""
    header = request.headers.get("Authorization", "")
    if header:
        return "token:" + hashlib.sha256(header.encode("utf-8", "replace")).hexdigest()[:32]
    return "addr:" + (request.remote_addr or "unknown")


limiter.limit(lambda: current_app.config["RATELIMIT_API"], key_func=_rate_key)(bp)


def same_as(page_view):
    """The access declaration of the page this API route mirrors."""
    return access(*page_view._access)


def _unauthorized(message: str):
    response = error_response(401, message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@bp.before_app_request
def authenticate_token():
    """Sign in the owner of a bearer token for this request only (no session is written);
    a cookie session must send the CSRF token on unsafe methods. 401 for a bad token."""
    if request.blueprint != "api":
        return None
    header = request.headers.get("Authorization")
    if header is None:
        if request.method not in SAFE_METHODS:
            csrf.protect()
        return None
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return _unauthorized(_("Send the token as: Authorization: Bearer <token>."))
    token = tokens.authenticate(secret.strip())
    if token is None:
        db.session.rollback()
        return _unauthorized(_("This token is unknown, revoked or expired."))
    db.session.commit()
    g._login_user = token.user
    g.api_token = token
    return None


@bp.after_request
def no_session_for_tokens(response):
    """A token request leaves no session cookie behind."""
    if g.get("api_token") is not None:
        session.modified = False
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# --- helpers -----------------------------------------------------------------------------------


class InvalidBody(Exception):
    def __init__(self, status: int, message: str, errors: dict | None = None):
        self.status, self.message, self.errors = status, message, errors


@bp.errorhandler(InvalidBody)
def _invalid_body(e: InvalidBody):
    db.session.rollback()
    return error_response(e.status, e.message, errors=e.errors)


def _flatten(messages) -> dict:
    if not isinstance(messages, dict):
        return {"_schema": [str(m) for m in messages]}
    flat: dict = {}
    for key, value in messages.items():
        if isinstance(value, dict):
            for sub, sub_messages in _flatten(value).items():
                flat[f"{key}.{sub}"] = sub_messages
        elif isinstance(value, list | tuple):
            flat[str(key)] = [str(m) for m in value]
        else:
            flat[str(key)] = [str(value)]
    return flat


def _as_form_value(value):
    """The features' schemas read forms: JSON booleans become the words a checkbox sends."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.strip() if isinstance(value, str) else value


def load_body(schema: Schema) -> dict:
    """Validate the JSON object of the request with a feature's schema: 400 when it is not a
    JSON object, 422 with the field messages when invalid. Empty strings and nulls are "not
    given", as in the forms."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidBody(400, _("Send a JSON object with Content-Type: application/json."))
    cleaned = {k: _as_form_value(v) for k, v in body.items()}
    cleaned = {k: v for k, v in cleaned.items() if not (v is None or v == "")}
    return _validate(schema, cleaned)


def _invalid(errors: dict) -> InvalidBody:
    """The 422 of refused input, naming the invalid fields."""
    return InvalidBody(422, _("Some values are missing or invalid."), errors)


def _validate(schema: Schema, data: dict) -> dict:
    """`schema.load(data)`; 422 with the field messages when invalid."""
    try:
        return schema.load(data)
    except ValidationError as err:
        raise _invalid(_flatten(err.messages)) from None


def dump(schema: type[Schema], obj, status: int = 200):
    response = jsonify(schema().dump(obj))
    response.status_code = status
    return response


def dump_page(schema: type[Schema], page, rows: bool = False):
    items = [row[0] for row in page.items] if rows else page.items
    return jsonify(
        items=schema(many=True).dump(items),
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
    )


def _commit(result=None):
    db.session.commit()
    return result


@dataclass(frozen=True)
class _Kind:
    """A kind of object the API runs actions on: its URL, the prefix of its endpoints, its
    OpenAPI tag, how the caller's copy is loaded (404 when not visible) and how it is sent."""

    rule: str
    name: str
    tag: str
    load: Callable[[int], object]
    response: type[Schema]


def _action(
    kind: _Kind,
    name: str,
    page_view,
    schema: type[Schema],
    run,
    summary: str,
    *,
    check=None,
    docstring: str | None = None,
):
    """Register POST <kind.rule>/<name>: load the object (404), `check(obj)` that the caller
    may act on it (403), read the body with `schema` (400, 422), run one operation
    `run(obj, data)`, commit and send the object back."""

    def view(**ids):
        (obj_id,) = ids.values()
        obj = kind.load(obj_id)
        if check is not None:
            require(check(obj))
        data = load_body(schema())
        return dump(kind.response, _commit(run(obj, data)))

    view.__name__ = f"{kind.name}_{name.replace('-', '_')}"
    view.__doc__ = docstring or f"{summary}; 403, 404, 409, 422."
    view = doc(summary, tag=kind.tag, body=schema, response=kind.response)(view)
    bp.add_url_rule(
        f"{kind.rule}/{name}", view.__name__, same_as(page_view)(view), methods=["POST"]
    )


# --- the document and its page -----------------------------------------------------------------


@bp.route("/openapi.json")
@access(AUTHENTICATED)
def openapi():
    """The OpenAPI 3 document of this API."""
    return jsonify(build_spec(current_app))


@bp.route("/docs")
@access(AUTHENTICATED)
def docs():
    """The API reference as a page, rendered on the server from the OpenAPI document."""
    spec = build_spec(current_app)
    return render("api/docs.html", spec=spec, methods=("get", "post", "put", "patch", "delete"))


# --- the caller ----------------------------------------------------------------------------------


@bp.route("/me")
@access(AUTHENTICATED)
@doc("The signed-in user (owner of the token)", tag="users", response=out.UserOut)
def me():
    """Who the token belongs to."""
    return dump(out.UserOut, current_user)


# --- units ---------------------------------------------------------------------------------------


def _visible_unit(unit_id: int) -> Unit:
    unit = get_or_404(Unit, unit_id)
    visible = visible_unit_ids(current_user)
    if visible is not None and unit.id not in visible:
        abort(404)
    return unit


@bp.route("/units")
@access(AUTHENTICATED)
@doc(
    "Units the user may see",
    tag="units",
    query=out.PageQuery,
    response=out.page_schema(out.UnitOut),
)
def units():
    """The unit tree (a unit leader sees their own units only), by name."""
    stmt = select(Unit).order_by(Unit.name, Unit.id)
    visible = visible_unit_ids(current_user)
    if visible is not None:
        stmt = stmt.where(Unit.id.in_(visible or {-1}))
    return dump_page(out.UnitOut, paginate(stmt))


@bp.route("/units/<int:unit_id>")
@access(AUTHENTICATED)
@doc("One unit", tag="units", response=out.UnitOut)
def unit(unit_id: int):
    """One unit; 404 when unknown or not visible."""
    return dump(out.UnitOut, _visible_unit(unit_id))


@bp.route("/units", methods=["POST"])
@same_as(unit_views.new)
@doc(
    "Create a unit (administrators)", tag="units", body=UnitSchema, response=out.UnitOut, status=201
)
def unit_create():
    """Add a unit; 422 on bad input."""
    data = load_body(UnitSchema())
    return dump(out.UnitOut, _commit(unit_operations.create_unit(current_user, data)), 201)


@bp.route("/units/<int:unit_id>", methods=["PUT"])
@same_as(unit_views.edit)
@doc("Change a unit (administrators)", tag="units", body=UnitSchema, response=out.UnitOut)
def unit_update(unit_id: int):
    """Edit a unit; 409 stale version, 422 bad input."""
    unit = get_or_404(Unit, unit_id)
    data = load_body(UnitSchema())
    return dump(out.UnitOut, _commit(unit_operations.update_unit(current_user, unit, data)))


# --- users ---------------------------------------------------------------------------------------


@bp.route("/users")
@same_as(auth_views.users)
@doc(
    "Accounts (administrators)",
    tag="users",
    query=out.UserQuery,
    response=out.page_schema(out.UserOut),
)
def users():
    """Accounts filtered by text, role and state, like the administrators' page."""
    q = (request.args.get("q") or "").replace("\x00", "").strip()[:100]
    role = request.args.get("role") or ""
    state = request.args.get("state") or ""
    stmt = select(User).order_by(User.full_name, User.id)
    if q:
        needle = q.lower()
        stmt = stmt.where(
            or_(
                func.lower(User.username).contains(needle, autoescape=True),
                func.lower(User.full_name).contains(needle, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    if state in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(state == "active"))
    return dump_page(out.UserOut, paginate(stmt))


@bp.route("/users/<int:user_id>")
@same_as(auth_views.user_edit)
@doc("One account (administrators)", tag="users", response=out.UserOut)
def user(user_id: int):
    """One account."""
    return dump(out.UserOut, get_or_404(User, user_id))


@bp.route("/users", methods=["POST"])
@same_as(auth_views.user_new)
@doc(
    "Create an account (administrators)",
    tag="users",
    body=UserCreateSchema,
    response=out.UserOut,
    status=201,
)
def user_create():
    """Create an account; 422 on bad input (taken username, weak password)."""
    data = load_body(UserCreateSchema())
    return dump(out.UserOut, _commit(auth_operations.create_user(current_user, data)), 201)


# --- plans ---------------------------------------------------------------------------------------


def _plan(plan_id: int) -> Plan:
    plan = plan_queries.plan_with_items(plan_id) if 0 < plan_id <= MAX_ID else None
    if plan is None:
        abort(404)
    require(plan.can_view(current_user))
    return plan


@bp.route("/plans")
@same_as(plan_views.index)
@doc(
    "Annual plans",
    tag="plans",
    query=out.PlanQuery,
    response=out.page_schema(out.PlanOut),
    errors=(422,),
)
def plans():
    """Plans filtered by year, state and text, like the page."""
    raw = {k: v for k, v in request.args.items() if k in ("year", "state", "q")}
    data = _validate(PlanFilterSchema(), raw)
    stmt = plan_queries.plan_list_stmt(data.get("year"), data.get("state"), data.get("q"))
    return dump_page(out.PlanOut, paginate(stmt, scalars=False), rows=True)


@bp.route("/plans/<int:plan_id>")
@same_as(plan_views.detail)
@doc("One plan with its items", tag="plans", response=out.PlanDetailOut)
def plan(plan_id: int):
    """One plan and its items."""
    return dump(out.PlanDetailOut, _plan(plan_id))


@bp.route("/plans", methods=["POST"])
@same_as(plan_views.new)
@doc("Create a draft plan", tag="plans", body=PlanSchema, response=out.PlanOut, status=201)
def plan_create():
    """Create a draft plan; 422."""
    data = load_body(PlanSchema())
    return dump(out.PlanOut, _commit(plan_operations.create_plan(current_user, data)), 201)


@bp.route("/plans/<int:plan_id>", methods=["PUT"])
@same_as(plan_views.edit)
@doc("Change a draft plan", tag="plans", body=PlanSchema, response=out.PlanOut)
def plan_update(plan_id: int):
    """Edit a draft plan; 403 not a draft, 409 stale, 422."""
    plan = _plan(plan_id)
    require(plan.can_edit(current_user))
    data = load_body(PlanSchema())
    return dump(out.PlanOut, _commit(plan_operations.update_plan(current_user, plan, data)))


@bp.route("/plans/<int:plan_id>/items", methods=["POST"])
@same_as(plan_views.item_new)
@doc(
    "Add an item to a draft plan",
    tag="plans",
    body=PlanItemSchema,
    response=out.PlanItemOut,
    status=201,
)
def plan_item_create(plan_id: int):
    """Add an item; 422 bad input or an overlap without justification."""
    plan = _plan(plan_id)
    require(plan.can_edit(current_user))
    data = load_body(PlanItemSchema())
    return dump(out.PlanItemOut, _commit(plan_operations.add_item(current_user, plan, data)), 201)


PLAN = _Kind("/plans/<int:plan_id>", "plan", "plans", _plan, out.PlanOut)
_po = plan_operations
_action(
    PLAN,
    "submit",
    plan_views.submit,
    PlanTransitionSchema,
    lambda p, d: _po.submit(current_user, p, d["version"]),
    "Submit a draft plan for approval",
    docstring="Submit; 409 stale, 422 no items or not a draft.",
)
_action(
    PLAN,
    "approve",
    plan_views.approve,
    PlanTransitionSchema,
    lambda p, d: _po.approve(current_user, p, d["version"]),
    "Approve a submitted plan (leadership)",
    docstring="Approve; 409 stale, 422 not submitted.",
)
_action(
    PLAN,
    "return",
    plan_views.return_to_draft,
    ReturnSchema,
    lambda p, d: _po.return_to_draft(current_user, p, d["reason"], d["version"]),
    "Send a submitted plan back to draft (leadership)",
    docstring="Return to draft with a reason; 409 stale, 422.",
)


# --- inspections ---------------------------------------------------------------------------------


@bp.route("/inspections")
@same_as(inspection_views.index)
@doc(
    "Inspections the user may see",
    tag="inspections",
    query=out.InspectionQuery,
    response=out.page_schema(out.InspectionOut),
)
def inspections():
    """Inspections filtered and sorted like the page (a unit leader sees their units' only)."""
    filters = InspectionFilters.from_args(request.args)
    stmt = list_statement(current_user, filters).options(selectinload(Inspection.members))
    return dump_page(out.InspectionOut, paginate(stmt))


@bp.route("/inspections/<int:inspection_id>")
@same_as(inspection_views.detail)
@doc("One inspection", tag="inspections", response=out.InspectionOut)
def inspection(inspection_id: int):
    """One inspection; 404 when unknown or not visible."""
    return dump(out.InspectionOut, get_visible_inspection(current_user, inspection_id))


@bp.route("/inspections", methods=["POST"])
@same_as(inspection_views.new)
@doc(
    "Open an inspection (from a plan item or ad hoc)",
    tag="inspections",
    body=InspectionSchema,
    response=out.InspectionOut,
    status=201,
)
def inspection_create():
    """Open an inspection; 422 on bad input."""
    data = load_body(InspectionSchema())
    result = inspection_operations.create_inspection(current_user, data)
    return dump(out.InspectionOut, _commit(result), 201)


@bp.route("/inspections/<int:inspection_id>", methods=["PUT"])
@same_as(inspection_views.edit)
@doc(
    "Change an inspection (its team)",
    tag="inspections",
    body=EditSchema,
    response=out.InspectionOut,
)
def inspection_update(inspection_id: int):
    """Edit; 403 not on the team, 409 stale, 422."""
    inspection = get_visible_inspection(current_user, inspection_id)
    require(inspection.can_edit(current_user))
    data = load_body(EditSchema())
    result = inspection_operations.update_inspection(current_user, inspection, data)
    return dump(out.InspectionOut, _commit(result))


INSPECTION = _Kind(
    "/inspections/<int:inspection_id>",
    "inspection",
    "inspections",
    lambda inspection_id: get_visible_inspection(current_user, inspection_id),
    out.InspectionOut,
)
_io = inspection_operations
_action(
    INSPECTION,
    "start",
    inspection_views.start,
    TransitionSchema,
    lambda i, d: _io.start_onsite(current_user, i, d.get("version")),
    "Start on-site work (team leader)",
)
_action(
    INSPECTION,
    "extension",
    inspection_views.extension,
    ExtensionSchema,
    lambda i, d: _io.record_extension(
        current_user, i, d["extension_reference"], d["extension_days"], d.get("version")
    ),
    "Record the extension decision of on-site work (team leader)",
)
_action(
    INSPECTION,
    "end-onsite",
    inspection_views.end_onsite,
    EndOnsiteSchema,
    lambda i, d: _io.end_onsite(
        current_user, i, d.get("version"), d.get("extension_reference"), d.get("extension_days")
    ),
    "End on-site work (team leader)",
)
_action(
    INSPECTION,
    "report",
    inspection_views.report,
    TransitionSchema,
    lambda i, d: _io.submit_report(current_user, i, d.get("version")),
    "Submit the team report (team leader)",
)
_action(
    INSPECTION,
    "conclude",
    inspection_views.conclude,
    ConcludeSchema,
    lambda i, d: _io.conclude(current_user, i, d),
    "Record the signed conclusion (leadership)",
)
_action(
    INSPECTION,
    "monitoring",
    inspection_views.monitoring,
    TransitionSchema,
    lambda i, d: _io.start_monitoring(current_user, i, d.get("version")),
    "Start monitoring implementation (team leader or leadership)",
)
_action(
    INSPECTION,
    "close",
    inspection_views.close,
    TransitionSchema,
    lambda i, d: _io.close(current_user, i, d.get("version")),
    "Close the inspection (leadership)",
)


# --- findings and evidence -----------------------------------------------------------------------


def _finding(finding_id: int) -> Finding:
    finding = db.session.get(Finding, finding_id)
    if finding is None or not finding.can_view(current_user):
        abort(404)
    return finding


def _evidence(evidence_id: int) -> EvidenceFile:
    evidence = db.session.get(EvidenceFile, evidence_id)
    if evidence is None or not evidence.can_view(current_user):
        abort(404)
    return evidence


@bp.route("/findings")
@same_as(finding_views.index)
@doc(
    "Findings the user may see",
    tag="findings",
    query=out.FindingQuery,
    response=out.page_schema(out.FindingOut),
)
def findings():
    """Findings filtered like the page, newest observation first, with their files."""
    return dump_page(
        out.FindingOut, paginate(findings_query(current_user, clean_filters(request.args)))
    )


@bp.route("/findings/<int:finding_id>")
@same_as(finding_views.detail)
@doc("One finding with its evidence files", tag="findings", response=out.FindingOut)
def finding(finding_id: int):
    """One finding; 404 when unknown or not visible."""
    return dump(out.FindingOut, _finding(finding_id))


@bp.route("/inspections/<int:inspection_id>/findings", methods=["POST"])
@same_as(finding_views.new)
@doc(
    "Log a finding (team members; files are added on the page)",
    tag="findings",
    body=FindingSchema,
    response=out.FindingOut,
    status=201,
)
def finding_create(inspection_id: int):
    """Log a finding; 403 not on the team, 422 closed inspection or bad input."""
    inspection = get_visible_inspection(current_user, inspection_id)
    require(is_team_member(current_user, inspection))
    data = load_body(FindingSchema())
    result = finding_operations.create_finding(current_user, inspection, data)
    return dump(out.FindingOut, _commit(result), 201)


@bp.route("/evidence/<int:evidence_id>")
@same_as(finding_views.evidence)
@doc("Metadata of an evidence file", tag="findings", response=out.EvidenceOut)
def evidence(evidence_id: int):
    """Name, type, size and SHA-256 of a stored file; 404 unless its inspection is visible."""
    return dump(out.EvidenceOut, _evidence(evidence_id))


@bp.route("/evidence/<int:evidence_id>/download")
@same_as(finding_views.evidence)
@doc("Download an evidence file", tag="findings", binary=True)
def evidence_download(evidence_id: int):
    """The stored bytes; 404 unless its inspection is visible."""
    return send_evidence(_evidence(evidence_id))


# --- cases ---------------------------------------------------------------------------------------


def _case(case_id: int) -> Case:
    case = None
    if 0 < case_id <= MAX_ID:
        case = db.session.execute(
            select(Case).options(joinedload(Case.inspection)).where(Case.id == case_id)
        ).scalar_one_or_none()
    if case is None or not case.can_view(current_user):
        abort(404)
    return case


@bp.route("/cases")
@same_as(case_views.index)
@doc(
    "Cases (recommendations) the user may see",
    tag="cases",
    query=out.CaseQuery,
    response=out.page_schema(out.CaseOut),
)
def cases():
    """Cases filtered and sorted like the page (a unit leader sees their units' only)."""
    filters = CaseFilters.from_args(request.args)
    return dump_page(
        out.CaseOut, paginate(case_list(current_user, filters, clock.today(), loads=LIST_LOADS))
    )


@bp.route("/cases/<int:case_id>")
@same_as(case_views.detail)
@doc("One case", tag="cases", response=out.CaseOut)
def case(case_id: int):
    """One case; 404 when unknown or not visible."""
    return dump(out.CaseOut, _case(case_id))


@bp.route("/inspections/<int:inspection_id>/cases", methods=["POST"])
@same_as(case_views.new)
@doc(
    "Create a case from findings (team leader)",
    tag="cases",
    body=CaseCreateSchema,
    response=out.CaseOut,
    status=201,
)
def case_create(inspection_id: int):
    """Create a case from findings of the inspection; 403, 409 stale, 422."""
    inspection = get_visible_inspection(current_user, inspection_id)
    data = load_body(CaseCreateSchema())
    result = case_operations.create_case(current_user, inspection, data)
    return dump(out.CaseOut, _commit(result), 201)


CASE = _Kind("/cases/<int:case_id>", "case", "cases", _case, out.CaseOut)
_co = case_operations
_action(
    CASE,
    "accept",
    case_views.accept,
    VersionSchema,
    lambda c, d: _co.accept(current_user, c, d["version"], d.get("note")),
    "Accept the unit's answer (team)",
)
_action(
    CASE,
    "reject",
    case_views.reject,
    VerdictSchema,
    lambda c, d: _co.reject(
        current_user, c, d["reason"], d["version"], d.get("due_date"), d.get("due_reason")
    ),
    "Reject the unit's answer with a reason, optionally a new deadline (team)",
)
_action(
    CASE,
    "partly-done",
    case_views.partly_done,
    VerdictSchema,
    lambda c, d: _co.partly_done(
        current_user, c, d["reason"], d["version"], d.get("due_date"), d.get("due_reason")
    ),
    "Verify the answer as partly done: the case stays open for the remainder (team)",
)
_action(
    CASE,
    "withdraw",
    case_views.withdraw,
    ReasonSchema,
    lambda c, d: _co.withdraw(current_user, c, d["reason"], d["version"]),
    "Withdraw the case with a reason (team leader, leadership)",
)
_action(
    CASE,
    "deadline",
    case_views.change_deadline,
    DeadlineChangeSchema,
    lambda c, d: _co.change_deadline(current_user, c, d["due_date"], d["reason"], d["version"]),
    "Change the deadline with a reason (team leader)",
)


# --- notifications -------------------------------------------------------------------------------


@bp.route("/notifications")
@access(AUTHENTICATED)
@doc(
    "The user's notifications, newest first",
    tag="notifications",
    query=out.PageQuery,
    response=out.page_schema(out.NotificationOut),
)
def notifications():
    """The caller's own notifications."""
    stmt = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
    )
    return dump_page(out.NotificationOut, paginate(stmt))


@bp.route("/notifications/unread")
@access(AUTHENTICATED)
@doc("How many notifications are unread", tag="notifications", response=out.UnreadOut)
def notifications_unread():
    """The unread count (the bell)."""
    return jsonify(unread=notification_operations.unread_count(current_user))


@bp.route("/notifications/<int:note_id>/read", methods=["POST"])
@access(AUTHENTICATED)
@doc("Mark one notification read", tag="notifications", response=out.NotificationOut)
def notification_read(note_id: int):
    """Mark one of the caller's notifications read; 404 for another user's."""
    note = db.session.get(Notification, note_id)
    if note is None or note.user_id != current_user.id:
        abort(404)
    notification_operations.mark_read(current_user, note)
    return dump(out.NotificationOut, _commit(note))


@bp.route("/notifications/read-all", methods=["POST"])
@access(AUTHENTICATED)
@doc("Mark every notification read", tag="notifications", response=out.UnreadOut)
def notifications_read_all():
    """Mark all of the caller's notifications read."""
    notification_operations.mark_all_read(current_user)
    db.session.commit()
    return jsonify(unread=0)


# --- answers -------------------------------------------------------------------------------------


def _answer_form() -> tuple[dict, list]:
    """The multipart answer form read with the page's schema (422 with the field messages), and
    its files."""
    data, errors = load_form(AnswerSchema())
    if data is None:
        raise _invalid(errors)
    return data, [f for f in request.files.getlist("files") if f and f.filename]


def _answer(case_id: int, operation):
    """Run an answer operation for a case the caller may answer: 201 with the answer, 200 with
    the first answer when the idempotency key was used already; 403, 404, 409, 413, 422."""
    case = _case(case_id)
    require(answer_operations.answer_authority(current_user, case).allowed)
    data, files = _answer_form()
    earlier = answer_operations.replayed(current_user, case, data.get("idempotency_key"))
    if earlier is not None:
        return dump(out.AnswerOut, earlier)
    try:
        answer = operation(current_user, case, data, files)
        db.session.commit()
    except IntegrityError:
        # A concurrent retry with the same idempotency key saved its answer first.
        db.session.rollback()
        earlier = answer_operations.replayed(current_user, case, data.get("idempotency_key"))
        if earlier is None:
            raise
        return dump(out.AnswerOut, earlier)
    return dump(out.AnswerOut, answer, 201)


@bp.route("/cases/<int:case_id>/answers")
@same_as(case_views.detail)
@doc("The unit's answers on a case, oldest first", tag="answers", response=out.AnswerListOut)
def case_answers(case_id: int):
    """Progress reports and final answers with their files and verdicts; 404 if not visible."""
    case = _case(case_id)
    return jsonify(items=out.AnswerOut(many=True).dump(answers_of_case(case.id)))


@bp.route("/cases/<int:case_id>/answer", methods=["POST"])
@same_as(answer_views.answer)
@doc(
    "Send the final answer with its completion date and evidence (unit leader or deputy)",
    tag="answers",
    body=out.AnswerForm,
    multipart=True,
    response=out.AnswerOut,
    status=201,
    description="The case moves from open to answered. A repeated `idempotency_key` returns "
    "the first answer with 200.",
)
def answer_final(case_id: int):
    """The final answer (open -> answered); 403 not the unit's leader or deputy, 404, 409 stale,
    413 file too large, 422 bad input or case not open."""
    return _answer(case_id, answer_operations.submit_final_answer)


@bp.route("/cases/<int:case_id>/progress", methods=["POST"])
@same_as(answer_views.progress)
@doc(
    "Send a progress report with evidence (unit leader or deputy)",
    tag="answers",
    body=out.AnswerForm,
    multipart=True,
    response=out.AnswerOut,
    status=201,
    description="The case stays open. A repeated `idempotency_key` returns the first report "
    "with 200.",
)
def answer_progress(case_id: int):
    """A progress report (the case stays open); 403, 404, 409, 413, 422."""
    return _answer(case_id, answer_operations.add_progress_report)


# --- extension requests --------------------------------------------------------------------------


_extension = extension_views.get_visible_request


@bp.route("/extensions")
@same_as(extension_views.index)
@doc(
    "Pending extension requests the caller may decide, oldest first",
    tag="extensions",
    query=out.PageQuery,
    response=out.page_schema(out.ExtensionOut),
)
def extensions():
    """The approver's list of pending requests under the approver setting."""
    return dump_page(out.ExtensionOut, paginate(extension_queries.pending_for(current_user)))


@bp.route("/extensions/<int:ext_id>")
@same_as(extension_views.case_section)
@doc("One extension request", tag="extensions", response=out.ExtensionOut)
def extension(ext_id: int):
    """One request; 404 unless its case is visible."""
    return dump(out.ExtensionOut, _extension(ext_id))


@bp.route("/cases/<int:case_id>/extensions")
@same_as(extension_views.case_section)
@doc(
    "The extension history of a case, with the cap and whether the caller may ask",
    tag="extensions",
    response=out.CaseExtensionsOut,
)
def case_extensions(case_id: int):
    """Every request of the case, oldest first; 404 if the case is not visible."""
    case = _case(case_id)
    ext = extension_views.case_extensions(case)
    return jsonify(
        out.CaseExtensionsOut().dump(
            {
                "case_id": case.id,
                "case_version": case.version,
                "due_date": case.due_date,
                "approved": ext.approved,
                "cap": ext.cap,
                "approver": ext.approver,
                "can_ask": ext.can_ask,
                "items": ext.requests,
            }
        )
    )


@bp.route("/cases/<int:case_id>/extensions", methods=["POST"])
@same_as(extension_views.ask)
@doc(
    "Ask for a later deadline with a reason (unit leader or deputy)",
    tag="extensions",
    body=ExtensionAskSchema,
    response=out.ExtensionOut,
    status=201,
    description="`version` is the case's version.",
)
def extension_ask(case_id: int):
    """Ask for an extension; 403 no authority over the unit, 404, 409 stale, 422 bad date or
    reason, a request pending already, case not open, cap reached."""
    case = _case(case_id)
    require(authority_over(current_user, case.responsible_unit_id).allowed)
    data = load_body(ExtensionAskSchema())
    result = extension_operations.request_extension(
        current_user, case, data["requested_date"], data["reason"], data["version"]
    )
    return dump(out.ExtensionOut, _commit(result), 201)


EXTENSION = _Kind(
    "/extensions/<int:ext_id>", "extension", "extensions", _extension, out.ExtensionOut
)
_eo = extension_operations
_action(
    EXTENSION,
    "approve",
    extension_views.approve,
    DecisionSchema,
    lambda e, d: _eo.approve(current_user, e, d["decision_reason"], d["version"]),
    "Approve a pending request with a reason: the deadline moves (approvers)",
    check=lambda e: _eo.is_approver(current_user, e.case),
    docstring="Approve; 403 not an approver of the case, 404, 409 stale, 422 decided, cap, "
    "case state.",
)
_action(
    EXTENSION,
    "refuse",
    extension_views.refuse,
    DecisionSchema,
    lambda e, d: _eo.refuse(current_user, e, d["decision_reason"], d["version"]),
    "Refuse a pending request with a reason (approvers)",
    check=lambda e: _eo.is_approver(current_user, e.case),
    docstring="Refuse; 403 not an approver of the case, 404, 409 stale, 422 decided already.",
)
_action(
    EXTENSION,
    "cancel",
    extension_views.cancel,
    CancelSchema,
    lambda e, d: _eo.cancel(current_user, e, d["version"]),
    "Withdraw one's own pending request (its requester)",
    check=lambda e: e.requested_by_id == current_user.id,
    docstring="Cancel; 403 someone else's request, 404, 409 stale, 422 decided already.",
)


# --- deputies ------------------------------------------------------------------------------------


_delegation = deputy_views.get_visible_delegation


@bp.route("/deputies")
@same_as(deputy_views.index)
@doc(
    "Delegations naming the caller as principal or deputy (all for administrators)",
    tag="deputies",
    query=out.PageQuery,
    response=out.page_schema(out.DelegationOut),
)
def deputies():
    """The caller's delegations, newest period first."""
    return dump_page(out.DelegationOut, paginate(deputy_queries.delegations_list(current_user)))


@bp.route("/deputies/<int:delegation_id>")
@same_as(deputy_views.index)
@doc("One delegation", tag="deputies", response=out.DelegationOut)
def delegation(delegation_id: int):
    """One delegation of the caller's (any for an administrator); 404 otherwise."""
    return dump(out.DelegationOut, _delegation(delegation_id))


@bp.route("/deputies", methods=["POST"])
@same_as(deputy_views.create)
@doc(
    "Name a deputy for a period (unit leaders)",
    tag="deputies",
    body=DelegationSchema,
    response=out.DelegationOut,
    status=201,
)
def delegation_create():
    """Name another leader of the unit (or a unit below) as deputy; 403, 422."""
    data = load_body(DelegationSchema())
    return dump(out.DelegationOut, _commit(deputy_operations.name_deputy(current_user, data)), 201)


@bp.route("/deputies/<int:delegation_id>/revoke", methods=["POST"])
@same_as(deputy_views.revoke)
@doc(
    "End a delegation now (its principal or an administrator)",
    tag="deputies",
    body=RevokeSchema,
    response=out.DelegationOut,
)
def delegation_revoke(delegation_id: int):
    """Revoke; 403 the deputy, 404 not the caller's, 409 stale, 422 revoked or ended already."""
    delegation = _delegation(delegation_id)
    require(current_user.role == Role.ADMIN or current_user.id == delegation.principal_id)
    data = load_body(RevokeSchema())
    result = deputy_operations.revoke(current_user, delegation, data["version"])
    return dump(out.DelegationOut, _commit(result))


# --- analytics -----------------------------------------------------------------------------------


@bp.route("/analytics")
@same_as(analytics_views.index)
@doc(
    "Repeat-violation figures per unit, field and year, unit risk scores, suggested targets",
    tag="analytics",
    query=out.AnalyticsQuery,
    response=out.AnalyticsOut,
    description="The same parameters as the analytics page; invalid values fall back to the "
    "defaults (the last five years, a three-year repeat window, today's tree). `suggested` "
    "does not leave out units already in a plan.",
)
def analytics_figures():
    """The analytics page's figures as JSON (a fixed number of queries)."""
    params = AnalyticsParams.from_args(request.args, clock.today())
    result = analytics(params)
    suggested = [
        {
            "unit_id": u.unit_id,
            "unit": u.unit_name,
            "risk_score": u.score,
            "field_ids": u.top_field_ids(),
        }
        for u in suggested_targets(result, set())
    ]
    return jsonify(
        out.AnalyticsOut().dump(
            {
                "params": params,
                "formula": risk_formula(),
                "rows": table_records(result),
                "units": unit_records(result),
                "suggested": suggested,
            }
        )
    )


# --- documents (urging letters, reports to the People's Committee) -------------------------------


@bp.route("/documents")
@same_as(report_views.index)
@doc(
    "Documents the caller may see, newest first",
    tag="documents",
    query=out.DocumentQuery,
    response=out.page_schema(out.DocumentOut),
    description="A unit leader sees only the issued urging letters addressed to their units.",
)
def documents_list():
    """Documents filtered by kind, state and year, like the page."""
    filters = DocumentFilters.from_args(request.args)
    return dump_page(out.DocumentOut, paginate(document_list(current_user, filters)))


@bp.route("/documents/<int:document_id>")
@same_as(report_views.detail)
@doc("One document with its case rows", tag="documents", response=out.DocumentDetailOut)
def document(document_id: int):
    """One document; 404 if not visible."""
    return dump(out.DocumentDetailOut, get_visible_document(current_user, document_id))


def _document_download(name: str, page_view, media_type: str):
    """Register GET /documents/<id>/<name>: the page's own download (same checks, same file)."""

    def view(document_id: int):
        return page_view(document_id)

    view.__name__ = f"document_{name}"
    view.__doc__ = f"The document as {name.upper()}; 404 if not visible."
    view = doc(
        f"Download the document as {name.upper()}",
        tag="documents",
        binary=True,
        binary_type=media_type,
    )(view)
    bp.add_url_rule(f"/documents/<int:document_id>/{name}", view.__name__, same_as(page_view)(view))


_document_download("pdf", report_views.pdf, report_documents.PDF_MIME)
_document_download("xlsx", report_views.xlsx, report_documents.XLSX_MIME)
_document_download("csv", report_views.csv, "text/csv")


@bp.route("/documents/<int:document_id>/issue", methods=["POST"])
@same_as(report_views.issue)
@doc(
    "Issue a draft: next number of the year, frozen PDF (leadership, administrators)",
    tag="documents",
    body=ReportVersionSchema,
    response=out.DocumentDetailOut,
)
def document_issue(document_id: int):
    """Issue; 403, 404, 409 stale or issued already, 422."""
    doc_ = get_visible_document(current_user, document_id)
    data = load_body(ReportVersionSchema())
    return dump(
        out.DocumentDetailOut, _commit(report_operations.issue(current_user, doc_, data["version"]))
    )


# --- unit history (reorganisations) --------------------------------------------------------------


@bp.route("/units/<int:unit_id>/history")
@access(AUTHENTICATED)
@doc(
    "A unit's names and parents over time, its successor and lineage",
    tag="units",
    response=out.UnitHistoryOut,
    description="`lineage_ids`: the unit, the units merged or split into it and the units it "
    "went into (only those the caller may see).",
)
def unit_history(unit_id: int):
    """The recorded periods of a visible unit; 404 when unknown or not visible."""
    unit = _visible_unit(unit_id)
    history = UnitHistory()
    visible = visible_unit_ids(current_user)
    lineage = lineage_ids(unit.id)
    if visible is not None:
        lineage &= visible
    return jsonify(
        out.UnitHistoryOut().dump(
            {
                "id": unit.id,
                "name": unit.name,
                "active": unit.active,
                "successor_id": unit.successor_id
                if visible is None or unit.successor_id in visible
                else None,
                "former_names": history.former_names(unit.id),
                "dissolved_on": history.dissolved_on(unit.id),
                "periods": history.periods.get(unit.id, []),
                "lineage_ids": sorted(lineage),
            }
        )
    )


@bp.route("/unit-events")
@same_as(reorganisation_views.reorganise)
@doc("The latest reorganisations (administrators)", tag="units", response=out.UnitEventListOut)
def unit_events_list():
    """The 50 latest reorganisations with their source and target units."""
    return jsonify(items=out.UnitEventOut(many=True).dump(unit_events()))
