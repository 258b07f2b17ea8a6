"""/deputies: delegations of a unit leader's authority to a deputy for a period."""

from __future__ import annotations

from flask_login import current_user

from inspect_app.api.common import Kind
from inspect_app.api.schemas import record_schema
from inspect_app.deputies import operations as deputy_operations
from inspect_app.deputies import queries as deputy_queries
from inspect_app.deputies import views as deputy_views
from inspect_app.deputies.models import Delegation
from inspect_app.deputies.schemas import DelegationSchema, RevokeSchema

DelegationOut = record_schema(
    "DelegationOut",
    Delegation,
    "id principal_id deputy_id unit_id starts_on ends_on reason revoked_at revoked_by_id version",
)
DELEGATION = Kind(
    "/deputies/<int:delegation_id>",
    "delegation",
    "deputies",
    deputy_views.get_visible_delegation,
    DelegationOut,
)


@DELEGATION.listing(deputy_views.index)
def deputies():
    """Delegations naming the caller as principal or deputy (all for administrators).

    The caller's delegations, newest period first."""
    return deputy_queries.delegations_list(current_user)


DELEGATION.detail(
    deputy_views.index,
    "One delegation",
    "One delegation of the caller's (any for an administrator); 404 otherwise.",
)


@DELEGATION.create(deputy_views.create, DelegationSchema)
def delegation_create(data):
    """Name a deputy for a period (unit leaders).

    Name another leader of the unit (or a unit below) as deputy; 403, 422."""
    return deputy_operations.name_deputy(current_user, data)


@DELEGATION.action("revoke", deputy_views.revoke, RevokeSchema, rule="can_revoke")
def delegation_revoke(delegation, data):
    """End a delegation now (its principal or an administrator).

    Revoke; 403 the deputy, 404 not the caller's, 409 stale, 422 revoked or ended already."""
    return deputy_operations.revoke(current_user, delegation, data["version"])
