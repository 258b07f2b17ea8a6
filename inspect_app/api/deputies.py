"""/deputies: delegations of a unit leader's authority to a deputy for a period."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields

from inspect_app.api.common import Kind, action, bp, create, dump, dump_page, same_as
from inspect_app.api.schemas import PageQuery, page_schema
from inspect_app.api.spec import doc
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


@bp.route("/deputies")
@same_as(deputy_views.index)
@doc(
    "Delegations naming the caller as principal or deputy (all for administrators)",
    tag="deputies",
    query=PageQuery,
    response=page_schema(DelegationOut),
)
def deputies():
    """The caller's delegations, newest period first."""
    return dump_page(DelegationOut, deputy_queries.delegations_list(current_user))


@bp.route("/deputies/<int:delegation_id>")
@same_as(deputy_views.index)
@doc("One delegation", tag="deputies", response=DelegationOut)
def delegation(delegation_id: int):
    """One delegation of the caller's (any for an administrator); 404 otherwise."""
    return dump(DelegationOut, DELEGATION.load(delegation_id))


create(
    "/deputies",
    "delegation_create",
    deputy_views.create,
    DelegationSchema,
    lambda data: deputy_operations.name_deputy(current_user, data),
    "Name a deputy for a period (unit leaders)",
    tag="deputies",
    response=DelegationOut,
    docstring="Name another leader of the unit (or a unit below) as deputy; 403, 422.",
)
action(
    DELEGATION,
    "revoke",
    deputy_views.revoke,
    RevokeSchema,
    lambda dg, d: deputy_operations.revoke(current_user, dg, d["version"]),
    "End a delegation now (its principal or an administrator)",
    check=lambda dg: current_user.is_admin or current_user.id == dg.principal_id,
    docstring="Revoke; 403 the deputy, 404 not the caller's, 409 stale, 422 revoked or ended "
    "already.",
)
