"""Pages of the inspections feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("inspections", __name__)
