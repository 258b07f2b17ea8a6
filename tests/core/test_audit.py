"""The append-only audit trail and `flask audit verify` (issue 2)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, update

from inspect_app.auth.models import User
from inspect_app.core import audit, clock
from inspect_app.core.audit import GENESIS, AuditEvent, verify_chain
from tests import factories


def make_events(db, admin_client) -> list[AuditEvent]:
    """A few real operations through the pages; returns their events, oldest first."""
    unit = factories.make_unit()
    target = factories.make_user("inspector", full_name="Trước")
    db.session.commit()
    data = {
        "full_name": "Sau",
        "role": "unit_leader",
        "unit_id": str(unit.id),
        "locale": "vi",
        "version": "1",
    }
    assert admin_client.post(f"/admin/users/{target.id}", data=data).status_code == 303
    assert (
        admin_client.post(f"/admin/users/{target.id}/active", data={"active": "0"}).status_code
        == 303
    )
    r = admin_client.post(
        "/admin/units/new", data={"code": "MOI", "name": "Đơn vị mới", "kind": "agency"}
    )
    assert r.status_code == 303
    return db.session.query(AuditEvent).order_by(AuditEvent.id).all()


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_operations_record_who_what_before_after(db, login_as):
    admin = login_as("admin", form=True)
    events = make_events(db, admin)
    actions = [e.action for e in events]
    assert actions == ["login", "user_updated", "user_deactivated", "unit_created"]
    updated = events[1]
    assert updated.actor_id == admin.user.id
    assert updated.object_type == "User"
    assert updated.before["full_name"] == "Trước" and updated.after["full_name"] == "Sau"
    assert updated.before["role"] == "inspector" and updated.after["role"] == "unit_leader"
    assert updated.at.tzinfo is not None
    assert events[2].before == {"active": True} and events[2].after == {"active": False}
    assert events[3].before is None and events[3].after["code"] == "MOI"
    timeline = audit.events_for("User", updated.object_id)
    assert [e.action for e in timeline] == ["user_updated", "user_deactivated"]


def test_events_are_chained(db, login_as):
    events = make_events(db, login_as("admin"))
    assert events[0].prev_hash == GENESIS
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
        assert event.hash == event.compute_hash()
    assert len({e.hash for e in events}) == len(events)


def test_event_time_comes_from_the_clock(db):
    at = datetime(2026, 5, 1, 3, 4, 5, 123456, tzinfo=UTC)
    with clock.frozen(at):
        event = audit.record(None, None, "something", object_type="Test")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AuditEvent, event.id).at == at
    assert verify_chain().ok


def test_verify_reports_an_intact_chain(app, db, login_as):
    events = make_events(db, login_as("admin"))
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert f"Audit chain intact: {len(events)} events verified." in result.output


def test_verify_of_an_empty_chain(app, db):
    result = verify(app)
    assert result.exit_code == 0
    assert "0 events verified" in result.output


def test_verify_detects_an_edited_event(app, db, login_as):
    events = make_events(db, login_as("admin"))
    tampered = events[1]
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.id == tampered.id)
        .values(after={**tampered.after, "role": "admin"})
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event {tampered.id}" in result.output
    assert "content was altered" in result.output
    assert "(1 events verified before it)" in result.output


def test_verify_detects_an_edited_actor(app, db, login_as):
    events = make_events(db, login_as("admin"))
    other = factories.make_user("inspector")
    db.session.commit()
    db.session.execute(
        update(AuditEvent).where(AuditEvent.id == events[2].id).values(actor_id=other.id)
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event {events[2].id}" in result.output


def test_verify_detects_a_deleted_event(app, db, login_as):
    events = make_events(db, login_as("admin"))
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[1].id))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    # The break shows at the event after the missing one.
    assert f"BROKEN at event {events[2].id}" in result.output
    assert "missing or was altered" in result.output


def test_verify_detects_a_deleted_first_event(app, db, login_as):
    events = make_events(db, login_as("admin"))
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[0].id))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event {events[1].id}" in result.output


def test_verify_detects_a_rehashed_event(app, db, login_as):
    """Recomputing the edited event's own hash still breaks the link to the next event."""
    events = make_events(db, login_as("admin"))
    tampered = db.session.get(AuditEvent, events[1].id)
    tampered.note = "sửa lén"
    new_hash = tampered.compute_hash()
    db.session.rollback()
    db.session.execute(
        update(AuditEvent)
        .where(AuditEvent.id == events[1].id)
        .values(note="sửa lén", hash=new_hash)
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"BROKEN at event {events[2].id}" in result.output


def test_verify_walks_the_chain_in_batches(app, db, login_as):
    make_events(db, login_as("admin", form=True))
    report = verify_chain(batch=2)
    assert report.ok and report.checked == 4
    last_id = db.session.query(func.max(AuditEvent.id)).scalar()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == last_id).values(note="x"))
    db.session.commit()
    report = verify_chain(batch=2)
    assert not report.ok and report.broken_id == last_id and report.checked == 3


def test_verify_leaves_the_rest_of_the_session_alone(db, login_as):
    """verify_chain may run inside a request: the signed-in user must stay usable."""
    make_events(db, login_as("admin"))
    user = db.session.query(User).filter_by(full_name="Sau").one()
    assert verify_chain(batch=2).ok
    assert user in db.session
    assert user.full_name == "Sau"


def test_create_user_command(app, db):
    unit = factories.make_unit(code="SYT")
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--username",
            "GiamDoc.SYT",
            "--full-name",
            "Ngô Thị Hồng",
            "--role",
            "unit_leader",
            "--unit-code",
            "syt",
            "--password",
            "a-long-password-2026",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(username="giamdoc.syt").one()
    assert user.unit_id == unit.id
    event = db.session.query(AuditEvent).filter_by(action="user_created").one()
    assert event.actor_id is None and event.after["username"] == "giamdoc.syt"


def test_create_user_command_refuses_bad_input(app, db):
    runner = app.test_cli_runner()
    base = ["create-user", "--username", "abc", "--full-name", "A B", "--password"]
    result = runner.invoke(args=[*base, "short", "--role", "inspector"])
    assert result.exit_code != 0
    assert "10" in result.output  # the minimum length, in whichever language
    result = runner.invoke(args=[*base, "long-enough-pw", "--role", "unit_leader"])
    assert result.exit_code != 0
    assert result.output.startswith("Error:")
    result = runner.invoke(
        args=[*base, "long-enough-pw", "--role", "unit_leader", "--unit-code", "NOPE"]
    )
    assert result.exit_code != 0
    assert "NOPE" in result.output
    assert db.session.query(User).count() == 0
