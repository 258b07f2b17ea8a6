"""/notifications: the caller's own notifications and the unread count."""

from __future__ import annotations

from flask import abort, jsonify
from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import select

from inspect_app.api.common import Kind, api_route, dump
from inspect_app.api.schemas import record_schema
from inspect_app.core.loading import get_or_404
from inspect_app.core.permissions import AUTHENTICATED
from inspect_app.notifications import operations as notification_operations
from inspect_app.notifications.models import Notification

NotificationOut = record_schema(
    "NotificationOut", Notification, "id kind title body link created_at read_at"
)


class UnreadOut(Schema):
    unread = fields.Integer(required=True)


def load_own(note_id: int) -> Notification:
    """One of the caller's notifications; 404 for another user's."""
    note = get_or_404(Notification, note_id)
    if note.user_id != current_user.id:
        abort(404)
    return note


NOTIFICATION = Kind(
    "/notifications/<int:note_id>", "notification", "notifications", load_own, NotificationOut
)


@NOTIFICATION.listing(AUTHENTICATED)
def notifications():
    """The user's notifications, newest first.

    The caller's own notifications."""
    mine = Notification.user_id == current_user.id
    return select(Notification).where(mine).order_by(Notification.id.desc())


@api_route("/notifications/unread", AUTHENTICATED, tag="notifications", response=UnreadOut)
def notifications_unread():
    """How many notifications are unread.

    The unread count (the bell)."""
    return jsonify(unread=notification_operations.unread_count(current_user))


@api_route(
    "/notifications/<int:note_id>/read",
    AUTHENTICATED,
    method="POST",
    tag="notifications",
    response=NotificationOut,
)
def notification_read(note_id: int):
    """Mark one notification read.

    Mark one of the caller's notifications read; 404 for another user's."""
    note = load_own(note_id)
    notification_operations.mark_read(current_user, note)
    return dump(NotificationOut, note)


@api_route(
    "/notifications/read-all", AUTHENTICATED, method="POST", tag="notifications", response=UnreadOut
)
def notifications_read_all():
    """Mark every notification read.

    Mark all of the caller's notifications read."""
    notification_operations.mark_all_read(current_user)
    return jsonify(unread=0)
