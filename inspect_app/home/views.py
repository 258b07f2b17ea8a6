"""Each role's home page, the health probes and the administrator's page of background jobs."""

from __future__ import annotations

import functools
from datetime import timedelta

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from inspect_app.answers.queries import awaiting_verification, unit_leader_home
from inspect_app.core import clock, health
from inspect_app.core.filters import text
from inspect_app.core.htmx import render
from inspect_app.core.jobs import HEARTBEAT, JobStatus
from inspect_app.core.permissions import AUTHENTICATED, PUBLIC, access
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_nav
from inspect_app.extensions import db
from inspect_app.home.queries import site_search
from inspect_app.inspections.queries import team_inspections
from inspect_app.notifications.models import OutgoingMail
from inspect_app.reports.models import DocumentState
from inspect_app.reports.queries import DocumentFilters, document_list, to_sign_count

bp = Blueprint("home", __name__)

register_nav("home.jobs", _l("Background jobs"), (Role.ADMIN,))

# The scheduler's jobs by the names it records them under (inspect_app.scheduler); a job
# without a label here is shown by its name.
JOB_LABELS = {
    "daily_sweep": _l("Escalation sweep and deadline reminders"),
    "mail_digests": _l("Daily e-mail digests"),
    "monthly_report": _l("Monthly report draft to the People's Committee"),
    "purge_login_attempts": _l("Removal of old sign-in attempts"),
    "send_mail": _l("Sending of queued e-mails"),
    "purge_outbox": _l("Removal of old e-mails from the outbox"),
    HEARTBEAT: _l("Scheduler heartbeat"),
}


@bp.route("/")
@access(PUBLIC)
def index():
    """Send visitors to sign in and signed-in users to the home of their role."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render(f"home/{current_user.role.value}.html", **_home_context(current_user))


def _days_labels() -> dict:
    """A row's "N working days overdue" and "N working days left", translated once per
    distinct number in the request, not once per row."""
    return {
        "overdue_label": functools.cache(
            lambda days: ngettext(
                "%(num)d working day overdue", "%(num)d working days overdue", days
            )
        ),
        "left_label": functools.cache(
            lambda days: ngettext("%(num)d working day left", "%(num)d working days left", days)
        ),
    }


def _home_context(user) -> dict:
    """What each role's home shows (a constant number of queries whatever the rows)."""
    if user.is_unit_leader:
        today = clock.today()
        # The head of an issuing body (the Director of Home Affairs) signs its drafts.
        return {
            "home": unit_leader_home(user, today),
            "today": today,
            "to_sign": to_sign_count(user),
            **_days_labels(),
        }
    if user.role == Role.CLERK:
        signed = document_list(user, DocumentFilters(state=DocumentState.SIGNED.value))
        return {"to_register": list(db.session.execute(signed.limit(20)).unique().scalars())}
    if user.is_inspector:
        return {
            "to_verify": awaiting_verification(user),
            "inspections": team_inspections(user),
            "today": clock.today(),
        }
    return {}


@bp.route("/search")
@access(AUTHENTICATED)
def search():
    """The header's search: cases, inspections and units the user may see that match `q`,
    grouped by kind (htmx: the results alone, updated as the user types)."""
    results = site_search(current_user, text(request.args, "q"))
    return render("home/search.html", "home/_search_results.html", results=results)


@bp.route("/healthz")
@access(PUBLIC)
def healthz():
    """Liveness probe for the process manager."""
    return {"status": "ok"}


@bp.route("/readyz")
@access(PUBLIC)
def readyz():
    """Readiness probe: 200 when the database, its migrations, the upload folder and the
    scheduler's heartbeat are all fine, else 503 naming what failed (no data, no sign-in)."""
    checks = health.readiness(current_app)
    ok = all(v == health.OK for v in checks.values())
    response = current_app.json.response(
        {"status": "ok" if ok else "unavailable", "checks": checks}
    )
    response.status_code = 200 if ok else 503
    response.cache_control.no_store = True
    return response


@bp.route("/admin/jobs")
@access(Role.ADMIN)
def jobs():
    """Tác vụ nền: each scheduler job's last run, its result and its next run, the heartbeat,
    and the e-mail outbox (two queries)."""
    statuses = list(db.session.execute(select(JobStatus).order_by(JobStatus.name)).scalars())
    outbox = db.session.execute(
        select(
            func.count().filter(OutgoingMail.sent_at.is_(None), OutgoingMail.failed_at.is_(None)),
            func.count().filter(OutgoingMail.failed_at.is_not(None)),
            func.count().filter(
                OutgoingMail.sent_at.is_(None),
                OutgoingMail.failed_at.is_(None),
                OutgoingMail.attempts > 0,
            ),
        )
    ).one()
    beat = next((s.last_finished_at for s in statuses if s.name == HEARTBEAT), None)
    max_age = timedelta(seconds=current_app.config["SCHEDULER_HEARTBEAT_MAX_AGE"])
    return render(
        "home/jobs.html",
        statuses=statuses,
        labels=JOB_LABELS,
        alive=beat is not None and clock.now() - beat <= max_age,
        beat=beat,
        waiting=outbox[0],
        given_up=outbox[1],
        retrying=outbox[2],
    )
