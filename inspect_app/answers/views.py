"""Unit leaders' answers (progress reports, final answer) and their evidence."""

from __future__ import annotations

import secrets

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.answers import operations
from inspect_app.answers.queries import answers_of_case
from inspect_app.answers.schemas import AnswerSchema
from inspect_app.cases.views import get_visible_case
from inspect_app.core import clock, records
from inspect_app.core.actions import form_action
from inspect_app.core.files import ACCEPT
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.permissions import access, require
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions
from inspect_app.reference.calendar import working_days_between

bp = Blueprint("answers", __name__, url_prefix="/cases")

register_actions(
    {
        "case_progress_reported": _l("Progress report"),
        "case_answered": _l("Final answer submitted"),
    }
)

ACCEPT_CAPTURE = f"image/*,{ACCEPT}"


def _answer_page(case, errors: dict | None = None, status: int = 200, form=None):
    today = clock.today()
    return render(
        "answers/answer.html",
        status=status,
        case=case,
        authority=case.unit_authority(current_user),
        answers=answers_of_case(case.id),
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
    require(case.can_answer(current_user, check_state=False))
    return case


def _submit(case_id: int, operation, done_message):
    """Run an answer operation: 303 to the case, or the form with errors (422) or with the
    current state (409, what the user typed kept); 403 from the operation, 413 too large."""
    case = _get_answerable(case_id)

    def run(data: dict):
        return records.create_once(
            lambda: operation(current_user, case, data, _uploads()),
            lambda: operations.replayed(current_user, case, data.get("idempotency_key")),
        )

    def page(status: int, errors: dict):
        form = request.form
        if status == 409:  # the case as it is now, without the stale version and key
            form = request.form.copy()
            form.pop("version", None)
            form.pop("idempotency_key", None)
        elif _uploads():
            errors.setdefault("files", [_("Please choose the files again.")])
        return _answer_page(get_visible_case(case_id), errors, status, form)

    return form_action(
        AnswerSchema(),
        run,
        page=page,
        done=lambda _answer: redirect_to("cases.detail", case_id=case_id),
        # "... sent to the check team" for a check's case (Đoàn kiểm tra).
        message=lambda _answer: done_message(case.inspection.kind.term("team_in_text")),
    )


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
        lambda team: _("Your final answer has been sent to %(team)s for verification.", team=team),
    )


@bp.route("/<int:case_id>/progress", methods=["POST"])
@access(Role.UNIT_LEADER)
def progress(case_id: int):
    """A progress report with evidence (the case stays open); 403, 404, 409, 413, 422."""
    return _submit(
        case_id,
        operations.add_progress_report,
        lambda team: _("Your progress report has been sent to %(team)s.", team=team),
    )
