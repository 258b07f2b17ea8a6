"""The scheduler process (`flask scheduler run`): APScheduler in its own process, never in web
workers. Each job run is claimed in the database first (`JobRun`, unique per job and period),
so however many scheduler processes run, each job runs once per period. Besides, every minute:
the outbox's e-mails are delivered (`send_mail`; each message is claimed on its own), and the
heartbeat records that the scheduler lives and when each job runs next (`JobStatus`, read by
`/readyz` and the "Background jobs" page). Every job's last run and result are recorded there."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import date, datetime, timedelta

import click
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from inspect_app.auth.operations import purge_login_attempts
from inspect_app.core import backup, clock
from inspect_app.core.errors import OperationError
from inspect_app.core.jobs import HEARTBEAT, JobRun, JobStatus
from inspect_app.escalation.operations import sweep
from inspect_app.extensions import db
from inspect_app.notifications import mailer
from inspect_app.notifications.operations import (
    claim_mail,
    due_mail,
    mail_failed,
    mail_sent,
    purge_outbox,
    queue_digests,
)
from inspect_app.reports.operations import monthly_report_draft


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def claim(job: str, period: str) -> bool:
    """Insert the claim for (job, period); False when another process already holds it."""
    db.session.add(JobRun(job=job, period=period, holder=_holder(), started_at=clock.now()))
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


def mail_digests(as_of: date) -> str:
    """Job: queue the daily digest e-mails (sent by `send_mail` within the minute)."""
    queued = queue_digests(as_of)
    db.session.commit()
    return f"{queued} digests queued"


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


def daily_backup(as_of: date) -> str:
    """Job: a backup under BACKUP_DIR (database, uploaded files, manifest), keeping the newest
    BACKUP_KEEP."""
    root = current_app.config.get("BACKUP_DIR")
    if not root:
        return "backups are off (BACKUP_DIR is not set)"
    folder, removed = backup.rotate(root, current_app.config["BACKUP_KEEP"])
    return f"backup written to {folder}, {len(removed)} old backups removed"


def purge_old_mail(as_of: date) -> str:
    """Job: delete the e-mails sent or given up more than 90 days ago from the outbox."""
    removed = purge_outbox()
    db.session.commit()
    return f"{removed} old e-mails removed"


JOBS: dict[str, Callable[[date], str]] = {
    "daily_sweep": daily_sweep,
    "mail_digests": mail_digests,
    "monthly_report": monthly_report,
    "purge_login_attempts": purge_old_login_attempts,
    "backup": daily_backup,
    "purge_outbox": purge_old_mail,
}

# Jobs scheduled only when configured (off by default).
OPTIONAL: dict[str, str] = {"backup": "BACKUP_DIR"}

# The period a job runs once for (default: the day); the monthly report once per month.
PERIODS: dict[str, Callable[[date], str]] = {"monthly_report": lambda d: d.strftime("%Y-%m")}


def schedule(hour: int) -> dict[str, dict]:
    """When each job runs (APScheduler cron fields), the day's work starting at `hour`."""
    return {
        "daily_sweep": {"hour": hour, "minute": 0},
        # After the sweep, so that the day's reminders are in the digests.
        "mail_digests": {"hour": hour, "minute": 15},
        # After the sweep of the 1st, so that the month's last level-3 steps are in the draft.
        "monthly_report": {"day": 1, "hour": hour, "minute": 30},
        "purge_login_attempts": {"hour": hour, "minute": 45},
        # Before the day's sweep: the snapshot a bad day's changes can be undone from.
        "backup": {"hour": (hour - 1) % 24, "minute": 30},
        "purge_outbox": {"hour": hour, "minute": 50},
    }


def add_jobs(sched: BaseScheduler, app: Flask) -> None:
    """Every job of `JOBS` on its cron schedule (the optional ones when configured); the
    outbox's delivery and the heartbeat every minute (the heartbeat at once too, so that a
    scheduler just started is seen alive)."""
    for name, fields in schedule(app.config["SWEEP_HOUR"]).items():
        if name in OPTIONAL and not app.config.get(OPTIONAL[name]):
            continue
        sched.add_job(
            _echo_run, "cron", args=(app, name), id=name, name=JOBS[name].__doc__, **fields
        )
    sched.add_job(
        send_mail, "interval", args=(app,), minutes=1, id="send_mail", name=send_mail.__doc__
    )
    sched.add_job(
        heartbeat,
        "interval",
        args=(app, sched),
        minutes=1,
        id=HEARTBEAT,
        name=heartbeat.__doc__,
        next_run_time=datetime.now(sched.timezone),
    )


def _echo_run(app: Flask, name: str) -> None:
    click.echo(run_job(app, name))


