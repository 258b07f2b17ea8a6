"""The administrators' account pages: create, edit, deactivate, reset, list (issue 2)."""

from __future__ import annotations

import re

import pytest

from inspect_app.auth.models import User
from inspect_app.core.audit import AuditEvent
from inspect_app.core.roles import Role
from tests import factories

NEW_USER = {
    "username": "thanhtra.moi",
    "full_name": "Nguyễn Thị Mới",
    "email": "moi@thanhtra.example.vn",
    "title": "Thanh tra viên",
    "role": "inspector",
    "locale": "vi",
    "password": "a-long-password-2026",
}


def body(response) -> str:
    return response.get_data(as_text=True)


def sign_in(app, username, password):
    return app.test_client().post("/login", data={"username": username, "password": password})


def user_count(db) -> int:
    return db.session.query(User).count()


def edit_data(user: User, **changes) -> dict:
    data = {
        "full_name": user.full_name,
        "email": user.email or "",
        "title": user.title or "",
        "role": user.role.value,
        "unit_id": str(user.unit_id or ""),
        "locale": user.locale,
        "version": str(user.version),
    }
    data.update(changes)
    return data


def listed_usernames(response) -> list[str]:
    """The usernames in the rows of the users table (second column)."""
    return re.findall(r"</a></td>\s*<td[^>]*>([^<]+)</td>", body(response))


@pytest.fixture()
def admin(login_as):
    return login_as("admin", locale="en", username="sysadmin")


# --- create ---------------------------------------------------------------------------------


def test_create_user(app, db, admin):
    r = admin.post("/admin/users/new", data=NEW_USER)
    assert r.status_code == 303
    assert r.headers["Location"] == "/admin/users"
    user = db.session.query(User).filter_by(username="thanhtra.moi").one()
    assert (user.full_name, user.role, user.email) == (
        "Nguyễn Thị Mới",
        Role.INSPECTOR,
        "moi@thanhtra.example.vn",
    )
    assert user.active
    assert user.password_hash != NEW_USER["password"]
    listing = admin.get("/admin/users")
    assert "thanhtra.moi" in listed_usernames(listing)
    assert "Account thanhtra.moi created." in body(listing)  # the flash
    event = db.session.query(AuditEvent).filter_by(action="user_created").one()
    assert event.actor_id == admin.user.id
    assert event.object_id == user.id
    assert event.after["username"] == "thanhtra.moi"
    assert event.after["role"] == "inspector"
    assert "password" not in event.after and "password_hash" not in event.after
    assert sign_in(app, "thanhtra.moi", NEW_USER["password"]).status_code == 303


def test_create_unit_leader_with_unit(db, admin):
    unit = factories.make_unit(name="Sở Y tế")
    db.session.commit()
    data = NEW_USER | {"role": "unit_leader", "unit_id": str(unit.id)}
    assert admin.post("/admin/users/new", data=data).status_code == 303
    user = db.session.query(User).filter_by(username="thanhtra.moi").one()
    assert user.unit_id == unit.id
    assert "Sở Y tế" in body(admin.get("/admin/users"))


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"password": "short"}, "password", "at least 10 characters"),
        ({"password": "thanhtra.moi-2026"}, "password", "must not contain the username"),
        ({"username": "existing"}, "username", "This username is already taken."),
        ({"username": "EXISTING"}, "username", "This username is already taken."),
        ({"role": "unit_leader"}, "unit_id", "A unit leader must belong to a unit."),
        ({"unit_id": "999999"}, "unit_id", "Unknown unit."),
        ({"unit_id": "99999999999999999999"}, "unit_id", "Not a valid choice."),
        ({"unit_id": "abc"}, "unit_id", "Not a valid whole number."),
        ({"email": "not-an-email"}, "email", "Not a valid e-mail address."),
        ({"role": "superuser"}, "role", "Not a valid choice."),
        ({"username": "ab"}, "username", "Must be between 3 and 60 characters."),
        ({"full_name": ""}, "full_name", "This field is required."),
        ({"full_name": "Tên\x00lạ"}, "full_name", "Contains characters that are not allowed."),
    ],
    ids=[
        "short-password",
        "password-with-username",
        "duplicate-username",
        "duplicate-username-other-case",
        "unit-leader-without-unit",
        "unknown-unit",
        "unit-id-out-of-range",
        "unit-id-not-a-number",
        "invalid-email",
        "unknown-role",
        "short-username",
        "missing-name",
        "nul-in-name",
    ],
)
def test_create_user_refused(db, admin, changes, field, message):
    factories.make_user("inspector", username="existing")
    db.session.commit()
    before = user_count(db)
    r = admin.post("/admin/users/new", data=NEW_USER | changes)
    assert r.status_code == 422
    html = body(r)
    assert message in html
    # The message is shown next to its field, and what was typed is kept (not the password).
    assert f'id="{field}-error"' in html
    assert 'value="Nguyễn Thị Mới"' in html or field == "full_name"
    assert NEW_USER["password"] not in html
    assert user_count(db) == before
    assert db.session.query(AuditEvent).filter_by(action="user_created").count() == 0


