"""Cross-unit isolation in lists: a unit leader of another unit finds nothing of unit A in the
pages, fragments or API lists, and nothing in their counts (record URLs: permission matrix)."""

from __future__ import annotations

from inspect_app.auth import tokens
from tests import factories as f

TITLE = "Bí mật đơn vị A"


def test_other_units_records_are_absent_from_lists_and_counts(db, login_as, client):
    unit_a, unit_b = f.make_unit(), f.make_unit()
    inspection = f.make_inspection("monitoring", target_unit=unit_a, title=TITLE + " (cuộc)")
    f.make_case(inspection=inspection, title=TITLE)
    leader = f.make_user("unit_leader", unit=unit_b)
    _t, secret = tokens.create_token(leader, "x")
    db.session.commit()
    c = login_as(leader)
    for url in ("/cases", "/inspections/", "/cases?q=B%C3%AD", "/"):
        for headers in ({}, {"HX-Request": "true"}):
            body = c.get(url, headers=headers).get_data(as_text=True)
            assert TITLE not in body, url
    auth = {"Authorization": f"Bearer {secret}"}
    for url in ("/api/v1/cases", "/api/v1/inspections", "/api/v1/cases?q=B%C3%AD"):
        r = client.get(url, headers=auth)
        assert r.status_code == 200
        assert r.get_json()["total"] == 0 and r.get_json()["items"] == [], url
    units = client.get("/api/v1/units", headers=auth).get_json()
    assert [u["id"] for u in units["items"]] == [unit_b.id]


def test_other_units_answers_extensions_documents_are_hidden_from_the_api(
    db, client, app, tmp_path
):
    """A unit leader of unit B: 404 on unit A's answers, extension requests, documents and
    delegations by URL, and none of them in list totals."""
    from datetime import timedelta

    from inspect_app.core import clock
    from inspect_app.deputies.models import Delegation
    from inspect_app.extension_requests.models import ExtensionRequest

    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    unit_a, unit_b = f.make_unit(), f.make_unit()
    leader_a = f.make_user("unit_leader", unit=unit_a)
    case = f.make_case(
        inspection=f.make_inspection("monitoring", target_unit=unit_a),
        state="open",
        title=TITLE,
        due=clock.today() - timedelta(days=20),
    )
    f.make_case_answer(case, leader_a, kind="progress", text=TITLE)
    ext = ExtensionRequest(
        case_id=case.id,
        requested_date=case.due_date + timedelta(days=40),
        previous_due_date=case.due_date,
        reason=TITLE,
        requested_by_id=leader_a.id,
    )
    delegation = Delegation(
        principal_id=leader_a.id,
        deputy_id=f.make_user("unit_leader", unit=unit_a).id,
        unit_id=unit_a.id,
        starts_on=clock.today(),
        ends_on=clock.today() + timedelta(days=5),
    )
    db.session.add_all([ext, delegation])
    letter = f.make_urging_letter(case, clock.today())
    f.issue_document(f.make_user("admin"), letter)
    leader_b = f.make_user("unit_leader", unit=unit_b)
    _t, secret = tokens.create_token(leader_b, "x")
    _t, secret_a = tokens.create_token(leader_a, "a")
    db.session.commit()
    auth = {"Authorization": f"Bearer {secret}"}
    for url in (
        f"/api/v1/cases/{case.id}/answers",
        f"/api/v1/cases/{case.id}/extensions",
        f"/api/v1/extensions/{ext.id}",
        f"/api/v1/documents/{letter.id}",
        f"/api/v1/documents/{letter.id}/pdf",
        f"/api/v1/documents/{letter.id}/csv",
        f"/api/v1/documents/{letter.id}/xlsx",
        f"/api/v1/deputies/{delegation.id}",
        f"/api/v1/units/{unit_a.id}/history",
    ):
        r = client.get(url, headers=auth)
        assert r.status_code == 404, url
        assert TITLE not in r.get_data(as_text=True), url
    for url, body in (
        (f"/api/v1/cases/{case.id}/extensions", {"reason": "x"}),
        (f"/api/v1/extensions/{ext.id}/cancel", {"version": 1}),
        (f"/api/v1/deputies/{delegation.id}/revoke", {"version": 1}),
    ):
        assert client.post(url, headers=auth, json=body).status_code == 404, url
    r = client.post(f"/api/v1/cases/{case.id}/progress", headers=auth, data={"text": "x"})
    assert r.status_code == 404
    for url in ("/api/v1/documents", "/api/v1/deputies"):
        listed = client.get(url, headers=auth).get_json()
        assert listed["total"] == 0 and listed["items"] == [], url
    # The same URLs answer unit A's own leader: the 404s above are about the unit, not the URL.
    own = {"Authorization": f"Bearer {secret_a}"}
    assert client.get(f"/api/v1/documents/{letter.id}", headers=own).status_code == 200
    assert client.get(f"/api/v1/extensions/{ext.id}", headers=own).status_code == 200
    assert client.get("/api/v1/documents", headers=own).get_json()["total"] == 1
