"""Extension requests on case deadlines and their decisions: the section of the case page, its
forms, and the approvers' list of pending requests."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flask import Blueprint, get_flashed_messages, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from inspect_app.cases.models import Case
from inspect_app.cases.views import get_visible_case
from inspect_app.core import clock
from inspect_app.core.actions import form_action
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import AUTHENTICATED, access, require
from inspect_app.core.roles import STAFF, Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.decisions.views import doc_of
from inspect_app.extension_requests import operations, queries
from inspect_app.extension_requests.models import ExtensionRequest, ExtensionState
from inspect_app.extension_requests.schemas import CancelSchema, DecisionSchema, ExtensionAskSchema
from inspect_app.reference.rules import extension_approver, extension_max_approved

bp = Blueprint("extension_requests", __name__, url_prefix="/extensions")

APPROVER_ROLES = STAFF

register_nav("extension_requests.index", _l("Extensions"), APPROVER_ROLES)
register_actions(
    {
        "extension_requested": _l("Extension requested"),
        "extension_approved": _l("Extension approved"),
        "extension_refused": _l("Extension refused"),
        "extension_cancelled": _l("Extension request cancelled"),
        "setting_changed": _l("Setting changed"),
    }
)


@dataclass
class CaseExtensions:
    """What the case page's extension section shows to the signed-in user."""

    case: Case
    requests: list[ExtensionRequest]
    cap: int
    approved: int
    can_ask: bool
    on_behalf_of: object | None
    approver: str
    errors: dict = field(default_factory=dict)
    form: dict = field(default_factory=dict)
    action: str | None = None
    action_id: int | None = None
    notice: str | None = None

    @property
    def pending(self) -> ExtensionRequest | None:
        return next((r for r in self.requests if r.is_pending), None)

    @property
    def cap_reached(self) -> bool:
        return self.approved >= self.cap

    @property
    def shows_ask_form(self) -> bool:
        return self.can_ask and self.pending is None and not self.cap_reached

    @property
    def orphan_errors(self) -> list[str]:
        """Messages of a refused form that is no longer shown (the request was decided, a
        request is pending, the cap is reached): they go to the top of the section."""
        if not self.errors:
            return []
        pending = self.pending
        shown = {
            "ask": self.shows_ask_form,
            "decide": pending is not None
            and pending.id == self.action_id
            and pending.can_decide(current_user),
            "cancel": pending is not None
            and pending.id == self.action_id
            and pending.can_cancel(current_user),
        }.get(self.action, False)
        return [] if shown else [str(m) for ms in self.errors.values() for m in ms]


def case_extensions(case: Case, **form_state) -> CaseExtensions:
    requests = queries.requests_of_case(case.id)
    approved = sum(1 for r in requests if r.state == ExtensionState.APPROVED)
    cap = extension_max_approved()
    authority = case.unit_authority(current_user)
    return CaseExtensions(
        case=case,
        requests=requests,
        cap=cap,
        approved=approved,
        can_ask=case.can_request_extension(current_user),
        on_behalf_of=authority.on_behalf_of if authority.allowed else None,
        approver=extension_approver(),
        **form_state,
    )


def get_visible_request(ext_id: int) -> ExtensionRequest:
    """The request with its case if the user may see that case; 404 otherwise."""
    return get_visible_or_404(
        ExtensionRequest, ext_id, joinedload(ExtensionRequest.case).joinedload(Case.inspection)
    )


def _section(case_id: int, status: int = 200, **form_state):
    """The case's extension section: a fragment for htmx, a page of its own otherwise."""
    case = get_visible_case(case_id)
    ext = case_extensions(case, **form_state)
    return render(
        "extension_requests/case.html",
        fragment="extension_requests/_case_extensions.html",
        status=status,
        case=case,
        ext=ext,
        today=clock.today(),
    )


def _act(case_id: int, action: str, action_id, schema, call, done_message):
    """Run one form: back to the case page when done; else the section with the errors (422)
    or the current state and the reason in its notice (409); 403 from the operation."""

    def page(status: int, errors: dict):
        if status == 409:
            notice = " ".join(m for m in get_flashed_messages(category_filter=["error"]))
            return _section(case_id, 409, notice=notice)
        return _section(
            case_id, 422, errors=errors, form=request.form, action=action, action_id=action_id
        )

    return form_action(
        schema,
        call,
        page=page,
        done=lambda _ext: redirect_to("cases.detail", case_id=case_id),
        message=done_message,
    )


@bp.route("/cases/<int:case_id>")
@access(AUTHENTICATED)
def case_section(case_id: int):
    """The history of dates and the extension forms of one case; 404 if not visible."""
    return _section(case_id)


@bp.route("/cases/<int:case_id>", methods=["POST"])
@access(Role.UNIT_LEADER)
def ask(case_id: int):
    """A leader of the responsible unit (or a deputy) asks for a later deadline; 403, 404, 409,
    422."""
    case = get_visible_case(case_id)
    require(case.can_request_extension(current_user, check_state=False))
    return _act(
        case_id,
        "ask",
        None,
        ExtensionAskSchema(),
        lambda d: operations.request_extension(
            current_user, case, d["requested_date"], d["reason"], d["version"]
        ),
        _l("Your extension request has been sent for a decision."),
    )


def _on_request(action: str, allowed, schema, message):
    """Decorate `call(ext, data)` as the view of a form on a visible request, run if
    `allowed(ext)` (403 otherwise; its state is the operation's to check); the case page again
    on 404, 409 or 422."""

    def decorate(call):
        @functools.wraps(call)
        def view(ext_id: int):
            ext = get_visible_request(ext_id)
            require(allowed(ext))
            return _act(ext.case_id, action, ext.id, schema(), lambda d: call(ext, d), message)

        return view

    return decorate


def _may_decide(ext: ExtensionRequest) -> bool:
    """An approver of the request's case (its state is the operation's to check)."""
    return ext.can_decide(current_user, check_state=False)


@bp.route("/<int:ext_id>/approve", methods=["POST"])
@access(*APPROVER_ROLES)
@_on_request(
    "decide",
    _may_decide,
    DecisionSchema,
    _l("The extension has been approved; the deadline has moved."),
)
def approve(ext, d):
    """Approve a pending request with a reason (and the deciding document once the conclusion
    is signed): the deadline moves; 403, 404, 409, 422."""
    return operations.approve(current_user, ext, d["decision_reason"], d["version"], doc_of(d))


@bp.route("/<int:ext_id>/refuse", methods=["POST"])
@access(*APPROVER_ROLES)
@_on_request("decide", _may_decide, DecisionSchema, _l("The extension has been refused."))
def refuse(ext, d):
    """Refuse a pending request with a reason; 403, 404, 409, 422."""
    return operations.refuse(current_user, ext, d["decision_reason"], d["version"])


@bp.route("/<int:ext_id>/cancel", methods=["POST"])
@access(Role.UNIT_LEADER)
@_on_request(
    "cancel",
    lambda ext: ext.can_cancel(current_user, check_state=False),
    CancelSchema,
    _l("Your extension request has been cancelled."),
)
def cancel(ext, d):
    """The requester withdraws a pending request; 403, 404, 409, 422."""
    return operations.cancel(current_user, ext, d["version"])


@bp.route("")
@access(*APPROVER_ROLES)
def index():
    """Pending extension requests the user may decide (constant number of queries)."""
    page = paginate(queries.pending_for(current_user))
    return render(
        "extension_requests/index.html",
        fragment="extension_requests/_list.html",
        page=page,
        today=clock.today(),
        approver=extension_approver(),
    )
