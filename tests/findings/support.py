"""What the findings tests share: a finding's form and an inspection with its team."""

from __future__ import annotations

from datetime import datetime

from inspect_app.core import clock
from inspect_app.core.roles import Role
from tests import factories

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=clock.ZONE)


def form(**kw):
    data = {
        "description": "Hồ sơ tuyển dụng 03 công chức thiếu bản sao văn bằng có chứng thực",
        "severity": "high",
        "place": "Phòng Tổ chức cán bộ",
        "observed_at": "2026-03-10T08:15",
    }
    data.update(kw)
    return data


def team(state="in_progress", **kw):
    member = factories.make_user(Role.INSPECTOR)
    inspection = factories.make_inspection(state=state, members=[member], **kw)
    return inspection, member
