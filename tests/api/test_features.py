"""The API over answers, extension requests, deputies, analytics, documents and unit history:
the same operations as the pages (state changes, audit, refusals), problem details for bad
input, constant query counts on lists."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from inspect_app.answers.models import CaseAnswer
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.deputies.models import Delegation
from inspect_app.extension_requests.models import ExtensionRequest, ExtensionState
from inspect_app.reference.calendar import time_limit_end
from tests import factories as f

PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture()
def open_case(db):
    unit = f.make_unit()
    lead = f.make_user("lead_inspector")
    inspection = f.make_inspection("monitoring", target_unit=unit, lead=lead)
    case = f.make_case(inspection=inspection, state="open", due=clock.today() + timedelta(days=20))
    db.session.commit()
    return case


def test_final_answer_with_files_moves_the_case_and_lists_it(
    app, db, client, api, open_case, tmp_path
):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    headers, leader = api("unit_leader", unit=open_case.responsible_unit)
    form = {
        "text": "Đã nộp lại ngân sách",
        "completion_date": clock.today().isoformat(),
        "version": str(open_case.version),
        "idempotency_key": "key-final-0001",
        "files": [(io.BytesIO(PDF), "biên lai.pdf", "application/pdf")],
    }
    r = client.post(f"/api/v1/cases/{open_case.id}/answer", headers=headers, data=form)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["kind"] == "final" and body["author_id"] == leader.id
    assert [f_["original_name"] for f_ in body["files"]] == ["biên lai.pdf"]
    db.session.expire_all()
    assert db.session.get(Case, open_case.id).state == CaseState.ANSWERED
    # The same form again (a retry): the first answer, nothing new.
    form["files"] = []
    r = client.post(f"/api/v1/cases/{open_case.id}/answer", headers=headers, data=form)
    assert r.status_code == 200 and r.get_json()["id"] == body["id"]
    assert db.session.execute(select(CaseAnswer)).scalars().all().__len__() == 1
    # The answers of the case, with the file downloadable through the API.
    r = client.get(f"/api/v1/cases/{open_case.id}/answers", headers=headers)
    (item,) = r.get_json()["items"]
    download = client.get(item["files"][0]["download_url"], headers=headers)
    assert download.status_code == 200 and download.data == PDF
    # Once answered, another final answer is refused by the operation (422, nothing changes).
    form["idempotency_key"] = "key-final-0002"
    form["version"] = str(db.session.get(Case, open_case.id).version)
    r = client.post(f"/api/v1/cases/{open_case.id}/answer", headers=headers, data=form)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"


def test_answer_bad_input_stale_version_and_other_roles(db, client, api, open_case):
    headers, _leader = api("unit_leader", unit=open_case.responsible_unit)
    url = f"/api/v1/cases/{open_case.id}/progress"
    r = client.post(url, headers=headers, data={"version": str(open_case.version)})
    assert r.status_code == 422 and "text" in r.get_json()["errors"]
    r = client.post(url, headers=headers, data={"text": "Đang làm", "version": "999"})
    assert r.status_code == 409
    final = f"/api/v1/cases/{open_case.id}/answer"
    r = client.post(final, headers=headers, data={"text": "Xong", "version": open_case.version})
    assert r.status_code == 422 and "completion_date" in r.get_json()["errors"]
    # A leader of another unit does not learn that the case exists; staff may not answer.
    other, _ = api("unit_leader", unit=f.make_unit())
    assert client.post(url, headers=other, data={"text": "x"}).status_code == 404
    inspector, _ = api("inspector")
    assert client.post(url, headers=inspector, data={"text": "x"}).status_code == 403
    r = client.post(url, headers=headers, data={"text": "Đang làm", "version": open_case.version})
    assert r.status_code == 201 and r.get_json()["kind"] == "progress"
    db.session.expire_all()
    assert db.session.get(Case, open_case.id).state == CaseState.OPEN


def _ask_extension(client, headers, case, day, reason="Chờ kiểm toán"):
    """A unit's extension request through the API, for `day`."""
    return client.post(
        f"/api/v1/cases/{case.id}/extensions",
        headers=headers,
        json={"requested_date": day.isoformat(), "reason": reason, "version": 1},
    )


