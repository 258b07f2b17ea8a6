"""Pages of the findings feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("findings", __name__)
