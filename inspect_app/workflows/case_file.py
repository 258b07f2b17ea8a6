"""The case page (hồ sơ kiến nghị) and the case actions that show it again: the case with the
sections of the features above cases (the unit's answers, deadline extensions, documents),
gathered here, on the cases blueprint (endpoints `cases.detail`, `cases.accept`, ...)."""

from __future__ import annotations

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.answers.queries import answers_of_case
from inspect_app.cases import operations
from inspect_app.cases.models import Case
from inspect_app.cases.queries import verifier_choices
from inspect_app.cases.schemas import (
    DeadlineChangeSchema,
    ReasonSchema,
    StepChoiceSchema,
    VerdictSchema,
    VerifierSchema,
    VersionSchema,
)
from inspect_app.cases.views import bp, get_visible_case
from inspect_app.core import audit, clock
from inspect_app.core.actions import RecordPage, open_form
from inspect_app.core.files import ACCEPT
from inspect_app.core.htmx import render
from inspect_app.core.loading import get_or_404
from inspect_app.core.permissions import AUTHENTICATED, access
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions
from inspect_app.decisions.views import doc_of, with_doc
from inspect_app.escalation import operations as escalation
from inspect_app.escalation.operations import manual_steps_due
from inspect_app.extension_requests.views import case_extensions
from inspect_app.recovery import operations as recovery_operations
from inspect_app.recovery import queries as recovery_queries
from inspect_app.recovery.models import RecoveryPayment, can_record_payment
from inspect_app.recovery.schemas import PaymentSchema, PaymentVerifySchema
from inspect_app.reference.rules import LADDER_NAMES
from inspect_app.reports.queries import documents_of_case

DECIDERS = (Role.ADMIN, Role.INSPECTOR, Role.LEAD_INSPECTOR)


def case_page(case: Case, status: int = 200, errors: dict | None = None, form=None, action=None):
    """The case page with every section, `action`'s form open with `errors` and `form` kept."""
    return render(
        "cases/detail.html",
        status=status,
        case=case,
        events=audit.events_for("Case", case.id),
        **open_form(errors, form, action),
        today=clock.today(),
        answers=answers_of_case(case.id),
        ext=case_extensions(case),
        case_documents=documents_of_case(current_user, case.id),
        ledger=recovery_queries.ledger(case),
        can_record_payment=can_record_payment(case, current_user),
        accept=ACCEPT,
        verifiers=verifier_choices() if case.can_assign_verifier(current_user) else [],
        # Escalation steps the sweep leaves to leadership, due on this case today.
        manual_steps=manual_steps_due(case, clock.today())
        if case.can_take_step(current_user)
        else [],
        step_names=LADDER_NAMES,
    )


@bp.route("/<int:case_id>")
@access(AUTHENTICATED)
def detail(case_id: int):
    """One case: its properties, findings, answers, extensions, documents, the actions for the
    user and the timeline; 404 if not visible."""
    return case_page(get_visible_case(case_id))


# The actions of the case page (403 from the operation when the user may not act).
CASE_PAGE = RecordPage(get_visible_case, case_page, "cases.detail", "case_id")


@bp.route("/<int:case_id>/deadline", methods=["POST"])
@access(Role.ADMIN, Role.LEAD_INSPECTOR)
@CASE_PAGE.action("deadline", DeadlineChangeSchema, _l("The deadline has been changed."))
def change_deadline(case, d):
    """Change the deadline with a reason, and its deciding document once the conclusion is
    signed (team lead or admin); 403, 409, 422."""
    return operations.change_deadline(
        current_user, case, d["due_date"], d["reason"], d["version"], doc_of(d)
    )


@bp.route("/<int:case_id>/withdraw", methods=["POST"])
@access(Role.ADMIN, Role.LEAD_INSPECTOR, Role.LEADERSHIP)
@CASE_PAGE.action("withdraw", ReasonSchema, _l("The case has been withdrawn."))
def withdraw(case, d):
    """Withdraw the case with a reason, and its deciding document once the conclusion is signed
    (team lead, leadership, admin); 403, 409, 422."""
    return operations.withdraw(current_user, case, d["reason"], d["version"], doc_of(d))


