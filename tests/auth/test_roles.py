"""The roles the law names: the Chief Inspector and deputies (leadership), the Chairman of the
People's Committee, who reads everything and changes nothing, and the clerk (văn thư)."""

from __future__ import annotations

import pytest

from inspect_app.auth import operations
from inspect_app.core.errors import OperationError
from inspect_app.core.roles import Role
from tests import factories


def test_the_last_chief_inspector_keeps_the_role(db):
    admin = factories.make_user("admin")
    chief = factories.make_user("leadership")
    db.session.commit()
    with pytest.raises(OperationError) as refused:
        operations.update_user(
            admin, chief, {"role": "inspector", "full_name": chief.full_name, "version": 1}
        )
    assert "Chánh Thanh tra" in refused.value.message or "Chief Inspector" in refused.value.message
    db.session.rollback()
    with pytest.raises(OperationError):
        operations.set_active(admin, chief, False)
    db.session.rollback()
    assert chief.role == Role.LEADERSHIP and chief.active


def test_a_chief_inspector_changes_role_once_another_exists(db):
    admin = factories.make_user("admin")
    chief = factories.make_user("leadership")
    factories.make_user("leadership", title="Phó Chánh Thanh tra tỉnh")
    db.session.commit()
    operations.update_user(
        admin, chief, {"role": "chairman", "full_name": chief.full_name, "version": chief.version}
    )
    assert chief.role == Role.CHAIRMAN and not chief.is_leadership


def test_an_inactive_chief_inspector_does_not_count(db):
    admin = factories.make_user("admin")
    chief = factories.make_user("leadership")
    factories.make_user("leadership", active=False)
    db.session.commit()
    with pytest.raises(OperationError):
        operations.set_active(admin, chief, False)


@pytest.mark.parametrize(
    ("role", "heading"),
    [("chairman", "Báo cáo gửi Chủ tịch UBND tỉnh"), ("clerk", "Mở danh sách văn bản")],
)
def test_each_new_role_has_a_home(login_as, role, heading):
    page = login_as(role).get("/")
    assert page.status_code == 200
    assert heading in page.get_data(as_text=True)


def test_the_chairman_reads_but_cannot_act(login_as):
    c = login_as("chairman")
    for path in ("/dashboard", "/plans", "/analytics", "/findings", "/cases", "/reports"):
        assert c.get(path).status_code == 200, path
    assert c.get("/plans/new").status_code == 403
    assert c.get("/reports/new").status_code == 403
    assert c.get("/inspections/new").status_code == 403


def test_the_clerk_sees_documents_not_plans_or_analytics(login_as):
    c = login_as("clerk")
    assert c.get("/reports").status_code == 200
    for path in ("/plans", "/analytics", "/dashboard", "/admin/users"):
        assert c.get(path).status_code == 403, path
