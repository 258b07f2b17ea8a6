"""The scheduler's records (see inspect_app.scheduler): the claims that make each scheduled job
run once per period however many scheduler processes run, and each job's status (last run, its
result, next run) with the scheduler's heartbeat, read by `/readyz` and the jobs page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from inspect_app.core.models import UTCDateTime
from inspect_app.extensions import db

#: The status row the scheduler refreshes every minute: its `last_finished_at` is the heartbeat.
HEARTBEAT = "heartbeat"


class JobRun(db.Model):
    """A claim on one run of a scheduled job for one period: the first process to insert wins."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_run_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60), nullable=False)
    period: Mapped[str] = mapped_column(String(20), nullable=False)
    holder: Mapped[str] = mapped_column(String(120), nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobStatus(db.Model):
    """One scheduled job as the scheduler process last saw it: when it runs (`schedule`, the
    next run), and its last run with the result (or the error). Written by the scheduler only."""

    __tablename__ = "job_status"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    schedule: Mapped[str | None] = mapped_column(String(200))
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ok: Mapped[bool | None] = mapped_column(Boolean)
    last_result: Mapped[str | None] = mapped_column(String(500))
    holder: Mapped[str | None] = mapped_column(String(120))
