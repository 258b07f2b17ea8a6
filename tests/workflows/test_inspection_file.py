"""The inspection page's htmx transitions answer with every section whose controls changed."""

from __future__ import annotations

import re
from datetime import date

from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.extensions import db as _db
from tests import factories

TODAY = date(2026, 11, 25)


def test_team_report_by_htmx_brings_the_case_button_without_reload(db, login_as):
    clock.freeze(TODAY)
    lead = factories.make_user(Role.LEAD_INSPECTOR, locale="en")
    inspection = factories.make_inspection(state="onsite_ended", lead=lead)
    factories.make_finding(inspection)
    _db.session.commit()
    client = login_as(lead)
    page = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "New case from findings" not in page

    response = client.post(
        f"/inspections/{inspection.id}/report",
        data={"version": str(inspection.version)},
        headers={"HX-Request": "true"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="inspection"' in body and "Team report submitted" in body
    # The cases and findings sections come out of band, the case button now in the first.
    cases = re.search(r'<section[^>]*id="inspection-cases"[^>]*>(.*?)</section>', body, re.S)
    assert cases and 'hx-swap-oob="true"' in cases.group(0)
    assert f"/cases/new/{inspection.id}" in cases.group(1)
    findings = re.search(r'<section[^>]*id="inspection-findings"[^>]*>', body)
    assert findings and 'hx-swap-oob="true"' in findings.group(0)


def test_plain_form_transition_still_redirects(db, login_as):
    clock.freeze(TODAY)
    lead = factories.make_user(Role.LEAD_INSPECTOR)
    inspection = factories.make_inspection(state="planned", lead=lead)
    _db.session.commit()
    response = login_as(lead).post(
        f"/inspections/{inspection.id}/start", data={"version": str(inspection.version)}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/inspections/{inspection.id}")
