"""Repeat signal at entry: the case form says when the unit already violated the chosen legal
basis within the repeat window (the rule analytics counts repeats with), with links."""

from datetime import date

import pytest

from inspect_app.cases.queries import prior_violations
from inspect_app.core.roles import Role
from tests import factories as f


@pytest.fixture()
def world(db):
    unit = f.make_unit("UBND xã Đồng Văn")
    lead = f.make_user(Role.LEAD_INSPECTOR)
    ref, other_ref = f.make_legal_reference(), f.make_legal_reference()

    def concluded(year):
        return f.make_inspection(
            state="monitoring", target_unit=unit, conclusion_date=date(year, 3, 1),
            conclusion_number=f"{year}/KL-TTr", start_date=date(year - 1, 9, 1),
            planned_end_date=date(year - 1, 10, 1),
        )  # fmt: skip

    earlier = f.make_case(concluded(2025), legal_reference=ref, title="Sai phạm năm 2025")
    old = f.make_case(concluded(2021), legal_reference=other_ref, title="Sai phạm cũ")
    withdrawn = f.make_case(concluded(2025), legal_reference=other_ref, state="withdrawn")
    new = f.make_inspection(state="reported", target_unit=unit, lead=lead)
    f.make_finding(new)
    db.session.commit()
    return locals()


def test_the_form_signals_a_repeat_with_a_link(db, login_as, world):
    client = login_as(world["lead"])
    url = f"/cases/new/{world['new'].id}?legal_reference_id={world['ref'].id}"
    body = client.get(url).get_data(as_text=True)
    assert "data-repeats=" in body
    assert f'href="/cases/{world["earlier"].id}"' in body
    assert world["earlier"].reference in body


def test_no_signal_outside_the_window_for_withdrawn_or_another_unit(db, login_as, world):
    client = login_as(world["lead"])
    new = world["new"]
    body = client.get(f"/cases/new/{new.id}?legal_reference_id={world['other_ref'].id}")
    assert "data-repeats=" not in body.get_data(as_text=True)  # 2021: 5 years; withdrawn
    elsewhere = f.make_unit()
    db.session.commit()
    url = f"/cases/new/{new.id}?legal_reference_id={world['ref'].id}&responsible_unit_id={elsewhere.id}"
    assert "data-repeats=" not in client.get(url).get_data(as_text=True)
    assert "data-repeats=" not in client.get(f"/cases/new/{new.id}").get_data(as_text=True)


def test_htmx_refresh_on_choosing_the_legal_basis(db, login_as, world):
    client = login_as(world["lead"])
    url = f"/cases/new/{world['new'].id}"
    body = client.get(url).get_data(as_text=True)
    # The legal basis and the unit refresh the signal only (what was typed elsewhere stays:
    # the browser journey types during the request), into a container always on the page.
    assert 'hx-target="#repeat-signal" hx-select="#repeat-signal"' in body
    assert '<div id="repeat-signal" aria-live="polite">' in body and "data-repeats=" not in body
    url += f"?legal_reference_id={world['ref'].id}"
    body = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert body.lstrip().startswith("<form") and 'id="repeat-signal"' in body
    assert 'data-repeats="1"' in body


def test_the_rule_follows_visibility_and_the_window(db, world):
    leader = f.make_user(Role.UNIT_LEADER, unit=f.make_unit())
    admin = f.make_user(Role.ADMIN)
    unit_id, ref = world["unit"].id, world["ref"].id
    assert prior_violations(admin, unit_id, ref, date(2026, 6, 1)) == [world["earlier"]]
    assert prior_violations(admin, unit_id, ref, date(2028, 6, 1)) == [world["earlier"]]
    assert prior_violations(admin, unit_id, ref, date(2028, 6, 1), window=2) == []
    assert prior_violations(admin, unit_id, ref, date(2024, 6, 1)) == []  # not earlier
    assert prior_violations(leader, unit_id, ref, date(2026, 6, 1)) == []
