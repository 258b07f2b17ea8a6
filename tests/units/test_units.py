"""The unit tree pages: create, edit, move, cycles, duplicate codes, stale forms (issue 2)."""

from __future__ import annotations

import pytest

from inspect_app.core.audit import AuditEvent
from inspect_app.units.models import Unit, UnitKind
from inspect_app.units.queries import subtree_ids, tree_rows
from tests import factories


def body(response) -> str:
    return response.get_data(as_text=True)


def unit_data(unit: Unit, **changes) -> dict:
    data = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind.value,
        "parent_id": str(unit.parent_id or ""),
        "active": "1" if unit.active else "0",
        "version": str(unit.version),
    }
    data.update(changes)
    return data


@pytest.fixture()
def admin(login_as):
    return login_as("admin", locale="en")


@pytest.fixture()
def tree(db):
    """province > department > service unit, and a commune under the province."""
    province = factories.make_unit("Tỉnh", UnitKind.PROVINCE, code="TINH")
    department = factories.make_unit("Sở Nội vụ", UnitKind.DEPARTMENT, province, code="SNV")
    service = factories.make_unit(
        "Trung tâm Lưu trữ", UnitKind.SERVICE_UNIT, department, code="TTLT"
    )
    commune = factories.make_unit("UBND xã Bắc Quang", UnitKind.COMMUNE, province, code="XBQ")
    db.session.commit()
    return province, department, service, commune


def test_create_unit(db, admin, tree):
    province = tree[0]
    r = admin.post(
        "/admin/units/new",
        data={"code": " syt ", "name": "Sở Y tế", "kind": "department", "parent_id": province.id},
    )
    assert r.status_code == 303
    assert r.headers["Location"] == "/admin/units"
    unit = db.session.query(Unit).filter_by(code="SYT").one()  # codes are upper case
    assert (unit.name, unit.kind, unit.parent_id) == ("Sở Y tế", UnitKind.DEPARTMENT, province.id)
    event = db.session.query(AuditEvent).filter_by(action="unit_created").one()
    assert event.object_id == unit.id
    assert event.after["code"] == "SYT" and event.after["parent_id"] == province.id
    assert "Sở Y tế" in body(admin.get("/admin/units"))


def test_edit_unit(db, admin, tree):
    service = tree[2]
    r = admin.post(
        f"/admin/units/{service.id}", data=unit_data(service, name="Trung tâm Lưu trữ lịch sử")
    )
    assert r.status_code == 303
    db.session.expire_all()
    assert service.name == "Trung tâm Lưu trữ lịch sử"
    assert service.version == 2
    event = db.session.query(AuditEvent).filter_by(action="unit_updated").one()
    assert event.before["name"] == "Trung tâm Lưu trữ"
    assert event.after["name"] == "Trung tâm Lưu trữ lịch sử"


def test_deactivate_unit_with_the_checkbox_unticked(db, admin, tree):
    commune = tree[3]
    data = unit_data(commune)
    data["active"] = ["0"]  # only the hidden field: the checkbox is not sent when unticked
    assert admin.post(f"/admin/units/{commune.id}", data=data).status_code == 303
    db.session.expire_all()
    assert commune.active is False
    assert "Inactive" in body(admin.get("/admin/units"))


def test_move_unit_under_another_parent(db, admin, tree):
    province, department, service, commune = tree
    r = admin.post(f"/admin/units/{service.id}", data=unit_data(service, parent_id=commune.id))
    assert r.status_code == 303
    db.session.expire_all()
    assert service.parent_id == commune.id
    assert subtree_ids(commune.id) == {commune.id, service.id}
    assert subtree_ids(department.id) == {department.id}
    event = db.session.query(AuditEvent).filter_by(action="unit_updated").one()
    assert (event.before["parent_id"], event.after["parent_id"]) == (department.id, commune.id)


def test_move_unit_to_the_top_level(db, admin, tree):
    service = tree[2]
    assert (
        admin.post(f"/admin/units/{service.id}", data=unit_data(service, parent_id="")).status_code
        == 303
    )
    db.session.expire_all()
    assert service.parent_id is None


