"""The scheduler: every job is on its schedule (the daily digests and the purge of old login
attempts included), and each runs its work once per period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select

from inspect_app.auth.models import LoginAttempt
from inspect_app.core import clock
from inspect_app.extensions import db as _db
from inspect_app.notifications import operations as notifications
from inspect_app.scheduler import JOBS, OPTIONAL, add_jobs, run_job, send_mail
from tests import factories

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def test_every_job_is_scheduled(app):
    sched = BackgroundScheduler(timezone=app.config["TIMEZONE"])
    add_jobs(sched, app)
    jobs = {job.id: job for job in sched.get_jobs()}
    assert set(JOBS) - set(OPTIONAL) <= set(jobs)
    assert {"mail_digests", "purge_login_attempts", "send_mail", "heartbeat"} <= set(jobs)
    for name in set(JOBS) - set(OPTIONAL):
        assert isinstance(jobs[name].trigger, CronTrigger), name
        assert jobs[name].args == (app, name)


def _attempt(age_days: int) -> None:
    _db.session.add(
        LoginAttempt(username="a", ip="127.0.0.1", at=NOW - timedelta(days=age_days), success=False)
    )


def _attempts(db) -> int:
    return db.session.execute(select(func.count()).select_from(LoginAttempt)).scalar_one()


def test_old_login_attempts_are_purged_once_a_day(app, db):
    clock.freeze(NOW)
    _attempt(40)
    _attempt(1)
    db.session.commit()
    out = run_job(app, "purge_login_attempts", "2026-12-01")
    assert out == "purge_login_attempts 2026-12-01: 1 login attempts removed"
    _attempt(50)
    db.session.commit()
    assert "already run" in run_job(app, "purge_login_attempts", "2026-12-01")
    assert _attempts(db) == 2
    assert "1 login attempts removed" in run_job(app, "purge_login_attempts", "2026-12-02")
    assert _attempts(db) == 1


def test_digests_are_queued_once_a_day_and_sent_by_the_mail_job(app, db, smtp):
    user = factories.make_user("unit_leader", email="lanh.dao@example.vn")
    notifications.set_email_mode(user, "digest")
    notifications.notify(user, "reminder", "Nhắc hạn")
    db.session.commit()
    out = run_job(app, "mail_digests", date(2026, 12, 1).isoformat())
    assert out == "mail_digests 2026-12-01: 1 digests queued"
    assert smtp.messages == []  # queued only: the mail job sends
    assert send_mail(app) == "1 e-mails sent, 0 refused"
    notifications.notify(user, "reminder", "Nhắc hạn nữa")
    db.session.commit()
    assert "already run" in run_job(app, "mail_digests", "2026-12-01")
    assert send_mail(app) == "0 e-mails sent, 0 refused"
    assert len(smtp.messages) == 1
    assert "1 digests" in run_job(app, "mail_digests", "2026-12-02")
    send_mail(app)
    assert len(smtp.messages) == 2
