"""The pieces every resource's schemas are built from: field shapes, the problem details, the
page envelope and its query parameters.

Request bodies are the features' own form schemas (cases.schemas, plans.schemas, ...): the API
validates exactly what the pages validate. What the API sends back (the `...Out` schemas) and
the query parameters it documents stand next to each resource's routes. Fields that may be null
are `allow_none` so that the OpenAPI document says so.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from sqlalchemy import Boolean, Date, DateTime, Enum, Integer, String, TypeDecorator

from inspect_app.core.schemas import MAX_ID


def enum_field(enum_cls, **kwargs) -> fields.String:
    """A string that is one of the enum's values."""
    return fields.String(validate=validate.OneOf([e.value for e in enum_cls]), **kwargs)


def choice_field(*values: str, **kwargs) -> fields.String:
    """A string that is one of `values`."""
    return fields.String(validate=validate.OneOf(list(values)), **kwargs)


def id_field(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def year_field() -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=2000, max=2100))


def text_field() -> fields.String:
    """A search text, as long as the pages accept."""
    return fields.String(validate=validate.Length(max=100))


def ids_field(relationship: str) -> fields.Function:
    """The ids of the records in a to-many relationship of the dumped object."""
    return fields.Function(
        lambda obj: [record.id for record in getattr(obj, relationship)],
        metadata={"type": "array", "items": {"type": "integer"}},
    )


# The output field of a column type (subclasses included: Text, BigInteger; a decorated type
# by the type it stores, UTCDateTime as DateTime).
COLUMN_FIELDS = (
    (Boolean, fields.Boolean),
    (Integer, fields.Integer),
    (String, fields.String),
    (DateTime, fields.DateTime),
    (Date, fields.Date),
)


def column_field(model, name: str) -> fields.Field:
    """The output field of a model's column: its type, required unless the column is nullable
    (then null is allowed); an enum column is one of its values."""
    column = model.__table__.c[name]
    shape = {"allow_none": True} if column.nullable else {"required": True}
    if isinstance(column.type, Enum) and column.type.enum_class is not None:
        return enum_field(column.type.enum_class, **shape)
    stored = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    field = next(f for kind, f in COLUMN_FIELDS if isinstance(stored, kind))
    return field(**shape)


def record_schema(name: str, model, columns: str, base: type[Schema] = Schema, **extra):
    """The output schema `name` of a record: the named columns of `model` as `column_field`
    sends them, then the `extra` fields (what is not a column, or is sent otherwise)."""
    declared = {column: column_field(model, column) for column in columns.split()}
    return base.from_dict({**declared, **extra}, name=name)


class ProblemSchema(Schema):
    """An error (RFC 9457 problem details); `errors` names the invalid fields."""

    type = fields.String(required=True)
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


def page_schema(item: type[Schema]) -> type[Schema]:
    """The envelope of a paginated list of `item` (common.dump_page sends it)."""
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


def list_schema(item: type[Schema], name: str) -> type[Schema]:
    """The envelope of a list that is not paginated (common.dump_items sends it)."""
    return type(name, (Schema,), {"items": fields.List(fields.Nested(item), required=True)})


class PageQuery(Schema):
    """The page parameters of every list (parsed leniently by core.pagination)."""

    page = fields.Integer(validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(validate=validate.Range(min=1, max=200))