# --- edit -----------------------------------------------------------------------------------


def test_edit_user(db, admin):
    unit = factories.make_unit()
    user = factories.make_user("inspector", full_name="Tên Cũ")
    db.session.commit()
    data = edit_data(user, full_name="Tên Mới", role="unit_leader", unit_id=str(unit.id))
    r = admin.post(f"/admin/users/{user.id}", data=data)
    assert r.status_code == 303
    db.session.expire_all()
    assert (user.full_name, user.role, user.unit_id, user.version) == (
        "Tên Mới",
        Role.UNIT_LEADER,
        unit.id,
        2,
    )
    event = db.session.query(AuditEvent).filter_by(action="user_updated").one()
    assert event.before["full_name"] == "Tên Cũ" and event.before["role"] == "inspector"
    assert event.after["full_name"] == "Tên Mới" and event.after["role"] == "unit_leader"
    assert event.after["unit_id"] == unit.id


def test_edit_with_a_stale_version_is_409_and_overwrites_nothing(db, admin, login_as):
    user = factories.make_user("inspector", full_name="Bản Gốc")
    db.session.commit()
    form = body(admin.get(f"/admin/users/{user.id}"))
    assert 'name="version" value="1"' in form
    # Another administrator saves first.
    other = login_as("admin")
    assert (
        other.post(f"/admin/users/{user.id}", data=edit_data(user, full_name="Lần Một")).status_code
        == 303
    )
    # The first administrator saves the form opened on version 1.
    stale = edit_data(user, full_name="Lần Hai", version="1")
    r = admin.post(f"/admin/users/{user.id}", data=stale)
    assert r.status_code == 409
    assert "Someone else changed this record" in body(r)
    assert 'value="Lần Một"' in body(r)  # the current values are shown
    assert 'name="version" value="2"' in body(r)
    db.session.expire_all()
    assert user.full_name == "Lần Một"
    assert user.version == 2


def test_form_shown_again_with_errors_keeps_the_version_it_was_built_on(db, admin, login_as):
    """Re-showing a form with errors must not quietly move it to a newer version: saving it
    after fixing the error would overwrite the other person's change."""
    user = factories.make_user("inspector", full_name="Bản Gốc")
    db.session.commit()
    opened = edit_data(user)
    other = login_as("admin")
    assert other.post(f"/admin/users/{user.id}", data=opened | {"title": "Khác"}).status_code == 303
    r = admin.post(f"/admin/users/{user.id}", data=opened | {"email": "bad"})
    assert r.status_code == 422
    assert 'name="version" value="1"' in body(r)
    r = admin.post(f"/admin/users/{user.id}", data=opened | {"full_name": "Ghi Đè"})
    assert r.status_code == 409
    db.session.expire_all()
    assert (user.full_name, user.title) == ("Bản Gốc", "Khác")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"role": "unit_leader", "unit_id": ""}, "A unit leader must belong to a unit."),
        ({"unit_id": "424242"}, "Unknown unit."),
        ({"email": "nope"}, "Not a valid e-mail address."),
        ({"version": "99999999999999"}, None),
    ],
    ids=["unit-leader-without-unit", "unknown-unit", "invalid-email", "version-out-of-range"],
)
def test_edit_refused(db, admin, changes, message):
    user = factories.make_user("inspector", full_name="Không Đổi")
    db.session.commit()
    r = admin.post(f"/admin/users/{user.id}", data=edit_data(user, full_name="Đổi", **changes))
    assert r.status_code == 422
    if message:
        assert message in body(r)
    db.session.expire_all()
    assert user.full_name == "Không Đổi"
    assert user.version == 1


