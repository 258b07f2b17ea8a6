"""/deputies: delegations of a unit leader's authority to a deputy for a period."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields

from inspect_app.api.common import Kind
from inspect_app.deputies import operations as deputy_operations
from inspect_app.deputies import queries as deputy_queries
from inspect_app.deputies import views as deputy_views
from inspect_app.deputies.schemas import DelegationSchema, RevokeSchema


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


DELEGATION = Kind(
    "/deputies/<int:delegation_id>",
    "delegation",
    "deputies",
    deputy_views.get_visible_delegation,
    DelegationOut,
)


@DELEGATION.listing(
    deputy_views.index,
    "Delegations naming the caller as principal or deputy (all for administrators)",
)
def deputies():
    """The caller's delegations, newest period first."""
    return deputy_queries.delegations_list(current_user)


DELEGATION.detail(
    deputy_views.index,
    "One delegation",
    "One delegation of the caller's (any for an administrator); 404 otherwise.",
)


@DELEGATION.create(
    deputy_views.create, DelegationSchema, "Name a deputy for a period (unit leaders)"
)
def delegation_create(data):
    """Name another leader of the unit (or a unit below) as deputy; 403, 422."""
    return deputy_operations.name_deputy(current_user, data)


@DELEGATION.action(
    "revoke",
    deputy_views.revoke,
    RevokeSchema,
    "End a delegation now (its principal or an administrator)",
    check=lambda delegation: delegation.can_revoke(current_user, check_state=False),
)
def delegation_revoke(delegation, data):
    """Revoke; 403 the deputy, 404 not the caller's, 409 stale, 422 revoked or ended already."""
    return deputy_operations.revoke(current_user, delegation, data["version"])
