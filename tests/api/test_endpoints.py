"""The JSON API: lists like the pages, named actions through the same operations, problem
details with the right status, constant query counts, and cross-unit isolation."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from inspect_app import create_app
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from tests import factories as f


def test_cases_list_is_filtered_paginated_and_scoped(db, client, api):
    unit = f.make_unit()
    other = f.make_unit()
    mine = [
        f.make_case(inspection=f.make_inspection("monitoring", target_unit=unit)) for _ in range(3)
    ]
    theirs = f.make_case(inspection=f.make_inspection("monitoring", target_unit=other))
    f.make_case(inspection=mine[0].inspection, state="accepted")
    admin, _ = api("admin")
    r = client.get("/api/v1/cases?per_page=2&page=1", headers=admin)
    assert r.status_code == 200
    body = r.get_json()
    assert body["total"] == 5 and body["pages"] == 3 and len(body["items"]) == 2
    r = client.get("/api/v1/cases?state=accepted", headers=admin)
    assert [c["state"] for c in r.get_json()["items"]] == ["accepted"]

    leader, _ = api("unit_leader", unit=unit)
    r = client.get("/api/v1/cases", headers=leader)
    seen = {c["id"] for c in r.get_json()["items"]}
    assert theirs.id not in seen and {c.id for c in mine} <= seen
    assert r.get_json()["total"] == 4
    # Naming the other unit in the filter does not widen what a leader sees.
    r = client.get(f"/api/v1/cases?unit={other.id}", headers=leader)
    assert r.get_json()["total"] == 0 and r.get_json()["items"] == []


@pytest.mark.parametrize(
    "url",
    ["/api/v1/cases", "/api/v1/inspections", "/api/v1/findings", "/api/v1/plans", "/api/v1/units"],
)
def test_lists_use_a_constant_number_of_queries(db, client, api, count_queries, url):
    headers, user = api("admin")

    def grow():
        inspection = f.make_inspection("monitoring", members=[f.make_user("inspector")])
        f.make_finding(inspection=inspection)
        f.make_case(inspection=inspection)
        f.make_plan_item(plan=f.make_plan(), fields=[f.make_field()])
        db.session.commit()

    grow()
    client.get(url, headers=headers)  # the token's first use is written once a minute
    with count_queries() as small:
        assert client.get(url, headers=headers).status_code == 200
    for _ in range(4):
        grow()
    with count_queries() as large:
        r = client.get(url, headers=headers)
        assert r.status_code == 200
    assert len(r.get_json()["items"]) > 1
    assert large() == small()


def test_case_actions_go_through_the_operations(db, client, api):
    lead = f.make_user("lead_inspector")
    inspection = f.make_inspection("monitoring", lead=lead)
    case = f.make_case(inspection=inspection, state="answered")
    db.session.commit()
    headers, _ = api(lead)
    # A stale version: 409, nothing changed.
    r = client.post(
        f"/api/v1/cases/{case.id}/accept", json={"version": case.version + 1}, headers=headers
    )
    assert r.status_code == 409
    assert r.mimetype == "application/problem+json"
    assert db.session.get(Case, case.id).state == CaseState.ANSWERED
    # Missing field: 422 with the field named.
    r = client.post(
        f"/api/v1/cases/{case.id}/reject", json={"version": case.version}, headers=headers
    )
    assert r.status_code == 422
    assert "reason" in r.get_json()["errors"]
    r = client.post(
        f"/api/v1/cases/{case.id}/accept", json={"version": case.version}, headers=headers
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["state"] == "accepted"
    assert db.session.get(Case, case.id).state == CaseState.ACCEPTED
    # Not possible any more in this state: refused with a message, not a 500.
    r = client.post(
        f"/api/v1/cases/{case.id}/accept",
        json={"version": r.get_json()["version"]},
        headers=headers,
    )
    assert r.status_code in (409, 422)
    assert r.get_json()["detail"]


def test_actions_are_checked_like_the_pages(db, client, api):
    case = f.make_case(state="answered")
    db.session.commit()
    outsider, _ = api("inspector")  # an inspector not on the team
    r = client.post(
        f"/api/v1/cases/{case.id}/accept", json={"version": case.version}, headers=outsider
    )
    assert r.status_code == 403
    leader, _ = api("unit_leader", unit=case.responsible_unit)
    r = client.post(
        f"/api/v1/cases/{case.id}/accept", json={"version": case.version}, headers=leader
    )
    assert r.status_code == 403
    assert db.session.get(Case, case.id).state == CaseState.ANSWERED


def test_bad_bodies_are_400_or_422_never_500(db, client, api):
    case = f.make_case(state="answered")
    db.session.commit()
    headers, _ = api("admin")
    url = f"/api/v1/cases/{case.id}/reject"
    for kwargs in (
        {"data": "not json", "content_type": "application/json"},
        {"data": "version=1", "content_type": "application/x-www-form-urlencoded"},
        {"json": [1, 2, 3]},
        {"json": "text"},
        # Nested 1,000 levels deep: refused before parsing, not a RecursionError.
        {"data": '{"reason": ' + "[" * 1000 + "]" * 1000 + "}", "content_type": "application/json"},
    ):
        r = client.post(url, headers=headers, **kwargs)
        assert r.status_code == 400, kwargs
        assert r.get_json()["status"] == 400
    for body in (
        {"version": "x", "reason": "ok"},
        {"version": 2**40, "reason": "ok"},
        {"version": 1, "reason": "a\x00b"},
        {"version": 1, "reason": "x" * 3000},
        {"version": 1, "reason": ["list"]},
        {"version": 1, "reason": "ok", "due_date": "31/02/2026"},
        {"version": 1, "reason": "ok", "due_date": "9999-12-31"},
    ):
        r = client.post(url, json=body, headers=headers)
        assert r.status_code == 422, body
        problem = r.get_json()
        assert set(problem) >= {"type", "status", "title", "detail", "errors"}
    assert db.session.get(Case, case.id).state == CaseState.ANSWERED


def test_unknown_ids_and_methods(db, client, api):
    headers, _ = api("admin")
    assert client.get("/api/v1/cases/999999", headers=headers).status_code == 404
    assert client.get(f"/api/v1/cases/{2**40}", headers=headers).status_code == 404
    r = client.delete("/api/v1/cases", headers=headers)
    assert r.status_code == 405 and r.is_json
    assert client.get("/api/v1/nothing", headers=headers).get_json()["status"] == 404


def test_anonymous_gets_401_problem(db, client):
    r = client.get("/api/v1/cases")
    assert r.status_code == 401
    assert r.mimetype == "application/problem+json"
    assert r.get_json()["status"] == 401


def test_request_too_large_is_413_json(db, client, api):
    headers, _ = api("admin")
    case = f.make_case()
    db.session.commit()
    limit = client.application.config["MAX_CONTENT_LENGTH"]
    r = client.post(
        f"/api/v1/cases/{case.id}/withdraw",
        data=b"{" + b" " * limit + b"}",
        content_type="application/json",
        headers=headers,
    )
    assert r.status_code == 413
    assert r.mimetype == "application/problem+json" and r.get_json()["status"] == 413


def test_api_is_rate_limited_with_a_json_429():
    """Per token or client address; the limiter is one shared object: restore it afterwards."""
    from inspect_app.extensions import limiter

    enabled = limiter.enabled
    try:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "rate-limit-test",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "RATELIMIT_ENABLED": True,
                "RATELIMIT_STORAGE_URI": "memory://",
                "RATELIMIT_API": "3 per minute",
            }
        )
        client = app.test_client()
        statuses = [client.get("/api/v1/cases").status_code for _ in range(5)]
        assert statuses == [401, 401, 401, 429, 429]
        r = client.get("/api/v1/cases")
        assert r.mimetype == "application/problem+json" and r.get_json()["status"] == 429
        assert "Retry-After" in r.headers
        # Another client address has its own budget.
        other = client.get("/api/v1/cases", environ_base={"REMOTE_ADDR": "10.9.9.9"})
        assert other.status_code == 401
    finally:
        limiter.enabled = enabled


def test_inspection_transitions_and_findings(db, client, api):
    lead = f.make_user("lead_inspector")
    member = f.make_user("inspector")
    inspection = f.make_inspection("planned", lead=lead, members=[member])
    inspection.onsite_started_on = None
    db.session.commit()
    lead_h, _ = api(lead)
    member_h, _ = api(member)
    r = client.post(f"/api/v1/inspections/{inspection.id}/start", json={}, headers=member_h)
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/inspections/{inspection.id}/start",
        json={"version": inspection.version},
        headers=lead_h,
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["state"] == "in_progress"
    r = client.post(
        f"/api/v1/inspections/{inspection.id}/findings",
        json={"description": "Thiếu hồ sơ", "severity": "high", "observed_at": "2026-03-05T09:30"},
        headers=member_h,
    )
    assert r.status_code == 201, r.get_json()
    finding_id = r.get_json()["id"]
    r = client.get(f"/api/v1/findings/{finding_id}", headers=member_h)
    assert r.get_json()["description"] == "Thiếu hồ sơ" and r.get_json()["files"] == []


def test_notifications_are_the_callers_own(db, client, api):
    from inspect_app.notifications.operations import notify

    headers, user = api("inspector")
    other = f.make_user("inspector")
    mine = notify(user, "test", "Xin chào")
    theirs = notify(other, "test", "Không phải của bạn")
    db.session.commit()
    r = client.get("/api/v1/notifications", headers=headers)
    assert [n["id"] for n in r.get_json()["items"]] == [mine.id]
    assert client.get("/api/v1/notifications/unread", headers=headers).get_json() == {"unread": 1}
    assert (
        client.post(f"/api/v1/notifications/{theirs.id}/read", headers=headers).status_code == 404
    )
    r = client.post(f"/api/v1/notifications/{mine.id}/read", headers=headers)
    assert r.status_code == 200 and r.get_json()["read_at"]


def test_plans_and_units_and_users(db, client, api):
    admin, _ = api("admin")
    r = client.post(
        "/api/v1/units",
        json={"code": "SNV2", "name": "Sở Nội vụ 2", "kind": "department", "active": True},
        headers=admin,
    )
    assert r.status_code == 201, r.get_json()
    unit_id = r.get_json()["id"]
    r = client.post(
        "/api/v1/units", json={"code": "SNV2", "name": "Trùng", "kind": "department"}, headers=admin
    )
    assert r.status_code == 422 and "code" in r.get_json()["errors"]
    lead, _ = api("lead_inspector")
    r = client.post(
        "/api/v1/plans",
        json={"year": 2027, "title": "Kế hoạch 2027", "issuing_unit_id": unit_id},
        headers=lead,
    )
    assert r.status_code == 201, r.get_json()
    plan = r.get_json()
    r = client.post(
        f"/api/v1/plans/{plan['id']}/approve", json={"version": plan["version"]}, headers=lead
    )
    assert r.status_code == 403
    leader, _ = api("unit_leader")
    assert client.get("/api/v1/plans", headers=leader).status_code == 403
    assert client.get(f"/api/v1/units/{unit_id}", headers=leader).status_code == 404
    assert client.get("/api/v1/users", headers=admin).get_json()["total"] >= 3


def test_openapi_document_and_page(db, client, api, app):
    headers, _ = api("inspector")
    r = client.get("/api/v1/openapi.json", headers=headers)
    assert r.status_code == 200
    spec = r.get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/cases/{case_id}/accept" in spec["paths"]
    assert "CaseOut" in spec["components"]["schemas"]
    # Every API route is in the document (none forgotten).
    documented = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        and getattr(app.view_functions[rule.endpoint], "_api_doc", None) is not None
    }
    all_api = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert all_api - documented == {"api.openapi", "api.docs"}
    ops = {op["operationId"] for ops in spec["paths"].values() for op in ops.values()}
    assert {e.removeprefix("api.") for e in documented} == ops
    c = client
    page = c.get("/api/v1/docs", headers=headers)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/cases/{case_id}/accept" in html and "cdn" not in html.lower()
    assert "<script>" not in html


def test_evidence_download_through_the_api(db, client, api, app, tmp_path):
    import io

    from werkzeug.datastructures import FileStorage

    from inspect_app.findings import operations as finding_operations

    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    unit, other = f.make_unit(), f.make_unit()
    inspection = f.make_inspection(target_unit=unit)
    finding = f.make_finding(inspection=inspection)
    evidence = finding_operations.add_evidence(
        inspection.lead,
        finding,
        FileStorage(io.BytesIO(b"%PDF-1.4\n%test\n"), "bb.pdf", "application/pdf"),
    )
    db.session.commit()
    staff, _ = api("leadership")
    r = client.get(f"/api/v1/evidence/{evidence.id}", headers=staff)
    assert r.status_code == 200 and r.get_json()["sha256"] == evidence.sha256
    r = client.get(r.get_json()["download_url"], headers=staff)
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    stranger, _ = api("unit_leader", unit=other)
    assert client.get(f"/api/v1/evidence/{evidence.id}", headers=stranger).status_code == 404
    assert (
        client.get(f"/api/v1/evidence/{evidence.id}/download", headers=stranger).status_code == 404
    )
    assert client.get(f"/api/v1/findings/{finding.id}", headers=stranger).status_code == 404
    owner, _ = api("unit_leader", unit=unit)
    assert client.get(f"/api/v1/evidence/{evidence.id}/download", headers=owner).status_code == 200


def test_overdue_flag_uses_the_clock(db, client, api):
    with clock.frozen(date(2026, 10, 1)):
        late = f.make_case(due=date(2026, 9, 30))
        db.session.commit()
        headers, _ = api("admin")
        r = client.get(f"/api/v1/cases/{late.id}", headers=headers)
        assert r.get_json()["overdue"] is True
        r = client.get("/api/v1/cases?overdue=1", headers=headers)
        assert [c["id"] for c in r.get_json()["items"]] == [late.id]
    assert db.session.execute(select(Case)).scalars().first() is not None


def test_inspections_and_plan_items_list_the_ids_of_their_members_and_fields(db, client, api):
    field_a, field_b = f.make_field(), f.make_field()
    member = f.make_user("inspector")
    inspection = f.make_inspection("in_progress", members=[member], fields=[field_a, field_b])
    item = f.make_plan_item(fields=[field_b])
    db.session.commit()
    admin, _ = api("admin")
    body = client.get(f"/api/v1/inspections/{inspection.id}", headers=admin).get_json()
    assert body["member_ids"] == [member.id]
    assert sorted(body["field_ids"]) == sorted([field_a.id, field_b.id])
    lead, _ = api("lead_inspector")
    body = client.get(f"/api/v1/plans/{item.plan_id}", headers=lead).get_json()
    assert [i["field_ids"] for i in body["items"]] == [[field_b.id]]
