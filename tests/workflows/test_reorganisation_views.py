"""Reorganisation pages: admin only, preview then confirm, 422 on bad input, 409 when stale."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from inspect_app.cases.models import Case
from inspect_app.core import clock
from inspect_app.units.models import Unit, UnitEvent, UnitKind
from tests import factories as f

ROLES = ["anonymous", "admin", "inspector", "lead_inspector", "unit_leader", "leadership"]


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(date(2026, 3, 10)):
        yield


@pytest.fixture()
def communes(db):
    province = f.make_unit("Tỉnh", UnitKind.PROVINCE, code="TINH")
    a = f.make_unit("Xã An Bình", UnitKind.COMMUNE, province, code="XAB")
    b = f.make_unit("Xã Bình Minh", UnitKind.COMMUNE, province, code="XBM")
    open_case = f.make_case(f.make_inspection(state="monitoring", target_unit=a))
    closed = f.make_case(open_case.inspection, state="accepted", closed_at=clock.now())
    db.session.commit()
    return a, b, open_case, closed


def merge_form(a, b, **kw):
    data = {
        "source_ids": [str(a.id), str(b.id)],
        "new_code": "XAM",
        "new_name": "Xã An Minh",
        "new_kind": "commune",
        "effective_date": "2025-07-01",
        "decision_reference": "NQ 1656/NQ-UBTVQH15",
        "step": "preview",
    }
    data.update(kw)
    return data


def hidden_fields(html: str) -> dict:
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        fields.setdefault(name, []).append(value)
    return fields


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/admin/units/reorganise"),
        ("GET", "/admin/units/reorganise/merge"),
        ("GET", "/admin/units/reorganise/split"),
        ("POST", "/admin/units/reorganise/merge"),
        ("GET", "/admin/units/reorganise/events/{event}"),
    ],
)
def test_permissions(db, client, login_as, communes, role, method, path):
    a, b, *_ = communes
    event = UnitEvent(kind="rename", effective_date=date(2025, 1, 1), decision_reference="x")
    db.session.add(event)
    db.session.commit()
    c = client if role == "anonymous" else login_as(role)
    data = merge_form(a, b) if method == "POST" else None
    r = c.open(path.format(event=event.id), method=method, data=data)
    if role == "anonymous":
        assert r.status_code == 302 and urlsplit(r.headers["Location"]).path == "/login"
    elif role == "admin":
        assert r.status_code == 200
    else:
        assert r.status_code == 403
    # A preview changes nothing, whoever asks.
    assert db.session.execute(select(Unit).where(Unit.code == "XAM")).first() is None


def test_unknown_kind_and_event_are_404(db, login_as):
    admin = login_as("admin")
    assert admin.get("/admin/units/reorganise/explode").status_code == 404
    assert admin.get("/admin/units/reorganise/events/99999").status_code == 404
    assert admin.get("/admin/units/reorganise/events/99999999999").status_code == 404


def test_preview_then_confirm(db, login_as, communes):
    a, b, open_case, closed = communes
    admin = login_as("admin", locale="en")
    r = admin.post("/admin/units/reorganise/merge", data=merge_form(a, b))
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "Xã An Minh" in html and open_case.title in html
    assert re.search(r'data-kind="case">1<', html)
    assert db.session.execute(select(Unit).where(Unit.code == "XAM")).first() is None
    fields = hidden_fields(html)
    assert len(fields["digest"][0]) == 64
    confirm = {k: v if len(v) > 1 else v[0] for k, v in fields.items() if k != "csrf_token"}
    confirm["step"] = "confirm"
    r = admin.post("/admin/units/reorganise/merge", data=confirm)
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    new = db.session.execute(select(Unit).where(Unit.code == "XAM")).scalar_one()
    assert db.session.get(Case, open_case.id).responsible_unit_id == new.id
    assert db.session.get(Case, closed.id).responsible_unit_id == a.id
    page = admin.get(r.headers["Location"])
    assert page.status_code == 200 and "Xã An Bình" in page.get_data(as_text=True)
    # The tree today and on a date before the merger.
    today = admin.get("/admin/units").get_data(as_text=True)
    past = admin.get("/admin/units?as_of=2025-06-30").get_data(as_text=True)
    assert "Xã An Minh" in today
    assert "Xã An Bình" in past and "Xã An Minh" not in past
    assert admin.get("/admin/units/reorganise").status_code == 200


def test_stale_confirmation_is_409_with_the_new_preview(db, login_as, communes):
    a, b, open_case, _closed = communes
    admin = login_as("admin", locale="en")
    html = admin.post("/admin/units/reorganise/merge", data=merge_form(a, b)).get_data(as_text=True)
    digest = hidden_fields(html)["digest"][0]
    extra = f.make_case(f.make_inspection(state="monitoring", target_unit=b), title="Mới mở")
    db.session.commit()
    r = admin.post(
        "/admin/units/reorganise/merge", data=merge_form(a, b, step="confirm", digest=digest)
    )
    assert r.status_code == 409
    assert "Mới mở" in r.get_data(as_text=True)
    assert db.session.execute(select(Unit).where(Unit.code == "XAM")).first() is None
    assert db.session.get(Case, extra.id).responsible_unit_id == b.id


@pytest.mark.parametrize(
    "changes",
    [
        {"effective_date": "not a date"},
        {"effective_date": "2030-01-01"},
        {"decision_reference": ""},
        {"source_ids": ["abc"]},
        {"source_ids": ["99999999"]},
        {"new_name": ""},
        {"digest": "short", "step": "confirm"},
        {"note": "bad\x00char"},
    ],
)
def test_bad_input_is_422(db, login_as, communes, changes):
    a, b, *_ = communes
    admin = login_as("admin")
    r = admin.post("/admin/units/reorganise/merge", data=merge_form(a, b, **changes))
    assert r.status_code == 422
    assert db.session.execute(select(Unit).where(Unit.code == "XAM")).first() is None


def test_split_allocation_through_the_page(db, login_as, communes):
    a, _b, open_case, _closed = communes
    admin = login_as("admin", locale="en")
    form = {
        "unit_id": str(a.id),
        "new_code_0": "XA1",
        "new_name_0": "Xã An Bình Bắc",
        "new_code_2": "XA2",
        "new_name_2": "Xã An Bình Nam",
        "effective_date": "2025-07-01",
        "decision_reference": "NQ 9",
        "step": "preview",
    }
    html = admin.post("/admin/units/reorganise/split", data=form).get_data(as_text=True)
    assert f'name="alloc-case:{open_case.id}"' in html
    form[f"alloc-case:{open_case.id}"] = "new:1"
    html = admin.post("/admin/units/reorganise/split", data=form).get_data(as_text=True)
    form["digest"] = hidden_fields(html)["digest"][0]
    form["step"] = "confirm"
    r = admin.post("/admin/units/reorganise/split", data=form)
    assert r.status_code == 303
    south = db.session.execute(select(Unit).where(Unit.code == "XA2")).scalar_one()
    assert db.session.get(Case, open_case.id).responsible_unit_id == south.id


def test_rename_and_move_pages(db, login_as, communes):
    a, b, *_ = communes
    admin = login_as("admin", locale="en")
    base = {"effective_date": "2025-07-01", "decision_reference": "QĐ 3"}
    for kind, data in (
        ("rename", {"unit_id": a.id, "new_name": "Phường An Bình"}),
        ("move", {"unit_id": b.id, "new_parent_id": a.id}),
    ):
        html = admin.post(
            f"/admin/units/reorganise/{kind}", data=base | data | {"step": "preview"}
        ).get_data(as_text=True)
        digest = hidden_fields(html)["digest"][0]
        r = admin.post(
            f"/admin/units/reorganise/{kind}",
            data=base | data | {"step": "confirm", "digest": digest},
        )
        assert r.status_code == 303, kind
    assert db.session.get(Unit, a.id).name == "Phường An Bình"
    assert db.session.get(Unit, b.id).parent_id == a.id
    assert "Xã An Bình" in admin.get("/admin/units").get_data(as_text=True)  # formerly ...
