"""Deputies named by unit leaders for a period."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("deputies", __name__, url_prefix="/deputies")
