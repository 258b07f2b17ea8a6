"""Deputies named by unit leaders for a period: the list, naming a deputy, revoking, and the
"you act for" notice on every page of a deputy."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from inspect_app.core import clock
from inspect_app.core.actions import form_action
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import access, require
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.deputies import operations, queries
from inspect_app.deputies.models import Delegation
from inspect_app.deputies.schemas import DelegationSchema, RevokeSchema

bp = Blueprint("deputies", __name__, url_prefix="/deputies")

register_nav("deputies.index", _l("Deputies"), (Role.UNIT_LEADER, Role.ADMIN))
register_actions(
    {
        "delegation_created": _l("Deputy named"),
        "delegation_revoked": _l("Delegation revoked"),
    }
)


@bp.app_template_global("acting_for")
def acting_for():
    """The notice in base.html: the delegations the signed-in user acts under today."""
    return queries.acting_for(current_user)


def _page(status: int = 200, errors: dict | None = None, form=None, notice: str | None = None):
    page = paginate(queries.delegations_list(current_user))
    return render(
        "deputies/index.html",
        fragment="deputies/_list.html",
        status=status,
        page=page,
        candidates=queries.deputy_candidates(current_user),
        errors=errors or {},
        form=form if form is not None else {},
        notice=notice,
        today=clock.today(),
    )


@bp.route("")
@access(Role.UNIT_LEADER, Role.ADMIN)
def index():
    """The user's delegations (as principal or deputy; all for an administrator) and the form
    to name a deputy (unit leaders)."""
    return _page()


@bp.route("", methods=["POST"])
@access(Role.UNIT_LEADER)
def create():
    """Name a deputy for a period; 422 with the form on bad input."""

    def named(delegation: Delegation) -> str:
        return _(
            "%(name)s is your deputy from %(start)s to %(end)s.",
            name=delegation.deputy.full_name,
            start=delegation.starts_on.strftime("%d/%m/%Y"),
            end=delegation.ends_on.strftime("%d/%m/%Y"),
        )

    return form_action(
        DelegationSchema(),
        lambda data: operations.name_deputy(current_user, data),
        page=lambda status, errors: _page(status, errors, request.form),
        done=lambda _delegation: redirect_to("deputies.index"),
        message=named,
    )


def get_visible_delegation(delegation_id: int) -> Delegation:
    """A delegation the user may see (principal, deputy, admin) with its deputy and unit;
    404 otherwise."""
    return get_visible_or_404(
        Delegation, delegation_id, joinedload(Delegation.deputy), joinedload(Delegation.unit)
    )


@bp.route("/<int:delegation_id>/revoke", methods=["POST"])
@access(Role.UNIT_LEADER, Role.ADMIN)
def revoke(delegation_id: int):
    """End a delegation now (its principal or an administrator); 403, 404, 409, 422."""
    delegation = get_visible_delegation(delegation_id)
    require(delegation.can_revoke(current_user, check_state=False))

    def page(status: int, errors: dict):
        notice = " ".join(str(m) for ms in errors.values() for m in ms) or None
        return _page(status, notice=notice)

    return form_action(
        RevokeSchema(),
        lambda data: operations.revoke(current_user, delegation, data["version"]),
        page=page,
        done=lambda _delegation: redirect_to("deputies.index"),
        message=_l("The delegation has been revoked."),
    )
