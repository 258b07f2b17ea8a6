"""Unit leaders' answers (progress reports, final answer) and their evidence."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("answers", __name__, url_prefix="/cases")
