"""Official documents: urging letters and reports to the People's Committee."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