def test_extension_request_approve_and_history(db, client, api, open_case):
    headers, leader = api("unit_leader", unit=open_case.responsible_unit)
    # A working day: a day off would move the deadline to the next one (tested in cases/).
    new_date = time_limit_end(open_case.due_date + timedelta(days=15)).day
    r = _ask_extension(client, headers, open_case, new_date)
    assert r.status_code == 201, r.get_json()
    ext = r.get_json()
    assert ext["state"] == "pending" and ext["requested_by_id"] == leader.id
    assert ext["effective_date"] == ext["requested_date"] == new_date.isoformat()
    # A second one while the first is pending: refused by the operation.
    r = _ask_extension(client, headers, open_case, new_date, "Lần nữa")
    assert r.status_code == 422
    lead_headers, _ = api(open_case.inspection.lead)
    assert [
        e["id"] for e in client.get("/api/v1/extensions", headers=lead_headers).get_json()["items"]
    ] == [ext["id"]]
    # Only approvers decide; the requester cannot approve, another inspector neither.
    other_inspector, _ = api("inspector")
    url = f"/api/v1/extensions/{ext['id']}/approve"
    body = {"decision_reason": "Đồng ý", "version": ext["version"]}
    assert client.post(url, headers=other_inspector, json=body).status_code == 403
    assert client.post(url, headers=headers, json=body).status_code == 403
    assert client.post(url, headers=lead_headers, json={"version": 1}).status_code == 422
    # The conclusion is signed: the approval needs its deciding document, refused without.
    r = client.post(url, headers=lead_headers, json=body)
    assert r.status_code == 422 and "doc_number" in r.get_json()["errors"]
    r = client.post(url, headers=lead_headers, json={**body, **f.deciding_form()})
    assert r.status_code == 200 and r.get_json()["state"] == "approved"
    db.session.expire_all()
    assert db.session.get(Case, open_case.id).due_date == new_date
    # Deciding again with the old version: stale.
    assert client.post(url, headers=lead_headers, json=body).status_code == 409
    history = client.get(f"/api/v1/cases/{open_case.id}/extensions", headers=headers).get_json()
    assert history["approved"] == 1 and history["due_date"] == new_date.isoformat()
    assert [e["state"] for e in history["items"]] == ["approved"]


def test_extension_refuse_and_cancel(db, client, api, open_case):
    headers, leader = api("unit_leader", unit=open_case.responsible_unit)
    ext = ExtensionRequest(
        case_id=open_case.id,
        requested_date=open_case.due_date + timedelta(days=5),
        previous_due_date=open_case.due_date,
        reason="Lý do",
        requested_by_id=leader.id,
    )
    db.session.add(ext)
    db.session.commit()
    colleague, _ = api("unit_leader", unit=open_case.responsible_unit)
    url = f"/api/v1/extensions/{ext.id}/cancel"
    assert client.post(url, headers=colleague, json={"version": ext.version}).status_code == 403
    r = client.post(url, headers=headers, json={"version": ext.version})
    assert r.status_code == 200 and r.get_json()["state"] == "cancelled"
    admin, _ = api("admin")
    r = client.post(
        f"/api/v1/extensions/{ext.id}/refuse",
        headers=admin,
        json={"decision_reason": "Không", "version": r.get_json()["version"]},
    )
    assert r.status_code == 422  # decided (cancelled) already
    db.session.expire_all()
    assert db.session.get(ExtensionRequest, ext.id).state == ExtensionState.CANCELLED


def test_deputies_name_list_and_revoke(db, client, api):
    unit = f.make_unit()
    headers, principal = api("unit_leader", unit=unit)
    deputy = f.make_user("unit_leader", unit=unit)
    db.session.commit()
    today = clock.today()
    body = {
        "deputy_id": deputy.id,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=7)).isoformat(),
        "reason": "Đi công tác",
    }
    r = client.post("/api/v1/deputies", headers=headers, json=body)
    assert r.status_code == 201, r.get_json()
    delegation = r.get_json()
    assert delegation["principal_id"] == principal.id and delegation["unit_id"] == unit.id
    r = client.post("/api/v1/deputies", headers=headers, json={**body, "deputy_id": principal.id})
    assert r.status_code == 422 and "deputy_id" in r.get_json()["errors"]
    deputy_headers, _ = api(deputy)
    listed = client.get("/api/v1/deputies", headers=deputy_headers).get_json()
    assert [d["id"] for d in listed["items"]] == [delegation["id"]]
    url = f"/api/v1/deputies/{delegation['id']}/revoke"
    # The deputy sees it but may not revoke it; a stranger does not see it.
    assert client.post(url, headers=deputy_headers, json={"version": 1}).status_code == 403
    stranger, _ = api("unit_leader", unit=f.make_unit())
    assert client.get(f"/api/v1/deputies/{delegation['id']}", headers=stranger).status_code == 404
    assert client.post(url, headers=stranger, json={"version": 1}).status_code == 404
    r = client.post(url, headers=headers, json={"version": delegation["version"]})
    assert r.status_code == 200 and r.get_json()["revoked_at"]
    assert db.session.get(Delegation, delegation["id"]).revoked_at is not None


