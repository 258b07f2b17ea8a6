"""Extension requests on case deadlines and their decisions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("extension_requests", __name__, url_prefix="/extensions")
