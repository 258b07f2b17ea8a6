"""The notification bell, the list, marking read, and the e-mail preference."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_visible_or_404
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import AUTHENTICATED, access
from inspect_app.core.templating import register_nav
from inspect_app.notifications import operations
from inspect_app.notifications.models import EmailMode, Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

register_nav("notifications.index", _l("Notifications"), None)


@bp.app_template_global("unread_notifications")
def unread_notifications() -> int:
    """The bell's count: the signed-in user's unread notifications (0 when signed out)."""
    return operations.unread_count(current_user) if current_user.is_authenticated else 0


@bp.route("/bell")
@access(AUTHENTICATED)
def bell():
    """The bell with the unread count (htmx polls it)."""
    return render("notifications/_bell.html", count=operations.unread_count(current_user))


@bp.route("")
@access(AUTHENTICATED)
def index():
    """The user's notifications, newest first."""
    stmt = (
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.id.desc())
    )
    page = paginate(stmt)
    return render(
        "notifications/index.html",
        "notifications/_list.html",
        page=page,
        pref=operations.preference(current_user),
        modes=list(EmailMode),
        filters={},
    )


@bp.route("/<int:note_id>/read", methods=["POST"])
@access(AUTHENTICATED)
def read(note_id: int):
    """Mark one notification read (404 for another user's)."""
    note = get_visible_or_404(Notification, note_id)
    operations.mark_read(current_user, note)
    if note.link and request.form.get("follow") == "1":
        return redirect(note.link, 303)
    return redirect_to("notifications.index")


@bp.route("/read-all", methods=["POST"])
@access(AUTHENTICATED)
def read_all():
    """Mark every notification read."""
    operations.mark_all_read(current_user)
    flash(_("All notifications marked as read."), "success")
    return redirect_to("notifications.index")


@bp.route("/preference", methods=["POST"])
@access(AUTHENTICATED)
def set_preference():
    """Choose immediate e-mails, a daily digest, or none."""
    operations.set_email_mode(current_user, request.form.get("email_mode", ""))
    flash(_("Your e-mail preference has been saved."), "success")
    return redirect_to("notifications.index")