def test_analytics_figures_follow_the_page_parameters(db, client, api):
    unit = f.make_unit()
    inspection = f.make_inspection("monitoring", target_unit=unit, start_date=date(2025, 1, 6))
    f.make_case(inspection=inspection, state="open", due=date(2025, 6, 1))
    headers, _ = api("leadership")
    r = client.get("/api/v1/analytics?year_from=2024&year_to=2025&window=2", headers=headers)
    assert r.status_code == 200
    body = r.get_json()
    assert body["params"] == {"year_from": 2024, "year_to": 2025, "window": 2, "as_of": None}
    assert [(u["unit_id"], u["cases"]) for u in body["units"]] == [(unit.id, 1)]
    assert {row["year"] for row in body["rows"]} == {2025}
    # Bad values fall back to the defaults, as on the page.
    r = client.get("/api/v1/analytics?year_from=abc&window=99", headers=headers)
    assert r.status_code == 200 and r.get_json()["params"]["window"] == 3
    leader, _ = api("unit_leader", unit=unit)
    assert client.get("/api/v1/analytics", headers=leader).status_code == 403


def test_documents_list_detail_downloads_and_issue(app, db, client, api, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    unit = f.make_unit()
    case = f.make_case(
        inspection=f.make_inspection("monitoring", target_unit=unit),
        state="open",
        due=clock.today() - timedelta(days=30),
    )
    letter = f.make_urging_letter(case, clock.today())
    db.session.commit()
    admin, _ = api("admin")
    leader, _ = api("unit_leader", unit=unit)
    listed = client.get("/api/v1/documents?kind=urging", headers=admin).get_json()
    assert [d["id"] for d in listed["items"]] == [letter.id]
    detail = client.get(f"/api/v1/documents/{letter.id}", headers=admin).get_json()
    assert detail["state"] == "draft" and detail["items"][0]["case_id"] == case.id
    # A draft is not shown to the unit.
    assert client.get(f"/api/v1/documents/{letter.id}", headers=leader).status_code == 404
    assert client.get("/api/v1/documents", headers=leader).get_json()["total"] == 0
    r = client.get(f"/api/v1/documents/{letter.id}/csv", headers=admin)
    assert r.status_code == 200 and case.reference in r.data.decode("utf-8-sig")
    r = client.get(f"/api/v1/documents/{letter.id}/xlsx", headers=admin)
    assert r.status_code == 200 and r.data[:2] == b"PK"
    url = f"/api/v1/documents/{letter.id}/sign"
    assert client.post(url, headers=admin, json={}).status_code == 422
    inspector, _ = api("inspector")
    assert client.post(url, headers=inspector, json={"version": 1}).status_code == 403
    r = client.post(url, headers=admin, json={"version": detail["version"]})
    assert r.status_code == 200, r.get_json()
    signed = r.get_json()
    assert signed["state"] == "signed" and signed["number"] is None and signed["signed_at"]
    # The clerk registers it: the next number of the register, the PDF frozen, dispatched.
    register = f"/api/v1/documents/{letter.id}/register"
    assert client.post(register, headers=inspector, json={"version": 1}).status_code == 403
    taken_year = {"version": signed["version"], "number": 7, "year": clock.today().year - 1}
    wrong = client.post(register, headers=admin, json=taken_year)
    assert wrong.status_code == 422 and "year" in str(wrong.get_json())
    r = client.post(register, headers=admin, json={"version": signed["version"]})
    assert r.status_code == 200, r.get_json()
    issued = r.get_json()
    assert issued["state"] == "issued" and issued["number"] == 1 and issued["pdf_sha256"]
    assert issued["number_label"] == f"01/{issued['symbol']}" and issued["registered_on"]
    # Issued: the unit now sees its letter and gets the frozen PDF.
    assert client.get("/api/v1/documents", headers=leader).get_json()["total"] == 1
    pdf = client.get(f"/api/v1/documents/{letter.id}/pdf", headers=leader)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.post(url, headers=admin, json={"version": issued["version"]}).status_code in (
        409,
        422,
    )


def test_unit_history_and_events(db, client, api):
    from inspect_app.units.models import UnitEvent, UnitEventKind, UnitEventRole, UnitEventUnit

    old, new = f.make_unit(name="Phòng cũ"), f.make_unit(name="Phòng mới")
    event = UnitEvent(
        kind=UnitEventKind.MERGE, effective_date=date(2026, 1, 1), decision_reference="5/QĐ"
    )
    event.units = [
        UnitEventUnit(unit_id=old.id, role=UnitEventRole.SOURCE),
        UnitEventUnit(unit_id=new.id, role=UnitEventRole.TARGET),
    ]
    db.session.add(event)
    db.session.commit()
    admin, _ = api("admin")
    history = client.get(f"/api/v1/units/{new.id}/history", headers=admin).get_json()
    assert history["lineage_ids"] == sorted([old.id, new.id])
    events = client.get("/api/v1/unit-events", headers=admin).get_json()["items"]
    assert events[0]["decision_reference"] == "5/QĐ"
    assert {(u["unit_id"], u["role"]) for u in events[0]["units"]} == {
        (old.id, "source"),
        (new.id, "target"),
    }
    # The leader of the new unit sees its history, but not the other unit's id in the lineage.
    leader, _ = api("unit_leader", unit=new)
    mine = client.get(f"/api/v1/units/{new.id}/history", headers=leader).get_json()
    assert mine["lineage_ids"] == [new.id]
    assert client.get(f"/api/v1/units/{old.id}/history", headers=leader).status_code == 404
    assert client.get("/api/v1/unit-events", headers=leader).status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/extensions", "/api/v1/deputies", "/api/v1/documents"])
def test_new_lists_use_a_constant_number_of_queries(db, client, api, count_queries, url):
    headers, admin = api("admin")

    def add_rows(n):
        for _ in range(n):
            unit = f.make_unit()
            case = f.make_case(
                inspection=f.make_inspection("monitoring", target_unit=unit),
                state="open",
                due=clock.today() - timedelta(days=10),
            )
            a = f.make_user("unit_leader", unit=unit)
            b = f.make_user("unit_leader", unit=unit)
            db.session.add(
                ExtensionRequest(
                    case_id=case.id,
                    requested_date=case.due_date + timedelta(days=30),
                    previous_due_date=case.due_date,
                    reason="r",
                    requested_by_id=a.id,
                )
            )
            db.session.add(
                Delegation(
                    principal_id=a.id,
                    deputy_id=b.id,
                    unit_id=unit.id,
                    starts_on=clock.today(),
                    ends_on=clock.today() + timedelta(days=3),
                )
            )
            f.make_urging_letter(case, clock.today())
        db.session.commit()

    add_rows(2)
    client.get(url, headers=headers)  # the token notes its first use (one UPDATE) here
    with count_queries() as few:
        assert client.get(url, headers=headers).get_json()["total"] == 2
    add_rows(6)
    with count_queries() as many:
        assert client.get(url, headers=headers).get_json()["total"] == 8
    assert many() == few()


def test_an_extension_asked_for_a_day_off_says_the_deadline_it_would_set(
    db, client, api, open_case
):
    headers, _leader = api("unit_leader", unit=open_case.responsible_unit)
    day = open_case.due_date + timedelta(days=10)
    while day.weekday() != 6:  # a Sunday: never a make-up working day
        day += timedelta(days=1)
    r = _ask_extension(client, headers, open_case, day)
    assert r.status_code == 201, r.get_json()
    ext = r.get_json()
    assert ext["requested_date"] == day.isoformat()
    assert ext["effective_date"] == time_limit_end(day).day.isoformat() > day.isoformat()
