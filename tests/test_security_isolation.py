"""Cross-unit isolation in lists: a unit leader of another unit finds nothing of unit A in the
pages, fragments or API lists, and nothing in their counts (record URLs: permission matrix)."""

from __future__ import annotations

from inspect_app.api import operations as tokens
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
