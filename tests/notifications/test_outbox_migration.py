"""The outbox's migration moves the e-mails still waiting in notifications into the outbox,
settles those of users who want none, leaves the digest's, and goes back down cleanly."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from inspect_app import create_app
from inspect_app.config import TestingConfig
from inspect_app.extensions import db

REVISION = "15fc7bb81bd2"
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
BEFORE = ScriptDirectory(str(MIGRATIONS)).get_revision(REVISION).down_revision
AT = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def _insert(conn, table: str, **values) -> None:
    columns = ", ".join(f'"{k}"' for k in values)
    params = ", ".join(f":{k}" for k in values)
    conn.execute(sa.text(f'INSERT INTO "{table}" ({columns}) VALUES ({params})'), values)  # noqa: S608


def test_pending_mail_moves_to_the_outbox(empty_database_url):
    testing = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    app = create_app({**testing, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for uid, email, active, mode in [
                (1, "a@example.vn", True, None),
                (2, "b@example.vn", True, "none"),
                (3, "c@example.vn", True, "digest"),
                (4, None, True, None),
                (5, "e@example.vn", False, None),
            ]:
                _insert(
                    conn, "user", id=uid, username=f"u{uid}", full_name=f"U {uid}",
                    password_hash="x", role="inspector", email=email, active=active,
                    locale="vi", created_at=AT, updated_at=AT, version=1,
                )  # fmt: skip
                if mode:
                    _insert(conn, "notification_preference", user_id=uid, email_mode=mode)
            notes = [
                (1, 1, "Kiến nghị mới", "Hạn 30/09", "/cases/1", None, 0),
                (2, 1, "Đã gửi", None, None, AT, 0),
                (3, 1, "Bỏ cuộc", None, None, None, 10),
                (4, 2, "Không muốn thư", None, None, None, 0),
                (5, 3, "Tóm tắt", None, None, None, 0),
                (6, 4, "Không có địa chỉ", None, None, None, 0),
                (7, 5, "Đã khoá", None, None, None, 0),
                (8, 1, "Chỉ tiêu đề", None, "/cases/8", None, 3),
            ]
            for nid, uid, title, body, link, emailed_at, attempts in notes:
                _insert(
                    conn, "notification", id=nid, user_id=uid, kind="x", title=title, body=body,
                    link=link, created_at=AT, emailed_at=emailed_at, email_attempts=attempts,
                )  # fmt: skip
        upgrade(revision=REVISION)
        with db.engine.connect() as conn:
            mails = conn.execute(
                sa.text("SELECT user_id, to_address, subject, body, attempts, sent_at"
                        " FROM outgoing_mail ORDER BY subject")
            ).all()  # fmt: skip
            unmailed = conn.execute(
                sa.text("SELECT id FROM notification WHERE emailed_at IS NULL ORDER BY id")
            ).scalars()
            assert mails == [
                (1, "a@example.vn", "Chỉ tiêu đề", "Chỉ tiêu đề\n\n/cases/8", 0, None),
                (1, "a@example.vn", "Kiến nghị mới", "Kiến nghị mới\n\nHạn 30/09\n\n/cases/1", 0, None),
            ]  # fmt: skip
            # The digest's waits for its day; given up ones stay as they were.
            assert list(unmailed) == [3, 5]
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            assert "outgoing_mail" not in sa.inspect(conn).get_table_names()
            assert conn.execute(sa.text("SELECT count(*) FROM notification")).scalar_one() == 8
        db.engine.dispose()
