"""Pages of the reference feature."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reference", __name__)