def run_job(app: Flask, name: str, period: str | None = None) -> str:
    """Run job `name` once for `period` (default: today) unless another process claimed it."""
    with app.app_context():
        as_of = date.fromisoformat(period) if period else clock.today()
        key = PERIODS.get(name, date.isoformat)(as_of)
        if not claim(name, key):
            return f"{name} {key}: already run by another process"
        result = _recorded(name, lambda: JOBS[name](as_of))
        finish(name, key)
        return f"{name} {key}: {result}"


def _recorded(name: str, work: Callable[[], str]) -> str:
    """Run `work`, recording in the job's status when it started and ended and its result (the
    error when it failed, which is raised again for the scheduler's log)."""
    status = db.session.get(JobStatus, name) or JobStatus(name=name)
    status.last_started_at, status.holder = clock.now(), _holder()
    db.session.add(status)
    _commit_status()
    try:
        result = work()
    except Exception as exc:
        db.session.rollback()
        _finished(name, False, f"{type(exc).__name__}: {exc}")
        raise
    _finished(name, True, result)
    return result


def _finished(name: str, ok: bool, result: str) -> None:
    status = db.session.get(JobStatus, name) or JobStatus(name=name)
    status.last_finished_at, status.last_ok, status.last_result = clock.now(), ok, result[:500]
    db.session.add(status)
    _commit_status()


def _commit_status() -> None:
    """Commit a status row; two schedulers creating the same row at once: the other one wins."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def send_mail(app: Flask, limit: int = 100) -> str:
    """Job: deliver the outbox's due e-mails over one SMTP connection; a refused message is
    retried later on its own, a server that is down or hangs ends the run (one timeout)."""
    lease = timedelta(seconds=app.config["MAIL_TIMEOUT"] * 6)
    with app.app_context():
        return _recorded("send_mail", lambda: _deliver(app, limit, lease))


def _deliver(app: Flask, limit: int, lease: timedelta) -> str:
    sent = failed = 0
    with mailer.Mailer(app.config) as smtp:
        for mail_id in due_mail(limit):
            mail = claim_mail(mail_id, lease)
            db.session.commit()  # the claim holds before the server is contacted
            if mail is None:
                continue
            try:
                smtp.send(mailer.message_of(mail, app.config["MAIL_SENDER"]))
            except mailer.MessageRefused as exc:
                mail_failed(mail, str(exc))
                failed += 1
            except mailer.ServerUnavailable as exc:
                mail_failed(mail, str(exc))
                db.session.commit()
                app.logger.warning("mail server unavailable, will retry: %s", exc)
                return f"{sent} e-mails sent, mail server unavailable: {exc}"
            else:
                mail_sent(mail)
                sent += 1
            db.session.commit()
    return f"{sent} e-mails sent, {failed} refused"


def heartbeat(app: Flask, sched: BaseScheduler) -> None:
    """Job: record that the scheduler is alive, and when each of its jobs runs next."""
    with app.app_context():
        _recorded(HEARTBEAT, lambda: _publish(sched))


def _publish(sched: BaseScheduler) -> str:
    jobs = sched.get_jobs()
    now = datetime.now(sched.timezone)
    for job in jobs:
        status = db.session.get(JobStatus, job.id) or JobStatus(name=job.id)
        status.schedule = str(job.trigger)[:200]
        next_run = job.next_run_time
        if next_run is not None and next_run <= now:  # running now: APScheduler moves it on after
            next_run = job.trigger.get_next_fire_time(None, now + timedelta(seconds=1))
        status.next_run_at = next_run
        db.session.add(status)
    return f"{len(jobs)} jobs scheduled"


def register_scheduler_cli(app: Flask) -> None:
    @app.cli.group("scheduler")
    def scheduler_group():
        """The background job process."""

    @scheduler_group.command("run")
    def run():
        """Start the scheduler (daily sweep, digests and purge of old login attempts from
        SWEEP_HOUR, queued e-mails and the heartbeat every minute, the monthly report draft on
        the 1st)."""
        tz = app.config["TIMEZONE"]
        hour = app.config["SWEEP_HOUR"]
        sched = BlockingScheduler(timezone=tz)
        add_jobs(sched, app)
        click.echo(
            f"Scheduler started ({tz}): daily sweep at {hour:02d}:00, digests at {hour:02d}:15, "
            f"monthly report draft on the 1st at {hour:02d}:30, old login attempts purged at "
            f"{hour:02d}:45, old e-mails at {hour:02d}:50, queued e-mails sent every minute"
            + (
                f", backup to {app.config['BACKUP_DIR']} at {(hour - 1) % 24:02d}:30"
                if app.config.get("BACKUP_DIR")
                else ""
            )
            + ". Ctrl+C stops it."
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

    @scheduler_group.command("send-mail")
    def send_mail_command():
        """Send the outbox's due e-mails now (as the scheduler does every minute)."""
        click.echo(send_mail(app))

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


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date in the form YYYY-MM-DD: {value!r}") from None
