"""The scheduler process (`flask scheduler run`): APScheduler in its own process, never in web
workers. Each job run is claimed in the database first (`JobRun`, unique per job and period),
so however many scheduler processes run, each job runs once per period."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import date

import click
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from inspect_app.auth.operations import purge_login_attempts
from inspect_app.conclusions.operations import send_reminders
from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.core.jobs import JobRun
from inspect_app.escalation.operations import sweep
from inspect_app.extensions import db
from inspect_app.notifications.operations import deliver, send_digests
from inspect_app.reports.operations import monthly_report_draft


def claim(job: str, period: str) -> bool:
    """Insert the claim for (job, period); False when another process already holds it."""
    holder = f"{socket.gethostname()}:{os.getpid()}"[:120]
    db.session.add(JobRun(job=job, period=period, holder=holder, started_at=clock.now()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def finish(job: str, period: str) -> None:
    db.session.execute(
        update(JobRun)
        .where(JobRun.job == job, JobRun.period == period)
        .values(finished_at=clock.now())
    )
    db.session.commit()


def daily_sweep(as_of: date) -> str:
    """Job: the escalation sweep for one day (reminders and overdue levels)."""
    report = sweep(as_of)
    return f"{report.total} steps taken"


def conclusion_reminders(as_of: date) -> str:
    """Job: remind whoever must act of the conclusion lifecycle steps due soon or overdue."""
    sent = send_reminders(as_of)
    db.session.commit()
    return f"{sent} conclusion reminders"


def deliver_mail(as_of: date) -> str:
    """Job: retry e-mails that could not be sent, and send the daily digests."""
    return f"{deliver()} e-mails, {send_digests(as_of)} digests"


def monthly_report(as_of: date) -> str:
    """Job: the draft report to the People's Committee for the month before `as_of` (built, or
    refreshed while it is still a draft)."""
    doc, outcome = monthly_report_draft(as_of)
    db.session.commit()
    return f"report draft {outcome} ({len(doc.items) if doc else 0} cases)"


def purge_old_login_attempts(as_of: date) -> str:
    """Job: delete the login attempts older than 30 days (they serve throttling only)."""
    removed = purge_login_attempts()
    db.session.commit()
    return f"{removed} login attempts removed"


JOBS: dict[str, Callable[[date], str]] = {
    "daily_sweep": daily_sweep,
    "conclusion_reminders": conclusion_reminders,
    "deliver_mail": deliver_mail,
    "monthly_report": monthly_report,
    "purge_login_attempts": purge_old_login_attempts,
}

# The period a job runs once for (default: the day); the monthly report once per month.
PERIODS: dict[str, Callable[[date], str]] = {"monthly_report": lambda d: d.strftime("%Y-%m")}


def schedule(hour: int) -> dict[str, dict]:
    """When each job runs (APScheduler cron fields), the day's work starting at `hour`."""
    return {
        "daily_sweep": {"hour": hour, "minute": 0},
        "conclusion_reminders": {"hour": hour, "minute": 10},
        # After the sweep, so that the day's reminders are in the digests.
        "deliver_mail": {"hour": hour, "minute": 15},
        # After the sweep of the 1st, so that the month's last level-3 steps are in the draft.
        "monthly_report": {"day": 1, "hour": hour, "minute": 30},
        "purge_login_attempts": {"hour": hour, "minute": 45},
    }


def add_jobs(sched: BaseScheduler, app: Flask) -> None:
    """Every job of `JOBS` on its cron schedule, plus the retry of unsent mail every 5 minutes."""
    for name, fields in schedule(app.config["SWEEP_HOUR"]).items():
        sched.add_job(
            _echo_run, "cron", args=(app, name), id=name, name=JOBS[name].__doc__, **fields
        )
    sched.add_job(_mail, "interval", args=(app,), minutes=5, id="retry_mail")


def _echo_run(app: Flask, name: str) -> None:
    click.echo(run_job(app, name))


def run_job(app: Flask, name: str, period: str | None = None) -> str:
    """Run job `name` once for `period` (default: today) unless another process claimed it."""
    with app.app_context():
        as_of = date.fromisoformat(period) if period else clock.today()
        key = PERIODS.get(name, date.isoformat)(as_of)
        if not claim(name, key):
            return f"{name} {key}: already run by another process"
        result = JOBS[name](as_of)
        finish(name, key)
        return f"{name} {key}: {result}"


def register_scheduler_cli(app: Flask) -> None:
    @app.cli.group("scheduler")
    def scheduler_group():
        """The background job process."""

    @scheduler_group.command("run")
    def run():
        """Start the scheduler (daily sweep, digests and purge of old login attempts from
        SWEEP_HOUR, unsent mail every 5 minutes, the monthly report draft on the 1st)."""
        tz = app.config["TIMEZONE"]
        hour = app.config["SWEEP_HOUR"]
        sched = BlockingScheduler(timezone=tz)
        add_jobs(sched, app)
        click.echo(
            f"Scheduler started ({tz}): daily sweep at {hour:02d}:00, digests at {hour:02d}:15, "
            f"monthly report draft on the 1st at {hour:02d}:30, old login attempts purged at "
            f"{hour:02d}:45, unsent mail retried every 5 minutes. Ctrl+C stops it."
        )
        sched.start()

    @scheduler_group.command("run-job")
    @click.argument("name", type=click.Choice(sorted(JOBS)))
    @click.option("--period", default=None, help="YYYY-MM-DD (default: today)")
    def run_job_command(name, period):
        """Run one job now, once per period across all scheduler processes."""
        if period is not None:
            _parse_date(period)
        click.echo(run_job(app, name, period))

    @app.cli.command("escalate")
    @click.option("--as-of", "as_of", default=None, help="YYYY-MM-DD (default: today)")
    @click.option("--dry-run", is_flag=True, help="Print what would be done, change nothing.")
    def escalate(as_of, dry_run):
        """Run the escalation sweep for a date and print what it did (or would do)."""
        # An empty --as-of is a mistake (an unset shell variable), not "today".
        day = _parse_date(as_of) if as_of is not None else clock.today()
        try:
            report = sweep(day, dry_run=dry_run)
        except OperationError as e:
            raise click.ClickException(str(e.message)) from None
        verb = "would take" if dry_run else "took"
        click.echo(f"Escalation sweep for {day.isoformat()}: {verb} {report.total} steps.")
        for step, refs in report.steps.items():
            if refs:
                click.echo(f"  {step}: {', '.join(refs)}")


def _mail(app: Flask) -> None:
    """Job: retry the e-mails that could not be sent (any time, not claimed per period)."""
    with app.app_context():
        deliver()


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date in the form YYYY-MM-DD: {value!r}") from None
