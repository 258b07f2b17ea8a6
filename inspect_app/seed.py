"""Demo data: a province after the 2025 two-tier reform, its units, and a user for every role.

Idempotent: every record is looked up by its natural key before it is created.
"""

from __future__ import annotations

from sqlalchemy import select

from inspect_app.auth import operations as auth_ops
from inspect_app.auth.demo import DEMO_PASSWORD
from inspect_app.auth.models import User
from inspect_app.cases import seed as cases_seed
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.deputies import seed as deputies_seed
from inspect_app.escalation.operations import sweep
from inspect_app.extension_requests import seed as extension_requests_seed
from inspect_app.extensions import db
from inspect_app.findings import seed as findings_seed
from inspect_app.inspections import seed as inspections_seed
from inspect_app.plans import seed as plans_seed
from inspect_app.reference import seed as reference_seed
from inspect_app.reports import seed as reports_seed
from inspect_app.units import operations as unit_ops
from inspect_app.units.models import Unit

PROVINCE = ("UBND", "Ủy ban nhân dân tỉnh Hà Giang Mới", "province")
DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("SCT", "Sở Công Thương"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SXD", "Sở Xây dựng"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("TTT", "Thanh tra tỉnh"),
    ("VPUB", "Văn phòng UBND tỉnh"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo"),
]
SERVICE_UNITS = [
    ("TTLT", "Trung tâm Lưu trữ lịch sử tỉnh", "SNV"),
    ("TTDVVL", "Trung tâm Dịch vụ việc làm tỉnh", "SNV"),
    ("TTBTXH", "Trung tâm Bảo trợ xã hội tỉnh", "SYT"),
]
COMMUNES = [
    ("XBQ", "UBND xã Bắc Quang"),
    ("PHG", "UBND phường Hà Giang 1"),
    ("PHG2", "UBND phường Hà Giang 2"),
    ("XDV", "UBND xã Đồng Văn"),
    ("XMV", "UBND xã Mèo Vạc"),
    ("XYM", "UBND xã Yên Minh"),
    ("XQB", "UBND xã Quản Bạ"),
    ("XVX", "UBND xã Vị Xuyên"),
    ("XHSP", "UBND xã Hoàng Su Phì"),
    ("XXM", "UBND xã Xín Mần"),
    ("XBM", "UBND xã Bắc Mê"),
]

USERS = [
    ("admin", "Quản trị hệ thống", Role.ADMIN, None, "Quản trị viên"),
    ("chanhthanhtra", "Nguyễn Văn Hùng", Role.LEADERSHIP, None, "Chánh Thanh tra tỉnh"),
    ("phochanh", "Lương Văn Đức", Role.LEADERSHIP, None, "Phó Chánh Thanh tra tỉnh"),
    ("chutich", "Trần Thị Mai", Role.CHAIRMAN, None, "Chủ tịch UBND tỉnh"),
    ("vanthu", "Hà Thị Ngọc", Role.CLERK, None, "Văn thư Thanh tra tỉnh"),
    ("truongdoan", "Lê Minh Tuấn", Role.LEAD_INSPECTOR, None, "Trưởng đoàn thanh tra"),
    ("truongdoan2", "Phạm Thu Hà", Role.LEAD_INSPECTOR, None, "Trưởng đoàn kiểm tra"),
    ("thanhtra1", "Hoàng Đức Anh", Role.INSPECTOR, None, "Thanh tra viên"),
    ("thanhtra2", "Vũ Thị Lan", Role.INSPECTOR, None, "Thanh tra viên"),
    ("thanhtra3", "Đặng Quốc Bảo", Role.INSPECTOR, None, "Thanh tra viên chính"),
    ("giamdoc.snv", "Bùi Thanh Sơn", Role.UNIT_LEADER, "SNV", "Giám đốc Sở Nội vụ"),
    ("giamdoc.syt", "Ngô Thị Hồng", Role.UNIT_LEADER, "SYT", "Giám đốc Sở Y tế"),
    ("chutich.xbq", "Lý Văn Phúc", Role.UNIT_LEADER, "XBQ", "Chủ tịch UBND xã Bắc Quang"),
    ("chutich.phg", "Đỗ Thị Thảo", Role.UNIT_LEADER, "PHG", "Chủ tịch UBND phường Hà Giang 1"),
    ("giamdoc.ttlt", "Trịnh Văn Nam", Role.UNIT_LEADER, "TTLT", "Giám đốc Trung tâm Lưu trữ"),
]


def _unit(code: str) -> Unit | None:
    return db.session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()


def _ensure_unit(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
    unit = _unit(code)
    if unit is None:
        unit = unit_ops.create_unit(
            None, {"code": code, "name": name, "kind": kind, "parent_id": parent and parent.id}
        )
    return unit


def seed_units() -> dict[str, Unit]:
    province = _ensure_unit(*PROVINCE, None)
    units = {province.code: province}
    for code, name in DEPARTMENTS:
        units[code] = _ensure_unit(code, name, "department", province)
    for code, name, parent in SERVICE_UNITS:
        units[code] = _ensure_unit(code, name, "service_unit", units[parent])
    for code, name in COMMUNES:
        units[code] = _ensure_unit(code, name, "commune", province)
    return units


def seed_users(units: dict[str, Unit]) -> list[User]:
    users = []
    for username, full_name, role, unit_code, title in USERS:
        user = db.session.execute(
            select(User).where(User.username == username)
        ).scalar_one_or_none()
        if user is None:
            user = auth_ops.create_user(
                None,
                {
                    "username": username,
                    "full_name": full_name,
                    "role": role.value,
                    "unit_id": units[unit_code].id if unit_code else None,
                    "title": title,
                    "email": f"{username}@thanhtra.example.vn",
                    "password": DEMO_PASSWORD,
                },
            )
        users.append(user)
    return users


# Feature seeders, in dependency order; each takes (units by code, users by username).
SEEDERS = (
    reference_seed,
    plans_seed,
    inspections_seed,
    findings_seed,
    cases_seed,
    deputies_seed,
    extension_requests_seed,
)


def seed_demo() -> list[User]:
    """Create (or complete) the demo data; returns the demo users."""
    units = seed_units()
    users = seed_users(units)
    by_name = {u.username: u for u in users}
    for module in SEEDERS:
        module.seed(units, by_name)
    reports_seed.seed_overdue_cases(units, by_name)  # a case at each escalation level
    # Bring the demo's overdue cases up the escalation ladder as of today (idempotent).
    db.session.commit()
    sweep(clock.today())
    reports_seed.seed(units, by_name)  # one issued report and one issued urging letter
    return users
