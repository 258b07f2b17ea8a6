"""Checks of implementation (kiểm tra việc thực hiện kết luận thanh tra): the list, the decision
drafted from a conclusion's overdue cases, one check with its minutes and per-case results."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import exists, select

from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import audit, clock
from inspect_app.core.actions import RecordPage, form_action, open_form
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import FilteredList
from inspect_app.core.permissions import AUTHENTICATED, access, require
from inspect_app.core.roles import READERS, STAFF
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.extensions import db
from inspect_app.implementation_checks import operations
from inspect_app.implementation_checks.models import CHECK_EDITORS, CheckOutcome
from inspect_app.implementation_checks.papers import minutes_of
from inspect_app.implementation_checks.queries import CheckFilters, check_list, get_visible_check
from inspect_app.implementation_checks.schemas import (
    CheckCreateSchema,
    MinutesSchema,
    ResultsSchema,
)
from inspect_app.inspections.models import CONCLUDED_STATES, Inspection
from inspect_app.reports import papers

bp = Blueprint("implementation_checks", __name__, url_prefix="/implementation-checks")

register_nav("implementation_checks.index", _l("Implementation checks"), READERS)
register_actions(
    {
        "check_drafted": _l("Decision to check implementation drafted"),
        "check_decided": _l("Decision to check implementation issued"),
        "check_minutes": _l("Minutes of the check recorded"),
        "check_results": _l("Results of the check recorded"),
        "check_result": _l("Result of the check of implementation"),
        "escalation_check": _l("Due for a check of implementation"),
    }
)


#: The list of checks: its page and the API's listing.
CHECKS = FilteredList(
    CheckFilters.from_args,
    lambda filters: check_list(current_user, filters),
    "implementation_checks/index.html",
    "implementation_checks/_list.html",
)


@bp.route("")
@access(AUTHENTICATED)
def index():
    """The checks the user may see, newest first (constant queries), by conclusion."""
    return CHECKS.page(can_create=current_user.role in CHECK_EDITORS)


def _conclusions_to_check():
    """Signed conclusions with an open overdue case (the chooser of the creation page)."""
    overdue = exists().where(
        Case.inspection_id == Inspection.id,
        Case.state == CaseState.OPEN,
        Case.due_date < clock.today(),
    )
    return list(
        db.session.execute(
            select(Inspection)
            .where(Inspection.state.in_(CONCLUDED_STATES), overdue)
            .order_by(Inspection.conclusion_date.desc(), Inspection.id.desc())
        ).scalars()
    )


def _staff():
    return list(
        db.session.execute(
            select(User).where(User.active.is_(True), User.role.in_(STAFF)).order_by(User.full_name)
        ).scalars()
    )


def _new_page(inspection, form, errors: dict, status: int = 200):
    today = clock.today()
    return render(
        "implementation_checks/new.html",
        status=status,
        inspection=inspection,
        conclusions=_conclusions_to_check() if inspection is None else [],
        cases=operations.eligible_cases(inspection.id, today) if inspection else [],
        staff=_staff() if inspection else [],
        form=form,
        errors=errors,
        today=today,
    )


@bp.route("/new", methods=["GET", "POST"])
@access(*CHECK_EDITORS)
def new():
    """Draft a decision to check implementation from the overdue cases of one conclusion
    (`?inspection=`); without one, the conclusions to choose from; 403, 404, 422."""
    raw = request.values.get("inspection") or request.form.get("inspection_id")
    inspection = get_visible_or_404(Inspection, raw) if raw else None
    if request.method == "GET" or inspection is None:
        return _new_page(inspection, {}, {})
    return form_action(
        CheckCreateSchema(),
        lambda d: operations.create_check(
            current_user,
            inspection,
            d["case_ids"],
            d["lead_id"],
            d["member_ids"],
            d["period_start"],
            d["period_end"],
        ),
        page=lambda status, errors: _new_page(inspection, request.form, errors, status),
        done=lambda check: redirect_to("implementation_checks.detail", check_id=check.id),
        message=_l("The decision to check implementation has been drafted."),
    )


def _detail(check, status: int = 200, errors: dict | None = None, form=None, action=None):
    return render(
        "implementation_checks/detail.html",
        status=status,
        check=check,
        outcomes=list(CheckOutcome),
        events=audit.events_for("ImplementationCheck", check.id),
        **open_form(errors, form, action),
        can_edit=check.can_edit(current_user),
        today=clock.today(),
    )


@bp.route("/<int:check_id>")
@access(AUTHENTICATED)
def detail(check_id: int):
    """One check: its decision, team, period, cases, minutes and results; 404 if not visible."""
    return _detail(get_visible_check(check_id))


# The actions of a check's page: back to it, or the page with the errors or its current state.
CHECK_PAGE = RecordPage(get_visible_check, _detail, "implementation_checks.detail", "check_id")


@bp.route("/<int:check_id>/minutes", methods=["POST"])
@access(*CHECK_EDITORS)
@CHECK_PAGE.action("minutes", MinutesSchema, _l("The minutes have been recorded."))
def minutes(check, d):
    """Record the minutes of the check (date, text and the signed minutes' PDF); 403, 404,
    409, 413, 422."""
    return operations.record_minutes(
        current_user,
        check,
        d["minutes_date"],
        d["minutes_summary"],
        d["version"],
        request.files.get("minutes_file"),
    )


@bp.route("/<int:check_id>/results", methods=["POST"])
@access(*CHECK_EDITORS)
@CHECK_PAGE.action("results", ResultsSchema, _l("The results have been recorded."))
def results(check, d):
    """Record what the check found for each case (done / partly done / not done); 403, 404,
    409, 422."""
    outcomes = {r["case_id"]: (r["outcome"], r["found"]) for r in d["results"]}
    return operations.record_results(current_user, check, outcomes, d["version"])


@bp.route("/<int:check_id>/minutes.<any(pdf, docx):fmt>")
@access(*CHECK_EDITORS)
def minutes_paper(check_id: int, fmt: str):
    """The minutes of the check in the Decree 30 layout, as PDF or Word, for the team and the
    checked unit to sign; 403 (not on the checking side), 404."""
    check = get_visible_check(check_id)
    require(check.can_edit(current_user))
    sheet = papers.minutes_layout(minutes_of(check))
    return papers.download(sheet, f"Biên bản kiểm tra {check.id}", fmt, f"bien-ban-{check.id}")