def test_admin_cannot_remove_own_admin_role(db, admin):
    me = db.session.get(User, admin.user.id)
    r = admin.post(f"/admin/users/{me.id}", data=edit_data(me, role="inspector"))
    assert r.status_code == 422
    assert "You cannot remove your own administrator role." in body(r)
    db.session.expire_all()
    assert me.role == Role.ADMIN


@pytest.mark.parametrize("url", ["/admin/users/424242", "/admin/users/99999999999999999999"])
def test_unknown_user_is_404(admin, url):
    assert admin.get(url).status_code == 404
    assert admin.post(url, data={}).status_code == 404
    assert admin.post(url + "/active", data={"active": "0"}).status_code == 404
    assert admin.post(url + "/password", data={"password": "x" * 12}).status_code == 404


# --- deactivate, reactivate, reset password -------------------------------------------------


def test_deactivate_and_reactivate(app, db, admin, login_as):
    user = factories.make_user("inspector")
    db.session.commit()
    session_of_user = login_as(user)
    r = admin.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert r.status_code == 303
    db.session.expire_all()
    assert user.active is False
    event = db.session.query(AuditEvent).filter_by(action="user_deactivated").one()
    assert (event.before, event.after) == ({"active": True}, {"active": False})
    # Neither a new sign-in nor the session already open gets in.
    assert sign_in(app, user.username, factories.PASSWORD).status_code == 403
    assert session_of_user.get("/account/password").status_code == 302
    assert "Disabled" in body(admin.get("/admin/users?state=inactive"))

    assert admin.post(f"/admin/users/{user.id}/active", data={"active": "1"}).status_code == 303
    db.session.expire_all()
    assert user.active is True
    assert sign_in(app, user.username, factories.PASSWORD).status_code == 303


def test_admin_cannot_deactivate_self(db, admin):
    r = admin.post(f"/admin/users/{admin.user.id}/active", data={"active": "0"})
    assert r.status_code == 422
    assert "You cannot deactivate your own account." in body(r)
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).active is True
    assert admin.get("/admin/users").status_code == 200


def test_reset_password(app, db, admin):
    user = factories.make_user("inspector")
    db.session.commit()
    r = admin.post(f"/admin/users/{user.id}/password", data={"password": "reset-by-admin-1"})
    assert r.status_code == 303
    assert db.session.query(AuditEvent).filter_by(action="password_reset").count() == 1
    assert sign_in(app, user.username, factories.PASSWORD).status_code == 401
    assert sign_in(app, user.username, "reset-by-admin-1").status_code == 303


def test_reset_password_too_short(app, db, admin):
    user = factories.make_user("inspector")
    db.session.commit()
    r = admin.post(f"/admin/users/{user.id}/password", data={"password": "short"})
    assert r.status_code == 422
    assert "at least 10 characters" in body(r)
    assert sign_in(app, user.username, factories.PASSWORD).status_code == 303


# --- list -----------------------------------------------------------------------------------


@pytest.fixture()
def three_users(db):
    unit = factories.make_unit(name="UBND xã Bắc Quang")
    users = [
        factories.make_user("inspector", username="an.nguyen", full_name="Nguyễn Văn An"),
        factories.make_user("lead_inspector", username="binh_tran", full_name="Trần Thị Bình"),
        factories.make_user(
            "unit_leader", unit=unit, username="cuong.le", full_name="Lê Văn Cường", active=False
        ),
    ]
    db.session.commit()
    return users


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["an.nguyen", "binh_tran", "cuong.le", "sysadmin"]),
        ("?q=nguyen", ["an.nguyen"]),
        ("?q=TRẦN", ["binh_tran"]),
        ("?q=văn", ["an.nguyen", "cuong.le"]),
        ("?q=_", ["binh_tran"]),  # a literal underscore, not a LIKE wildcard
        ("?q=%25", []),  # a literal percent sign
        ("?q=%00", ["an.nguyen", "binh_tran", "cuong.le", "sysadmin"]),
        ("?role=lead_inspector", ["binh_tran"]),
        ("?role=unit_leader", ["cuong.le"]),
        ("?role=bogus", ["an.nguyen", "binh_tran", "cuong.le", "sysadmin"]),
        ("?state=inactive", ["cuong.le"]),
        ("?state=active", ["an.nguyen", "binh_tran", "sysadmin"]),
        ("?q=văn&state=active", ["an.nguyen"]),
        ("?q=nobody", []),
    ],
)
def test_user_list_filters(admin, three_users, query, expected):
    r = admin.get("/admin/users" + query)
    assert r.status_code == 200
    assert sorted(listed_usernames(r)) == expected
    if not expected:
        assert "No account matches these filters." in body(r)


