"""/cases/<id>/answers, /answer, /progress: the unit's answers on a case, sent as multipart
forms with their evidence, once per idempotency key."""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy.exc import IntegrityError

from inspect_app.answers import operations as answer_operations
from inspect_app.answers import views as answer_views
from inspect_app.answers.models import CaseAnswer
from inspect_app.answers.queries import answers_of_case
from inspect_app.answers.schemas import AnswerSchema
from inspect_app.api.cases import load_case
from inspect_app.api.common import api_route, dump, dump_items, invalid
from inspect_app.api.findings import EvidenceOut
from inspect_app.api.schemas import id_field, list_schema, record_schema
from inspect_app.core.forms import load_form
from inspect_app.core.permissions import require
from inspect_app.extensions import db
from inspect_app.workflows import case_file


class AnswerFileOut(EvidenceOut):
    answer_id = fields.Integer(allow_none=True)


AnswerOut = record_schema(
    "AnswerOut",
    CaseAnswer,
    "id case_id kind text completion_date author_id on_behalf_of_id created_at verdict "
    "verified_by_id verified_at verification_note",
    files=fields.List(fields.Nested(AnswerFileOut), required=True),
)
AnswerListOut = list_schema(AnswerOut, "AnswerListOut")


class AnswerForm(Schema):
    """The answer form as multipart/form-data (documentation of answers.schemas.AnswerSchema
    plus its files; the API reads it with that schema)."""

    text = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    completion_date = fields.Date(
        metadata={"description": "Required for the final answer; not in the future"}
    )
    version = id_field(required=True)
    idempotency_key = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$"))
    files = fields.List(
        fields.Raw(metadata={"type": "string", "format": "binary"}),
        metadata={"description": "Evidence: PDF, images, DOCX, XLSX; at most 20"},
    )


#: How both answer routes are sent and described.
ANSWER_FORM = dict(
    method="POST", tag="answers", body=AnswerForm, multipart=True, response=AnswerOut, status=201
)
REPLAYED = "A repeated `idempotency_key` returns the first"


def _answer(case_id: int, operation: Callable):
    """Run an answer operation for a case the caller may answer: 201 with the answer, 200 with
    the first answer when the idempotency key was used already; 403, 404, 409, 413, 422."""
    case = load_case(case_id)
    require(case.unit_authority(current_user).allowed)
    data, errors = load_form(AnswerSchema())
    if data is None:
        raise invalid(errors)
    files = [f for f in request.files.getlist("files") if f and f.filename]
    key = data.get("idempotency_key")
    earlier = answer_operations.replayed(current_user, case, key)
    if earlier is None:
        try:
            answer = operation(current_user, case, data, files)
            db.session.flush()
        except IntegrityError:
            # A concurrent retry with the same idempotency key saved its answer first.
            db.session.rollback()
            earlier = answer_operations.replayed(current_user, case, key)
            if earlier is None:
                raise
        else:
            return dump(AnswerOut, answer, 201)
    return dump(AnswerOut, earlier)


@api_route("/cases/<int:case_id>/answers", case_file.detail, tag="answers", response=AnswerListOut)
def case_answers(case_id: int):
    """The unit's answers on a case, oldest first.

    Progress reports and final answers with their files and verdicts; 404 if not visible."""
    return dump_items(AnswerOut, answers_of_case(load_case(case_id).id))


@api_route(
    "/cases/<int:case_id>/answer",
    answer_views.answer,
    **ANSWER_FORM,
    description=f"The case moves from open to answered. {REPLAYED} answer with 200.",
)
def answer_final(case_id: int):
    """Send the final answer with its completion date and evidence (unit leader or deputy).

    The final answer (open -> answered); 403 not the unit's leader or deputy, 404, 409
    stale, 413 file too large, 422 bad input or case not open."""
    return _answer(case_id, answer_operations.submit_final_answer)


@api_route(
    "/cases/<int:case_id>/progress",
    answer_views.progress,
    **ANSWER_FORM,
    description=f"The case stays open. {REPLAYED} report with 200.",
)
def answer_progress(case_id: int):
    """Send a progress report with evidence (unit leader or deputy).

    A progress report (the case stays open); 403, 404, 409, 413, 422."""
    return _answer(case_id, answer_operations.add_progress_report)
