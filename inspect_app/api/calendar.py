"""/calendar/<year>: a year's days off and make-up working days, each with its document."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext as _
from marshmallow import Schema, fields

from inspect_app.api.common import api_route
from inspect_app.api.schemas import choice_field
from inspect_app.core.errors import OperationError
from inspect_app.core.permissions import AUTHENTICATED
from inspect_app.reference.calendar import working_days_in_year
from inspect_app.reference.queries import holidays_in


class CalendarDayOut(Schema):
    day = fields.Date(required=True)
    name = fields.String(required=True)
    kind = choice_field("off", "working", required=True)
    document = fields.String(allow_none=True)
    provisional = fields.Boolean(required=True)


class CalendarOut(Schema):
    year = fields.Integer(required=True)
    working_days = fields.Integer(required=True)
    days = fields.List(fields.Nested(CalendarDayOut), required=True)


@api_route(
    "/calendar/<int:year>", AUTHENTICATED, tag="calendar", response=CalendarOut, errors=(422,)
)
def calendar_year(year: int):
    """A year's days off and make-up working days with their documents.

    Every row of the holiday table in `year` (weekends are implicit), its kind (`off` or
    `working`), announcing document and provisional state, and the year's working-day count;
    422 for a year outside 1900-2200."""
    if not 1900 <= year <= 2200:
        raise OperationError(_("Enter a year from 1900 to 2200."), field="year")
    return jsonify(
        CalendarOut().dump(
            {"year": year, "working_days": working_days_in_year(year), "days": holidays_in(year)}
        )
    )
