"""Scenario 2's yardstick: Flask-Admin's list view over the same tables (bench extra only).

`gunicorn bench.admin_app:app` with DATABASE_URL set. No sign-in: it measures the list view
alone, which flatters Flask-Admin (our list also loads the user and checks permissions).
"""

from __future__ import annotations

import os

from flask import Flask
from flask_admin import Admin
from flask_admin.contrib.sqla import ModelView
from flask_babel import Babel

import inspect_app.models  # noqa: F401 - registers every model with the metadata
from inspect_app.cases.models import Case
from inspect_app.extensions import db

PAGE_SIZE = 50


class CaseAdmin(ModelView):
    """The columns and filters of our case list."""

    can_create = can_edit = can_delete = False
    page_size = PAGE_SIZE
    column_list = (
        "id",
        "title",
        "type",
        "responsible_unit",
        "inspection",
        "legal_reference",
        "due_date",
        "state",
    )
    column_filters = ("state", "type", "due_date", "responsible_unit_id")
    column_searchable_list = ("title",)
    column_default_sort = ("due_date", False)


def create_admin_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-admin"),
        SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True},
    )
    db.init_app(app)
    Babel(app)
    admin = Admin(app, name="bench")
    admin.add_view(CaseAdmin(Case, db.session, endpoint="cases"))

    @app.route("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


app = create_admin_app() if os.environ.get("DATABASE_URL") else None
