"""Unit leaders' answers (progress reports, final answer) and their evidence."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from inspect_app.answers import operations
from inspect_app.answers.queries import answers_of_case
from inspect_app.answers.schemas import AnswerSchema
from inspect_app.cases.views import get_visible_case
from inspect_app.core import clock
from inspect_app.core.errors import Conflict, OperationError
from inspect_app.core.files import ACCEPT
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.permissions import access
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions
from inspect_app.extensions import db
from inspect_app.reference.calendar import working_days_between

bp = Blueprint("answers", __name__, url_prefix="/cases")

register_actions(
    {
        "case_progress_reported": _l("Progress report"),
        "case_answered": _l("Final answer submitted"),
    }
)

ACCEPT_CAPTURE = f"image/*,{ACCEPT}"


@bp.app_context_processor
def _answer_helpers():
    """What the case page needs: the answers with their files, and who may do what."""
    return {
        "case_answers": answers_of_case,
        "can_answer_case": lambda case: operations.can_answer(current_user, case),
        "can_verify_case": lambda case: operations.can_verify(current_user, case),
    }


def _answer_page(case, errors: dict | None = None, status: int = 200, form=None):
    today = clock.today()
    return render(
        "answers/answer.html",
        status=status,
        case=case,
        authority=operations.answer_authority(current_user, case),
        errors=errors or {},
        form=form if form is not None else {},
        today=today,
        working_days_left=working_days_between(today, case.due_date),
        accept=ACCEPT_CAPTURE,
        new_key=secrets.token_hex(16),
    )


def _uploads() -> list:
    return [f for f in request.files.getlist("files") if f and f.filename]


def _get_answerable(case_id: int):
    """The case if visible (404 otherwise, also for other units' cases) and the user may
    answer for its unit (403 otherwise)."""
    case = get_visible_case(case_id)
    if not operations.answer_authority(current_user, case).allowed:
        abort(403)
    return case


def _submit(case_id: int, operation, done_message):
    """Run an answer operation: 303 to the case, or the form with errors (422/413) or with
    the current state (409); 403 from the operation."""
    case = _get_answerable(case_id)
    data, errors = load_form(AnswerSchema())
    status = 422
    if data:
        try:
            operation(current_user, case, data, _uploads())
            db.session.commit()
        except OperationError as e:
            db.session.rollback()
            if e.status == 403:
                raise
            if e.status == 409:
                return _conflict(case_id, str(e.message))
            errors, status = {e.field or "_schema": [str(e.message)]}, e.status
        except StaleDataError:
            # Someone else changed the case between our read and our write.
            db.session.rollback()
            return _conflict(case_id, str(Conflict().message))
        except IntegrityError:
            # The same form (idempotency key) was saved by a concurrent retry.
            db.session.rollback()
            case = get_visible_case(case_id)
            if operations.replayed(current_user, case, data.get("idempotency_key")) is None:
                raise
            return redirect_to("cases.detail", case_id=case_id)
        else:
            flash(str(done_message), "success")
            return redirect_to("cases.detail", case_id=case_id)
    if _uploads():
        errors.setdefault("files", [_("Please choose the files again.")])
    return _answer_page(get_visible_case(case_id), errors, status, request.form)


def _conflict(case_id: int, message: str):
    """409 with the case as it is now, and what the user typed kept (without the version)."""
    flash(message, "error")
    form = request.form.copy()
    form.pop("version", None)
    form.pop("idempotency_key", None)
    return _answer_page(get_visible_case(case_id), {}, 409, form)


@bp.route("/<int:case_id>/answer", methods=["GET", "POST"])
@access(Role.UNIT_LEADER)
def answer(case_id: int):
    """The answer page (GET) and the final answer with its completion date and evidence
    (POST: open -> answered); 403 not the unit's leader or deputy, 404 not visible, 409 stale,
    413 file too large, 422 bad input or case not open."""
    if request.method == "GET":
        return _answer_page(_get_answerable(case_id))
    return _submit(
        case_id,
        operations.submit_final_answer,
        _l("Your final answer has been sent to the inspection team for verification."),
    )


@bp.route("/<int:case_id>/progress", methods=["POST"])
@access(Role.UNIT_LEADER)
def progress(case_id: int):
    """A progress report with evidence (the case stays open); 403, 404, 409, 413, 422."""
    return _submit(
        case_id,
        operations.add_progress_report,
        _l("Your progress report has been sent to the inspection team."),
    )