@bp.route("/<int:case_id>/accept", methods=["POST"])
@access(*DECIDERS)
@CASE_PAGE.action("accept", VersionSchema, _l("The answer has been accepted; the case is done."))
def accept(case, d):
    """Accept the unit's answer (team lead or member, admin); 403, 409, 422."""
    return operations.accept(current_user, case, d["version"], d.get("note"))


@bp.route("/<int:case_id>/reject", methods=["POST"])
@access(*DECIDERS)
@CASE_PAGE.action(
    "reject", VerdictSchema, _l("The answer has been rejected; the case is open again.")
)
def reject(case, d):
    """Reject the unit's answer with a reason (optionally a new deadline with its reason, the
    lead only): the case is open again; 403, 409, 422."""
    return operations.reopen(current_user, case, "rejected", **with_doc(d))


@bp.route("/<int:case_id>/partly-done", methods=["POST"])
@access(*DECIDERS)
@CASE_PAGE.action(
    "partly_done",
    VerdictSchema,
    _l("Recorded as partly done; the case stays open for the remainder."),
)
def partly_done(case, d):
    """Verify the answer as partly done: what was done is recorded, the case stays open for
    the remainder (optionally a new deadline with its reason); 403, 409, 422."""
    return operations.reopen(current_user, case, "partly_done", **with_doc(d))


@bp.route("/<int:case_id>/verifier", methods=["POST"])
@access(Role.ADMIN, Role.LEAD_INSPECTOR, Role.LEADERSHIP)
@CASE_PAGE.action("verifier", VerifierSchema, _l("The verifier has been named."))
def assign_verifier(case, d):
    """Name who verifies the unit's answer (team lead, leadership, admin); 403, 409, 422."""
    return operations.assign_case_verifier(current_user, case, d["verifier_id"], d["version"])


@bp.route("/<int:case_id>/escalate", methods=["POST"])
@access(Role.ADMIN, Role.LEADERSHIP)
@CASE_PAGE.action("escalate", StepChoiceSchema, _l("The escalation step has been taken."))
def escalate(case, d):
    """Take an escalation step the sweep leaves to leadership (the escalation settings), on a
    case due for it today; 403, 404, 422 not due or unknown step."""
    return escalation.take_step_by_hand(current_user, case, d["step"], clock.today())


# --- the recovery ledger -------------------------------------------------------------------

register_actions(
    {
        "payment_recorded": _l("Payment recorded"),
        "payment_verified": _l("Payment verified"),
    }
)


def _uploads() -> list:
    return [f for f in request.files.getlist("files") if f and f.filename]


@bp.route("/<int:case_id>/payments", methods=["POST"])
@access(*DECIDERS, Role.UNIT_LEADER)
@CASE_PAGE.action("payment", PaymentSchema, _l("Payment recorded."))
def record_payment(case, data):
    """Record a payment or hand-over on a recovery (the team, an administrator or the unit);
    403, 404 not visible, 409 stale, 413 file too large, 422 bad amount, more than remains."""
    return recovery_operations.record_payment(current_user, case, data, _uploads())


@bp.route("/<int:case_id>/payments/<int:payment_id>/verify", methods=["POST"])
@access(*DECIDERS)
def verify_payment(case_id: int, payment_id: int):
    """Verify a payment against its receipt (the team, not whoever recorded it); 403, 404,
    409 stale, 422 verified already."""
    get_visible_case(case_id)
    payment = get_or_404(RecoveryPayment, payment_id)
    if payment.case_id != case_id:
        abort(404)
    return CASE_PAGE.act(
        case_id,
        "verify_payment",
        PaymentVerifySchema(),
        lambda case, data: recovery_operations.verify_payments(
            current_user, [payment], data.get("version")
        ),
        _l("Payment verified."),
    )
