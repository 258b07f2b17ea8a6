"""The escalation ladder: reminders, three overdue levels counted in working days, once per case
and deadline, idempotent sweeps, and one run per job across two scheduler processes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.cases.models import CaseState, EscalationStep
from inspect_app.core.jobs import JobRun
from inspect_app.escalation.operations import sweep
from inspect_app.notifications.models import Notification
from inspect_app.reference.models import Holiday
from tests import factories

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _steps(case) -> list[str]:
    from inspect_app.extensions import db

    return list(
        db.session.execute(
            select(EscalationStep.step)
            .where(EscalationStep.case_id == case.id)
            .order_by(EscalationStep.id)
        ).scalars()
    )


def _case_for_leader(due: date, **kw):
    unit = factories.make_unit()
    leader = factories.make_user("unit_leader", unit=unit, email="ld@example.vn")
    case = factories.make_case(
        inspection=factories.make_inspection(state="monitoring", target_unit=unit), due=due, **kw
    )
    return case, leader


# Wednesday 2026-11-25; the deadline is Friday 2026-11-20.
@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 11, 10), []),  # 8 working days remain: too early
        (date(2026, 11, 11), ["reminder_7"]),  # 7 working days remain (12th..20th)
        (date(2026, 11, 17), ["reminder_3"]),  # Tue: 3 working days remain (Wed, Thu, Fri)
        (date(2026, 11, 19), ["reminder_1"]),  # Thu: 1 working day remains
        (date(2026, 11, 20), []),  # the deadline itself: not overdue
        (date(2026, 11, 22), []),  # Sunday after: 0 working days overdue yet
        (date(2026, 11, 23), ["level_1"]),  # Monday: first overdue working day
        (date(2026, 11, 27), ["level_1", "level_2"]),  # 5 working days overdue
        (date(2026, 12, 3), ["level_1", "level_2"]),  # 9 working days overdue
        (date(2026, 12, 4), ["level_1", "level_2", "check"]),  # 10: due for a check decision
        # 15 working days overdue: the proposal (level 3) waits for the check's result.
        (date(2026, 12, 11), ["level_1", "level_2", "check"]),
    ],
)
def test_ladder_steps_by_date(db, as_of, expected):
    case, _ = _case_for_leader(date(2026, 11, 20))
    db.session.commit()
    sweep(as_of)
    assert _steps(case) == expected
    db.session.refresh(case)
    levels = [s for s in expected if s.startswith("level")]
    assert case.escalation_level == len(levels)


def test_without_the_check_the_report_follows_the_urging_letter(db):
    """`escalation.report_after_check` = "0": level 3 at 15 working days, no result needed."""
    from inspect_app.reference.models import Setting

    db.session.add(Setting(key="escalation.report_after_check", value="0"))
    case, _ = _case_for_leader(date(2026, 11, 20))
    db.session.commit()
    sweep(date(2026, 12, 11))
    assert _steps(case) == ["level_1", "level_2", "check", "level_3"]
    db.session.refresh(case)
    assert case.escalation_level == 3


def test_holidays_delay_the_levels(db):
    case, _ = _case_for_leader(date(2026, 11, 20))
    db.session.add(Holiday(day=date(2026, 11, 23), name="Nghỉ bù"))
    db.session.commit()
    sweep(date(2026, 11, 23))
    assert _steps(case) == []  # the holiday is not a working day
    sweep(date(2026, 11, 24))
    assert _steps(case) == ["level_1"]


def test_sweep_is_idempotent_and_notifies_once(db):
    case, leader = _case_for_leader(date(2026, 11, 20))
    factories.make_user("leadership")
    db.session.commit()
    first = sweep(date(2026, 11, 27))
    second = sweep(date(2026, 11, 27))
    assert first.total == 2 and second.total == 0
    assert _steps(case) == ["level_1", "level_2"]
    notes = db.session.execute(
        select(func.count()).select_from(Notification).where(Notification.user_id == leader.id)
    ).scalar_one()
    assert notes == 2


def test_rerun_after_crash_takes_each_step_once(db, monkeypatch):
    """The sweep commits batch by batch: a crash in the second batch keeps the first one, loses
    the second entirely, and the rerun takes each step on each case exactly once."""
    cases = [_case_for_leader(date(2026, 11, 20))[0] for _ in range(5)]
    db.session.commit()
    from inspect_app.escalation import operations

    real = operations.take_step
    calls = {"n": 0}

    def crashing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            real(*args, **kwargs)  # the batch's rows are written, then the process dies
            raise RuntimeError("killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(operations, "BATCH_SIZE", 2)
    monkeypatch.setattr(operations, "take_step", crashing)
    with pytest.raises(RuntimeError):
        operations.sweep(date(2026, 11, 23))
    db.session.rollback()
    assert [_steps(c) for c in cases] == [["level_1"]] * 2 + [[]] * 3
    monkeypatch.setattr(operations, "take_step", real)
    report = operations.sweep(date(2026, 11, 23))
    assert report.total == 3
    assert [_steps(c) for c in cases] == [["level_1"]] * 5
    notes = db.session.execute(select(func.count()).select_from(Notification)).scalar_one()
    assert notes == 5  # one per case: the crashed batch's notifications were rolled back too


def test_answered_case_and_new_deadline_stop_the_climb(db):
    answered, _ = _case_for_leader(date(2026, 11, 20), state="answered")
    extended, _ = _case_for_leader(date(2026, 11, 20))
    db.session.commit()
    sweep(date(2026, 11, 23))
    assert _steps(answered) == []
    assert _steps(extended) == ["level_1"]
    extended.due_date = date(2026, 12, 31)  # an approved extension moves the deadline
    db.session.commit()
    report = sweep(date(2026, 11, 27))
    assert "level_2" not in _steps(extended)
    assert report.steps["level_2"] == []
    assert answered.state == CaseState.ANSWERED


def test_out_of_order_thresholds_are_refused(db):
    from inspect_app.core.errors import OperationError
    from inspect_app.reference.models import DayKind, DeadlineRule

    db.session.add(
        DeadlineRule(
            key="escalation.urging", label="x", amount=20, day_kind=DayKind.WORKING, source="x"
        )
    )
    db.session.commit()
    with pytest.raises(OperationError):
        sweep(date(2026, 11, 27))


def test_escalate_cli_dry_run_and_bad_date(app, db):
    case, _ = _case_for_leader(date(2026, 11, 20))
    db.session.commit()
    runner = app.test_cli_runner()
    out = runner.invoke(args=["escalate", "--as-of", "2026-11-23", "--dry-run"])
    assert out.exit_code == 0 and "would take 1" in out.output and case.reference in out.output
    assert _steps(case) == []
    bad = runner.invoke(args=["escalate", "--as-of", "23/11/2026"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output
    empty = runner.invoke(args=["escalate", "--as-of", ""])  # an unset variable is not "today"
    assert empty.exit_code != 0 and "YYYY-MM-DD" in empty.output
    assert _steps(case) == []
    done = runner.invoke(args=["escalate", "--as-of", "2026-11-23"])
    assert "took 1" in done.output and _steps(case) == ["level_1"]


def test_two_scheduler_processes_run_the_job_once(empty_database_url):
    from inspect_app import create_app
    from inspect_app.extensions import db

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        db.create_all()
        cases = [_case_for_leader(date(2026, 11, 20))[0] for _ in range(20)]
        db.session.commit()
        ids = [c.id for c in cases]
        db.engine.dispose()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": empty_database_url,
        "FLASK_APP": "wsgi",
    }
    cmd = [
        sys.executable,
        "-m",
        "flask",
        "scheduler",
        "run-job",
        "daily_sweep",
        "--period",
        "2026-11-27",
    ]
    procs = [
        subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    texts = " ".join(o[0] for o in outputs)
    assert texts.count("already run by another process") == 1, texts
    with app.app_context():
        runs = db.session.execute(select(func.count()).select_from(JobRun)).scalar_one()
        steps = db.session.execute(
            select(EscalationStep.case_id, EscalationStep.step).where(
                EscalationStep.case_id.in_(ids)
            )
        ).all()
        db.engine.dispose()
    assert runs == 1
    assert len(steps) == 40 and len(set(steps)) == 40  # level 1 and 2 for each case, once
