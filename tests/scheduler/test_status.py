"""The scheduler records each job's last run and result (the error when it failed), and its
heartbeat publishes when each job runs next; the administrator's "Background jobs" page shows
them with the e-mail outbox, in a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from inspect_app import scheduler
from inspect_app.core import clock
from inspect_app.core.jobs import HEARTBEAT, JobStatus
from inspect_app.core.roles import Role
from inspect_app.notifications import operations as notifications
from inspect_app.notifications.models import OutgoingMail
from tests import factories as f

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _status(db, name: str) -> JobStatus:
    db.session.expire_all()  # jobs run in their own app context and session
    return db.session.get(JobStatus, name)


def test_a_job_run_records_its_result(app, db):
    clock.freeze(NOW)
    scheduler.run_job(app, "purge_login_attempts", "2026-12-01")
    status = _status(db, "purge_login_attempts")
    assert status.last_started_at == status.last_finished_at == NOW
    assert status.last_ok is True and status.last_result == "0 login attempts removed"
    assert status.holder


def test_a_failed_job_records_its_error_and_still_raises(app, db, monkeypatch):
    clock.freeze(NOW)

    def broken(as_of):
        raise RuntimeError("disk full")

    monkeypatch.setitem(scheduler.JOBS, "purge_login_attempts", broken)
    with pytest.raises(RuntimeError):
        scheduler.run_job(app, "purge_login_attempts", "2026-12-01")
    status = _status(db, "purge_login_attempts")
    assert status.last_ok is False and status.last_result == "RuntimeError: disk full"


def test_heartbeat_publishes_every_job_and_the_next_runs(app, db):
    clock.freeze(NOW)
    sched = BackgroundScheduler(timezone=app.config["TIMEZONE"])
    scheduler.add_jobs(sched, app)
    sched.start(paused=True)
    try:
        scheduler.heartbeat(app, sched)
        expected = {job.id: job.next_run_time for job in sched.get_jobs()}
    finally:
        sched.shutdown(wait=False)
    db.session.expire_all()
    rows = {s.name: s for s in db.session.execute(select(JobStatus)).scalars()}
    assert set(rows) == set(expected) >= set(scheduler.JOBS) | {"send_mail", HEARTBEAT}
    for name in scheduler.JOBS:
        assert rows[name].next_run_at == expected[name], name
        assert "cron" in rows[name].schedule
    # The heartbeat's own next run is after this one, not this one.
    assert rows[HEARTBEAT].last_finished_at == NOW and rows[HEARTBEAT].last_ok
    assert rows[HEARTBEAT].next_run_at > datetime.now(UTC)


def test_the_mail_job_records_its_runs(app, db, smtp):
    clock.freeze(NOW)
    user = f.make_user(Role.INSPECTOR, email="a@example.vn")
    notifications.notify(user, "x", "Thông báo")
    db.session.commit()
    scheduler.send_mail(app)
    assert _status(db, "send_mail").last_result == "1 e-mails sent, 0 refused"


# --- the page ------------------------------------------------------------------------------


def _jobs(db, n: int) -> None:
    for i in range(n):
        db.session.add(
            JobStatus(
                name=f"job_{i}",
                next_run_at=NOW + timedelta(hours=i),
                last_started_at=NOW - timedelta(hours=1),
                last_finished_at=NOW - timedelta(hours=1),
                last_ok=i % 2 == 0,
                last_result=f"kết quả {i}",
            )
        )


def test_jobs_page_shows_runs_results_next_runs_and_the_outbox(db, login_as):
    clock.freeze(NOW)
    db.session.add_all(
        [
            JobStatus(name=HEARTBEAT, last_finished_at=NOW - timedelta(seconds=20), last_ok=True),
            JobStatus(
                name="daily_sweep",
                schedule="cron[hour='6', minute='0']",
                next_run_at=datetime(2026, 12, 1, 23, 0, tzinfo=UTC),
                last_started_at=datetime(2026, 11, 30, 23, 0, tzinfo=UTC),
                last_finished_at=datetime(2026, 11, 30, 23, 0, 5, tzinfo=UTC),
                last_ok=False,
                last_result="OperationalError: could not connect",
            ),
        ]
    )
    user = f.make_user(Role.INSPECTOR, email="a@example.vn")
    for _ in range(3):
        notifications.notify(user, "x", "Thông báo")
    db.session.flush()
    first, second, _third = db.session.execute(select(OutgoingMail)).scalars()
    notifications.mail_failed(first, "refused")
    second.failed_at = NOW
    client = login_as(Role.ADMIN, locale="vi")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Tác vụ nền" in page
    assert "Bộ lập lịch đang chạy" in page
    row = page.split('data-job="daily_sweep"')[1].split("</tr>")[0]
    assert (
        "Rà soát kiến nghị quá hạn" in row and "01/12/2026 06:00" in row
    )  # last run, province time
    assert "Thất bại" in row and "OperationalError: could not connect" in row
    assert "02/12/2026 06:00" in row  # the next run
    outbox = page.split('id="outbox"')[1].split("</p>")[0]
    assert (
        "Đang chờ gửi: 2 (trong đó đang gửi lại: 1). Đã ngừng gửi sau nhiều lần lỗi: 1." in outbox
    )


def test_jobs_page_says_when_the_scheduler_is_not_running(db, login_as):
    clock.freeze(NOW)
    client = login_as(Role.ADMIN, locale="en")
    assert "has never run against this database" in client.get("/admin/jobs").get_data(as_text=True)
    db.session.add(JobStatus(name=HEARTBEAT, last_finished_at=NOW - timedelta(hours=2)))
    db.session.commit()
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Scheduler stopped" in page and "No heartbeat since 01/12/2026 07:00" in page


def test_jobs_page_queries_do_not_grow_with_the_jobs(db, login_as, count_queries):
    client = login_as(Role.ADMIN)
    _jobs(db, 1)
    db.session.commit()
    client.get("/admin/jobs")
    with count_queries() as few:
        assert client.get("/admin/jobs").status_code == 200
    _jobs_more = [f"job_{i}" for i in range(1, 30)]
    for i, name in enumerate(_jobs_more, start=1):
        db.session.add(JobStatus(name=name, last_ok=True, last_result=str(i)))
    db.session.commit()
    with count_queries() as many:
        page = client.get("/admin/jobs")
        assert page.get_data(as_text=True).count("data-job=") == 30
    assert many() == few()


def test_send_mail_from_the_command_line(app, db, smtp):
    user = f.make_user(Role.INSPECTOR, email="a@example.vn")
    notifications.notify(user, "x", "Thông báo")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["scheduler", "send-mail"])
    assert result.exit_code == 0 and "1 e-mails sent" in result.output
    assert len(smtp.messages) == 1


def test_old_mail_is_purged_from_the_outbox_once_a_day(app, db):
    clock.freeze(NOW)
    user = f.make_user(Role.INSPECTOR, email="a@example.vn")
    for _ in range(4):
        notifications.notify(user, "x", "Thông báo")
    db.session.flush()
    old_sent, old_failed, recent, waiting = db.session.execute(
        select(OutgoingMail).order_by(OutgoingMail.id)
    ).scalars()
    old_sent.sent_at = NOW - timedelta(days=91)
    old_failed.failed_at = NOW - timedelta(days=100)
    recent.sent_at = NOW - timedelta(days=10)
    waiting.next_attempt_at = NOW - timedelta(days=200)  # long waiting, never sent: kept
    db.session.commit()
    out = scheduler.run_job(app, "purge_outbox", "2026-12-01")
    assert out == "purge_outbox 2026-12-01: 2 old e-mails removed"
    db.session.expire_all()
    left = db.session.execute(select(OutgoingMail.id).order_by(OutgoingMail.id)).scalars()
    assert list(left) == [recent.id, waiting.id]
