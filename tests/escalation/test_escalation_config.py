"""The administrator's form for the escalation configuration: the thresholds (working days
overdue, their rules' citations), whether the report waits for the check, which steps are
automatic; validated as a whole, audited; a step that is not automatic is left by the sweep
for leadership to take on the case page. The clock is set (deadline Friday 20/11/2026)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.cases.models import LADDER_STEPS, EscalationStep
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent
from inspect_app.core.roles import Role
from inspect_app.escalation.operations import sweep
from inspect_app.extensions import db
from inspect_app.reference import rules
from inspect_app.reference.models import DeadlineRule, Setting
from inspect_app.reference.seed import seed_conclusion_rules, seed_deadline_rules
from inspect_app.reports.models import Document, DocumentKind
from tests import factories as f

DUE = date(2026, 11, 20)


@pytest.fixture()
def admin(db, login_as):
    seed_deadline_rules()
    seed_conclusion_rules()
    db.session.commit()
    return login_as(Role.ADMIN)


def _form(**changes) -> dict:
    by_key = {r.key: r for r in db.session.execute(select(DeadlineRule)).scalars()}
    settings = rules.setting_rows()
    form = {}
    for step, key in rules.THRESHOLD_RULES.items():
        form[f"threshold_{step}"] = str(by_key[key].amount)
        form[f"v_{step}"] = str(by_key[key].version)
    for step in rules.LADDER:
        key = f"{rules.AUTO_PREFIX}{step}"
        form[f"auto_{step}"] = "1"
        form[f"v_auto_{step}"] = str(settings[key].version if key in settings else 0)
    form["report_after_check"] = "1"
    key = rules.REPORT_AFTER_CHECK
    form["v_report_after_check"] = str(settings[key].version if key in settings else 0)
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def _amount(key: str) -> int:
    return db.session.execute(select(DeadlineRule.amount).where(DeadlineRule.key == key)).scalar()


def test_the_ladder_steps_are_the_cases_ladder():
    assert rules.LADDER == LADDER_STEPS and set(rules.LADDER_NAMES) == set(LADDER_STEPS)


def test_page_shows_thresholds_with_their_citations(admin):
    page = admin.get("/reference/escalation").get_data(as_text=True)
    source = db.session.execute(
        select(DeadlineRule.source).where(DeadlineRule.key == "escalation.check")
    ).scalar()
    assert source and source in page
    assert 'name="threshold_check" type="number"' in page and 'name="auto_level_2"' in page
    assert rules.REPORT_AFTER_CHECK_SOURCE in page


def test_saving_changes_thresholds_and_flags_audited(admin):
    events = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    r = admin.post(
        "/reference/escalation",
        data=_form(threshold_check="12", auto_level_2=None, report_after_check=None),
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:800]
    assert _amount("escalation.check") == 12
    assert rules.automatic_steps() == set(rules.LADDER) - {"level_2"}
    assert not rules.report_waits_for_check()
    actions = list(
        db.session.execute(
            select(AuditEvent.action).where(AuditEvent.id > events).order_by(AuditEvent.id)
        ).scalars()
    )
    # One rule and two settings changed (every flag is stored, only changed ones audited).
    assert actions.count("deadline_rule_updated") == 1
    assert actions.count("setting_changed") == 2
    page = admin.get("/reference/escalation").get_data(as_text=True)
    assert 'value="12"' in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"threshold_check": "20"}, "check"),  # after the report (15)
        ({"threshold_check": "5"}, "check"),  # not after the urging letter (5)
        ({"threshold_level_2": "1"}, "level_2"),  # not after the notice (1)
        ({"threshold_level_1": "0"}, "threshold_level_1"),  # the form's range: 1..365
        ({"threshold_level_3": "x"}, "threshold_level_3"),
    ],
)
def test_out_of_order_or_bad_values_refused_nothing_saved(admin, changes, field):
    before = {k: _amount(k) for k in rules.THRESHOLD_RULES.values()}
    r = admin.post("/reference/escalation", data=_form(auto_check=None, **changes))
    assert r.status_code == 422
    assert f'id="{field}-error"' in r.get_data(as_text=True)
    assert {k: _amount(k) for k in rules.THRESHOLD_RULES.values()} == before
    assert db.session.execute(select(Setting.id)).first() is None  # no flag half-saved


def test_stale_form_is_refused(admin):
    form = _form()
    assert admin.post("/reference/escalation", data=_form(threshold_check="11")).status_code == 303
    r = admin.post("/reference/escalation", data={**form, "threshold_check": "13"})
    assert r.status_code == 409
    assert _amount("escalation.check") == 11


def test_a_manual_step_waits_for_leadership(admin, login_as):
    admin.post("/reference/escalation", data=_form(auto_level_2=None))
    unit = f.make_unit()
    f.make_user(Role.UNIT_LEADER, unit=unit)
    case = f.make_case(inspection=f.make_inspection(state="monitoring", target_unit=unit), due=DUE)
    db.session.commit()
    day = date(2026, 11, 27)  # 5 working days overdue: the urging letter is due
    report = sweep(day)
    db.session.commit()
    assert report.counts["level_1"] == 1 and report.counts["level_2"] == 0
    steps = select(EscalationStep.step).where(EscalationStep.case_id == case.id)
    assert list(db.session.execute(steps).scalars()) == ["level_1"]
    clock.freeze(day)
    boss = login_as(Role.LEADERSHIP)
    page = boss.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'name="step" value="level_2"' in page
    inspector = login_as(Role.LEAD_INSPECTOR)
    assert 'name="step" value="level_2"' not in inspector.get(f"/cases/{case.id}").get_data(
        as_text=True
    )
    assert boss.post(f"/cases/{case.id}/escalate", data={"step": "level_3"}).status_code == 422
    r = boss.post(f"/cases/{case.id}/escalate", data={"step": "level_2"})
    assert r.status_code == 303, r.get_data(as_text=True)[:600]
    db.session.expire_all()
    assert list(db.session.execute(steps).scalars()) == ["level_1", "level_2"]
    letters = (
        select(func.count())
        .select_from(Document)
        .where(Document.kind == DocumentKind.URGING, Document.case_id == case.id)
    )
    assert db.session.execute(letters).scalar_one() == 1
    # Taken once: not due any more.
    assert boss.post(f"/cases/{case.id}/escalate", data={"step": "level_2"}).status_code == 422
    assert db.session.execute(letters).scalar_one() == 1
