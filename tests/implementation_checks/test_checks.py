"""Checking implementation (Law 84/2025 Art. 55): reminders -> overdue notice -> urging letter
-> check decision (numbered, issued) -> minutes and a result per case -> the responsibility
proposal in the report to the Chairman, with the clock set; and the refusals."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from inspect_app.cases.models import EscalationStep
from inspect_app.core import audit, clock
from inspect_app.core.errors import OperationError
from inspect_app.escalation.operations import sweep
from inspect_app.implementation_checks import operations
from inspect_app.implementation_checks.models import CheckedCase, ImplementationCheck
from inspect_app.reports import operations as documents
from inspect_app.reports.models import Document, DocumentItem, DocumentKind
from tests import factories

DUE = date(2026, 11, 20)  # Friday


@pytest.fixture()
def english(db):
    """The refusals read in English (the users of the pages read them in Vietnamese)."""
    with force_locale("en"):
        yield


def _steps(db, case) -> list[str]:
    return list(
        db.session.execute(
            select(EscalationStep.step)
            .where(EscalationStep.case_id == case.id)
            .order_by(EscalationStep.id)
        ).scalars()
    )


def _world(db):
    unit = factories.make_unit("Sở Xây dựng")
    other_unit = factories.make_unit("Sở Y tế")
    lead = factories.make_user("lead_inspector", full_name="Trần Thị Lan")
    member = factories.make_user("inspector", full_name="Lê Văn Minh")
    boss = factories.make_user("leadership", full_name="Nguyễn Văn Hùng")
    leader = factories.make_user("unit_leader", unit=unit)
    inspection = factories.make_inspection(state="monitoring", target_unit=unit, lead=lead)
    other = factories.make_inspection(state="monitoring", target_unit=other_unit, lead=lead)
    cases = [
        factories.make_case(inspection=inspection, due=DUE, number=n, title=f"Kiến nghị {n}")
        for n in (1, 2)
    ]
    later = factories.make_case(inspection=inspection, due=date(2027, 3, 1), number=3)
    foreign = factories.make_case(inspection=other, due=DUE, number=4)
    db.session.commit()
    return {
        "lead": lead,
        "member": member,
        "boss": boss,
        "leader": leader,
        "inspection": inspection,
        "cases": cases,
        "later": later,
        "foreign": foreign,
    }


def _sweep(db, day: date):
    with clock.frozen(day):
        report = sweep(day)
    db.session.expire_all()
    return report


def _decide(db, w, day: date, case_ids=None):
    """Draft the decision on `day` and have leadership issue it."""
    with clock.frozen(day):
        check = operations.create_check(
            w["lead"],
            w["inspection"],
            case_ids or [c.id for c in w["cases"]],
            w["lead"].id,
            [w["member"].id],
            day,
            date(2026, 12, 18),
        )
        db.session.commit()
        factories.issue_document(w["boss"], check.document)
        db.session.commit()
    return check


def test_the_whole_ladder_with_the_check_step(db):
    w = _world(db)
    first, second = w["cases"]
    _sweep(db, date(2026, 11, 11))  # 7 working days before
    _sweep(db, date(2026, 11, 23))  # 1 working day overdue: the notice
    _sweep(db, date(2026, 11, 27))  # 5: the urging letter
    assert _steps(db, first) == ["reminder_7", "level_1", "level_2"]
    report = _sweep(db, date(2026, 12, 4))  # 10: due for a check
    assert report.counts["check"] == 3  # the two cases and the other conclusion's
    assert _steps(db, first)[-1] == "check" and first.escalation_level == 2

    check = _decide(db, w, date(2026, 12, 7))
    doc = check.document
    assert doc.kind == DocumentKind.CHECK_DECISION and doc.number == 1
    assert doc.number_label == "01/QĐ-TTr" and doc.signer_name == "Nguyễn Văn Hùng"
    assert "Đoàn kiểm tra" in doc.body and "Lê Văn Minh" in doc.body
    assert {i.case_id for i in doc.items} == {first.id, second.id}
    timeline = [e.action for e in audit.events_for("Case", first.id)]
    assert "check_drafted" in timeline and "check_decided" in timeline
    decided = next(e for e in audit.events_for("Case", first.id) if e.action == "check_decided")
    assert "01/QĐ-TTr" in decided.note and "Nguyễn Văn Hùng" in decided.note

    # 15 working days overdue, but no result yet: the proposal waits for the check.
    _sweep(db, date(2026, 12, 11))
    assert "level_3" not in _steps(db, first)

    with clock.frozen(date(2026, 12, 14)):
        operations.record_minutes(
            w["lead"], check, date(2026, 12, 14), "Đoàn đã làm việc với Sở", check.version
        )
        operations.record_results(
            w["lead"],
            check,
            {
                first.id: ("not_done", "Chưa ban hành văn bản chấn chỉnh"),
                second.id: ("done", "Đã thực hiện, có hồ sơ kèm theo"),
            },
            check.version,
        )
        db.session.commit()
    notes = {e.note for e in audit.events_for("Case", first.id) if e.action == "check_result"}
    assert notes == {"Chưa thực hiện: Chưa ban hành văn bản chấn chỉnh"}  # the actor speaks vi

    _sweep(db, date(2026, 12, 15))
    assert _steps(db, first)[-1] == "level_3" and first.escalation_level == 3
    assert "level_3" not in _steps(db, second)  # found done: no responsibility proposal
    # The proposal reaches the report to the Chairman.
    with clock.frozen(date(2026, 12, 15)):
        draft = documents.build_report_draft(w["boss"], date(2026, 12, 1), date(2026, 12, 31))
    assert [i.case_id for i in draft.items] == [first.id]


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("later", "not overdue"),
        ("foreign", "another conclusion"),
        ("none", "at least one"),
    ],
)
def test_bad_cases_are_refused_and_nothing_is_saved(db, english, which, message):
    w = _world(db)
    ids = {"later": [w["cases"][0].id, w["later"].id], "foreign": [w["foreign"].id], "none": []}
    with clock.frozen(date(2026, 12, 7)), pytest.raises(OperationError) as err:
        operations.create_check(
            w["lead"], w["inspection"], ids[which], w["lead"].id, [], DUE, date(2026, 12, 18)
        )
    assert message in str(err.value.message)
    db.session.rollback()
    for model in (ImplementationCheck, CheckedCase, Document, DocumentItem):
        assert db.session.execute(select(func.count()).select_from(model)).scalar_one() == 0


def test_a_case_is_covered_by_one_decision_per_deadline(db, english):
    w = _world(db)
    _decide(db, w, date(2026, 12, 7), [w["cases"][0].id])
    with clock.frozen(date(2026, 12, 8)), pytest.raises(OperationError) as err:
        operations.create_check(
            w["lead"], w["inspection"], [w["cases"][0].id], w["lead"].id, [], DUE, DUE
        )
    assert "another check decision" in err.value.message


def test_other_refusals(db, english):
    w = _world(db)
    args = (w["lead"], w["inspection"], [w["cases"][0].id])
    with clock.frozen(date(2026, 12, 7)):
        with pytest.raises(OperationError, match="before its start"):
            operations.create_check(*args, w["lead"].id, [], date(2026, 12, 9), date(2026, 12, 8))
        with pytest.raises(OperationError, match="team leader"):
            operations.create_check(*args, w["leader"].id, [], DUE, DUE)
        check = operations.create_check(*args, w["lead"].id, [], DUE, DUE)
        with pytest.raises(OperationError, match="not been issued"):
            operations.record_minutes(w["lead"], check, DUE, "Biên bản", check.version)
        db.session.commit()
        # The case was answered meanwhile: the decision is no longer issuable.
        w["cases"][0].state = "answered"
        db.session.commit()
        with pytest.raises(OperationError, match="no longer open"):
            factories.issue_document(w["boss"], check.document)
        db.session.rollback()
        w["cases"][0].state = "open"
        db.session.commit()
        factories.issue_document(w["boss"], check.document)
        db.session.commit()
        with pytest.raises(OperationError, match="Record the minutes"):
            operations.record_results(
                w["lead"], check, {w["cases"][0].id: ("done", "x")}, check.version
            )
        with pytest.raises(OperationError, match="before the decision"):
            operations.record_minutes(w["lead"], check, DUE, "Biên bản", check.version)
        operations.record_minutes(w["lead"], check, date(2026, 12, 7), "Biên bản", check.version)
        with pytest.raises(OperationError, match="does not cover"):
            operations.record_results(
                w["lead"], check, {w["later"].id: ("done", "x")}, check.version
            )
        with pytest.raises(OperationError, match="what the check found"):
            operations.record_results(
                w["lead"], check, {w["cases"][0].id: ("done", " ")}, check.version
            )
    assert not any(i.outcome for i in check.items)


def test_unsigned_conclusion_cannot_be_checked(db, english):
    w = _world(db)
    reported = factories.make_inspection(state="reported", lead=w["lead"])
    case = factories.make_case(inspection=reported, due=DUE)
    with clock.frozen(date(2026, 12, 7)), pytest.raises(OperationError, match="not been signed"):
        operations.create_check(w["lead"], reported, [case.id], w["lead"].id, [], DUE, DUE)


# --- pages -----------------------------------------------------------------------------------


def test_pages_create_record_and_show(db, login_as):
    w = _world(db)
    clock.freeze(date(2026, 12, 7))
    c = login_as(w["lead"])
    page = c.get(f"/implementation-checks/new?inspection={w['inspection'].id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Kiến nghị 1" in body and "Kiến nghị 2" in body
    assert f'name="case_ids" value="{w["later"].id}"' not in body  # not overdue: not offered
    form = {
        "inspection_id": w["inspection"].id,
        "case_ids": [w["cases"][0].id, w["foreign"].id],
        "lead_id": w["lead"].id,
        "period_start": "2026-12-08",
        "period_end": "2026-12-18",
    }
    refused = c.post(f"/implementation-checks/new?inspection={w['inspection'].id}", data=form)
    assert refused.status_code == 422
    assert "thuộc kết luận khác" in refused.get_data(as_text=True)
    form["case_ids"] = [w["cases"][0].id]
    done = c.post(f"/implementation-checks/new?inspection={w['inspection'].id}", data=form)
    assert done.status_code == 303
    check = db.session.execute(select(ImplementationCheck)).scalar_one()
    factories.issue_document(w["boss"], check.document)
    db.session.commit()
    url = f"/implementation-checks/{check.id}"
    assert (
        c.post(
            f"{url}/minutes",
            data={
                "version": check.version,
                "minutes_date": "2026-12-07",
                "minutes_summary": "Biên bản",
            },
        ).status_code
        == 303
    )
    db.session.refresh(check)
    bad = c.post(f"{url}/results", data={"version": check.version})
    assert bad.status_code == 422
    case_id = w["cases"][0].id
    r = c.post(
        f"{url}/results",
        data={
            "version": check.version,
            f"outcome_{case_id}": "partly_done",
            f"found_{case_id}": "Mới thực hiện một phần",
        },
    )
    assert r.status_code == 303
    shown = c.get(url).get_data(as_text=True)
    assert "Mới thực hiện một phần" in shown and "01/QĐ-TTr" in shown
    # The unit's leader sees the issued decision about their unit; another unit's leader not.
    assert login_as(w["leader"]).get(url).status_code == 200
    assert login_as("unit_leader").get(url).status_code == 404
    listing = c.get("/implementation-checks").get_data(as_text=True)
    assert "01/QĐ-TTr" in listing
    case_page = c.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Mới thực hiện một phần" in case_page  # on the case's timeline


def test_list_uses_constant_queries(db, login_as, count_queries):
    lead = factories.make_user("lead_inspector")

    def add(n):
        for _ in range(n):
            inspection = factories.make_inspection(state="monitoring", lead=lead)
            cases = [factories.make_case(inspection=inspection, due=DUE) for _ in range(2)]
            operations.create_check(lead, inspection, [x.id for x in cases], lead.id, [], DUE, DUE)
        db.session.commit()

    with clock.frozen(date(2026, 12, 7)):
        c = login_as("leadership")
        add(2)
        with count_queries() as few:
            assert c.get("/implementation-checks").status_code == 200
        add(10)
        with count_queries() as many:
            r = c.get("/implementation-checks")
    assert r.status_code == 200 and r.get_data(as_text=True).count("/implementation-checks/") >= 12
    assert many() == few()


def test_api_checks_and_their_results(db, client, api):
    w = _world(db)
    clock.freeze(date(2026, 12, 7))
    headers, _lead = api(w["lead"])
    body = {
        "inspection_id": w["inspection"].id,
        "case_ids": [w["cases"][0].id, w["foreign"].id],
        "lead_id": w["lead"].id,
        "period_start": "2026-12-08",
        "period_end": "2026-12-18",
    }
    refused = client.post("/api/v1/implementation-checks", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    body["case_ids"] = [c.id for c in w["cases"]]
    r = client.post("/api/v1/implementation-checks", json=body, headers=headers)
    assert r.status_code == 201, r.get_json()
    created = r.get_json()
    assert created["decision"]["state"] == "draft" and created["decision"]["number"] is None
    assert [c["case_id"] for c in created["cases"]] == [c.id for c in w["cases"]]
    check = db.session.get(ImplementationCheck, created["id"])
    factories.issue_document(w["boss"], check.document)
    db.session.commit()
    url = f"/api/v1/implementation-checks/{check.id}"
    r = client.post(
        f"{url}/minutes",
        json={"version": check.version, "minutes_date": "2026-12-07", "minutes_summary": "BB"},
        headers=headers,
    )
    assert r.status_code == 200, r.get_json()
    case_id = w["cases"][1].id
    r = client.post(
        f"{url}/results",
        json={
            "version": r.get_json()["version"],
            "results": [{"case_id": case_id, "outcome": "not_done", "found": "Chưa làm"}],
        },
        headers=headers,
    )
    assert r.status_code == 200, r.get_json()
    got = client.get(url, headers=headers).get_json()
    assert got["decision"]["number_label"] == "01/QĐ-TTr" and got["decision"]["signer_name"]
    assert {c["case_id"]: c["outcome"] for c in got["cases"]}[case_id] == "not_done"
    listing = client.get("/api/v1/implementation-checks", headers=headers).get_json()
    assert [i["id"] for i in listing["items"]] == [check.id]
    other_headers, _ = api("unit_leader")
    assert client.get(url, headers=other_headers).status_code == 404