def bulk_users(db, n: int, **kw) -> None:
    """Many accounts quickly: they never sign in, so they get no password hash (slow)."""
    for _ in range(n):
        i = next(factories._seq)
        role = Role(kw.get("role", "inspector"))
        unit = factories.make_unit() if role == Role.UNIT_LEADER else kw.get("unit")
        db.session.add(
            User(
                username=f"bulk{i}",
                full_name=kw.get("full_name", f"Người {i}"),
                role=role,
                unit=unit,
                password_hash="!",  # matches no password
            )
        )
    db.session.commit()


def test_user_list_pages_show_every_account_once(db, admin):
    bulk_users(db, 30, full_name="Nguyễn Văn An")  # the same name, often
    seen = []
    for page in (1, 2, 3):
        seen += listed_usernames(admin.get(f"/admin/users?per_page=12&page={page}"))
    assert len(seen) == 31
    assert len(set(seen)) == 31


def _make_users(db, n: int) -> None:
    """Accounts of several kinds: unit leaders of their own units, inspectors with a unit."""
    unit = factories.make_unit()
    bulk_users(db, n // 3, role="unit_leader")
    bulk_users(db, n // 3, role="inspector", unit=unit)
    bulk_users(db, n - 2 * (n // 3), role="lead_inspector")


def test_user_list_uses_a_constant_number_of_queries(db, admin, count_queries):
    _make_users(db, 3)
    admin.get("/admin/users")  # warm-up: the first request may load the session's user twice
    with count_queries() as few:
        r = admin.get("/admin/users")
    assert r.status_code == 200 and len(listed_usernames(r)) == 4
    _make_users(db, 27)
    with count_queries() as many:
        r = admin.get("/admin/users")
    assert r.status_code == 200 and len(listed_usernames(r)) == 25
    assert few() == many()
    assert many() <= 5


def test_htmx_request_gets_only_the_table(admin, three_users):
    r = admin.get("/admin/users?q=nguyen", headers={"HX-Request": "true"})
    assert r.status_code == 200
    html = body(r)
    assert "<html" not in html and "<form" not in html
    assert "<table" in html
    assert listed_usernames(r) == ["an.nguyen"]
    assert "HX-Request" in r.headers.getlist("Vary") or "HX-Request" in r.headers["Vary"]


def test_full_page_and_boosted_request_get_the_page(admin, three_users):
    for headers in ({}, {"HX-Request": "true", "HX-Boosted": "true"}):
        r = admin.get("/admin/users", headers=headers)
        assert "<html" in body(r)
        assert 'id="users-table"' in body(r)
        assert "HX-Request" in r.headers["Vary"]


@pytest.mark.parametrize("when", ["flush", "commit"])
def test_a_username_taken_by_a_concurrent_request_is_a_conflict_not_a_server_error(
    db, admin, monkeypatch, when
):
    """Two admins creating the same account at once: both checks saw the name free, the
    database refuses the second (unique key, at a flush in the view or at the request's
    commit). The second gets 409 with a message and nothing of it is saved."""
    from inspect_app.auth import operations
    from inspect_app.extensions import db as _db

    create = operations.create_user
    taken = factories.make_user(Role.INSPECTOR, username="nguoi.dung.moi")
    _db.session.commit()

    def racing(actor, data):
        user = User(username=taken.username, full_name="Bản sao", role=Role.INSPECTOR)
        user.password_hash = taken.password_hash
        if when == "flush":  # refused inside the view
            _db.session.add(user)
            _db.session.flush()
        created = create(actor, data)
        _db.session.add(user)  # refused at the request's commit
        return created

    monkeypatch.setattr(operations, "create_user", racing)
    r = admin.post("/admin/users/new", data=NEW_USER)
    assert r.status_code == 409, r.get_data(as_text=True)[:300]
    assert "saved by someone else at the same moment" in r.get_data(as_text=True)
    _db.session.expire_all()
    names = [u.username for u in _db.session.query(User).order_by(User.id)]
    assert names.count(taken.username) == 1 and NEW_USER["username"] not in names