@pytest.mark.parametrize("new_parent", ["self", "child", "grandchild"])
def test_moving_a_unit_under_itself_or_its_descendants_is_refused(db, admin, tree, new_parent):
    province, department, service, commune = tree
    parent = {"self": province, "child": department, "grandchild": service}[new_parent]
    r = admin.post(f"/admin/units/{province.id}", data=unit_data(province, parent_id=parent.id))
    assert r.status_code == 422
    assert "cannot be placed under itself or one of its sub-units" in body(r)
    db.session.expire_all()
    assert province.parent_id is None
    assert province.version == 1
    assert subtree_ids(province.id) == {province.id, department.id, service.id, commune.id}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"code": "snv"}, "This code is already used by Sở Nội vụ."),
        ({"parent_id": "999999"}, "Unknown unit."),
        ({"parent_id": "99999999999999999999"}, "Not a valid choice."),
        ({"kind": "empire"}, "Not a valid choice."),
        ({"code": "X"}, "Must be between 2 and 30 characters."),
        ({"name": ""}, "This field is required."),
        ({"name": "Tên\x00lạ"}, "Contains characters that are not allowed."),
    ],
    ids=[
        "duplicate-code",
        "unknown-parent",
        "parent-out-of-range",
        "unknown-kind",
        "short-code",
        "missing-name",
        "nul-in-name",
    ],
)
def test_create_unit_refused(db, admin, tree, changes, message):
    before = db.session.query(Unit).count()
    data = {"code": "NEW", "name": "Đơn vị mới", "kind": "agency", **changes}
    r = admin.post("/admin/units/new", data=data)
    assert r.status_code == 422
    assert message in body(r)
    assert db.session.query(Unit).count() == before
    assert db.session.query(AuditEvent).filter_by(action="unit_created").count() == 0


def test_edit_to_a_duplicate_code_is_refused(db, admin, tree):
    commune = tree[3]
    r = admin.post(f"/admin/units/{commune.id}", data=unit_data(commune, code="SNV"))
    assert r.status_code == 422
    assert "This code is already used by Sở Nội vụ." in body(r)
    db.session.expire_all()
    assert commune.code == "XBQ"


def test_keeping_its_own_code_is_not_a_duplicate(db, admin, tree):
    commune = tree[3]
    r = admin.post(f"/admin/units/{commune.id}", data=unit_data(commune, code="xbq"))
    assert r.status_code == 303


def test_stale_unit_form_is_409_and_overwrites_nothing(db, admin, tree):
    commune = tree[3]
    opened = unit_data(commune)
    assert 'name="version" value="1"' in body(admin.get(f"/admin/units/{commune.id}"))
    first = admin.post(f"/admin/units/{commune.id}", data=opened | {"name": "UBND xã Bắc Quang 1"})
    assert first.status_code == 303
    r = admin.post(f"/admin/units/{commune.id}", data=opened | {"name": "UBND xã Bắc Quang 2"})
    assert r.status_code == 409
    assert "Someone else changed this record" in body(r)
    assert 'value="UBND xã Bắc Quang 1"' in body(r)
    assert 'name="version" value="2"' in body(r)
    db.session.expire_all()
    assert commune.name == "UBND xã Bắc Quang 1"
    assert commune.version == 2


def test_unit_form_shown_again_with_errors_keeps_the_version_it_was_built_on(db, admin, tree):
    commune = tree[3]
    opened = unit_data(commune)
    assert (
        admin.post(f"/admin/units/{commune.id}", data=opened | {"name": "Mới"}).status_code == 303
    )
    r = admin.post(f"/admin/units/{commune.id}", data=opened | {"code": "X"})
    assert r.status_code == 422
    assert 'name="version" value="1"' in body(r)


@pytest.mark.parametrize("url", ["/admin/units/424242", "/admin/units/99999999999999999999"])
def test_unknown_unit_is_404(admin, url):
    assert admin.get(url).status_code == 404
    assert admin.post(url, data={"code": "AB", "name": "AB", "kind": "agency"}).status_code == 404


def test_unit_index_shows_the_tree_in_order(admin, tree):
    html = body(admin.get("/admin/units"))
    positions = [html.index(name) for name in ("Tỉnh", "Sở Nội vụ", "Trung tâm Lưu trữ")]
    assert positions == sorted(positions)
    assert 'class="indent-2"' in html  # the service unit, two levels down


def test_tree_rows_depths(db, tree):
    province, department, service, commune = tree
    rows = tree_rows(db.session.query(Unit).order_by(Unit.name).all())
    assert [(u.code, depth) for u, depth in rows] == [
        ("TINH", 0),
        ("SNV", 1),
        ("TTLT", 2),
        ("XBQ", 1),
    ]


def test_unit_index_uses_a_constant_number_of_queries(db, admin, count_queries):
    def grow(n):
        parent = factories.make_unit(kind=UnitKind.PROVINCE)
        for _ in range(n):
            child = factories.make_unit(parent=parent)
            factories.make_unit(parent=child, successor=parent)
        db.session.commit()

    grow(2)
    admin.get("/admin/units")
    with count_queries() as few:
        assert admin.get("/admin/units").status_code == 200
    grow(20)
    with count_queries() as many:
        assert admin.get("/admin/units").status_code == 200
    assert few() == many()
