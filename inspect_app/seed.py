"""Demo data: Tuyên Quang after the 2025 two-tier reform (Hà Giang merged into it), its units
(the Provincial Inspectorate, the 12 departments every province has under Decree 150/2025 Art. 8
and optional ones of Art. 9, communes and wards with their standard offices), a user for every
role and a leader for every inspected unit.

Idempotent: every record is looked up by its natural key before it is created.
"""

from __future__ import annotations

from sqlalchemy import select

from inspect_app.answers import seed as answers_seed
from inspect_app.auth import operations as auth_ops
from inspect_app.auth.demo import DEMO_PASSWORD, demo_password_hash
from inspect_app.auth.models import User
from inspect_app.cases import seed as cases_seed
from inspect_app.cases.models import Case
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.deputies import seed as deputies_seed
from inspect_app.escalation.operations import sweep
from inspect_app.extension_requests import seed as extension_requests_seed
from inspect_app.extensions import db
from inspect_app.findings import seed as findings_seed
from inspect_app.implementation_checks import seed as follow_up_seed
from inspect_app.inspections import seed as inspections_seed
from inspect_app.inspections.models import Inspection
from inspect_app.plans import seed as plans_seed
from inspect_app.recovery import seed as recovery_seed
from inspect_app.reference import seed as reference_seed
from inspect_app.reports import seed as reports_seed
from inspect_app.reports.seed import AFTER_REPORT_CASES
from inspect_app.statistics import seed as statistics_seed
from inspect_app.units import operations as unit_ops
from inspect_app.units.models import Unit

PROVINCE = ("UBND", "Ủy ban nhân dân tỉnh Tuyên Quang", "province")
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
    ("SDTTG", "Sở Dân tộc và Tôn giáo"),  # optional (Art. 9), as the next one
    ("SNGV", "Sở Ngoại vụ"),
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
    # The former Tuyên Quang side of the province.
    ("PMX", "UBND phường Minh Xuân"),
    ("PNT", "UBND phường Nông Tiến"),
    ("PAT", "UBND phường An Tường"),
    ("XTT", "UBND xã Tân Trào"),
    ("XSD", "UBND xã Sơn Dương"),
    ("XNH", "UBND xã Nà Hang"),
    ("XCH", "UBND xã Chiêm Hóa"),
]
# The specialised offices every commune / ward People's Committee has since 1 July 2025
# (Decree 150/2025): code suffix, name (a ward's economic office also covers infrastructure).
COMMUNE_OFFICES = [
    ("VP", "Văn phòng HĐND và UBND"),
    ("KT", "Phòng Kinh tế"),
    ("VHXH", "Phòng Văn hóa - Xã hội"),
    ("HCC", "Trung tâm Phục vụ hành chính công"),
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
    # A leader for every unit a demo inspection or case is addressed to (they answer its cases).
    ("giamdoc.stc", "Vương Đình Khải", Role.UNIT_LEADER, "STC", "Giám đốc Sở Tài chính"),
    ("giamdoc.sgddt", "Nông Thị Huyền", Role.UNIT_LEADER, "SGDDT", "Giám đốc Sở Giáo dục và Đào tạo"),
    ("chutich.xdv", "Sùng Mí Chá", Role.UNIT_LEADER, "XDV", "Chủ tịch UBND xã Đồng Văn"),
    ("chutich.xmv", "Lò Văn Thắng", Role.UNIT_LEADER, "XMV", "Chủ tịch UBND xã Mèo Vạc"),
    ("giamdoc.svhttdl", "Ma Văn Lực", Role.UNIT_LEADER, "SVHTTDL", "Giám đốc Sở Văn hóa, Thể thao và Du lịch"),
    ("giamdoc.ttdvvl", "Hoàng Thị Yến", Role.UNIT_LEADER, "TTDVVL", "Giám đốc Trung tâm Dịch vụ việc làm"),
    ("giamdoc.ttbtxh", "Triệu Văn Hải", Role.UNIT_LEADER, "TTBTXH", "Giám đốc Trung tâm Bảo trợ xã hội"),
    ("chutich.pmx", "Phùng Thị Thu", Role.UNIT_LEADER, "PMX", "Chủ tịch UBND phường Minh Xuân"),
]  # fmt: skip

# Leaders given to any other unit an inspection or a case is addressed to (other seeders may
# add some): "lanhdao.<code>" with one of these names in turn.
SPARE_LEADER_NAMES = ("Đinh Văn Toàn", "Quan Thị Hà", "Mai Xuân Trường", "La Thị Vân")


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
    for code, _name in COMMUNES:
        for suffix, office in COMMUNE_OFFICES:
            if suffix == "KT" and code.startswith("P"):
                office = "Phòng Kinh tế, Hạ tầng và Đô thị"
            units[f"{code}-{suffix}"] = _ensure_unit(
                f"{code}-{suffix}", office, "agency", units[code]
            )
    return units


def seed_users(units: dict[str, Unit], accounts=USERS) -> list[User]:
    users = []
    for username, full_name, role, unit_code, title in accounts:
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
                password_hash=demo_password_hash(),
            )
        users.append(user)
    return users


# What `flask seed-demo` (and so `make run`) suggests trying first, per role: (username, what
# to do). The menu names are the Vietnamese interface's.
FIRST_STEPS = [
    ("thanhtra3", "Inspector: on Trang chủ press Ghi nhận phát hiện on 27/QĐ-TTr (UBND xã Đồng Văn, on site now) to log a finding with a photo; on a phone the inspection page has the button at its top."),
    ("truongdoan2", "Lead inspector: Trang chủ > 21/QĐ-SNV (Trung tâm Lưu trữ), press Nộp báo cáo của Đoàn, then Tạo kiến nghị từ phát hiện (it appears in place) for the recommendations."),
    ("chanhthanhtra", "Chief Inspector: on Trang chủ press Ghi nhận kết luận > 18/QĐ-SNV > Ghi nhận kết luận to record the conclusion; then Lập báo cáo mới gửi Ủy ban nhân dân tỉnh (level-3 cases come in) > Tạo dự thảo > Ký văn bản."),
    ("giamdoc.snv", "Unit leader: the home page shows the answer the team sent back and why; press Báo cáo lại; as head of Sở Nội vụ, signs its drafts (Văn bản chờ đồng chí ký). giamdoc.sgddt, chutich.xdv and others answer their units' cases."),
    ("thanhtra3", "Verifier: Trang chủ > Báo cáo chờ tôi xác nhận > the Sở Y tế case: Không chấp nhận kết quả báo cáo with a reason, and accept it once the unit reports again."),
    ("chutich", "Chairman: Trang chủ > Báo cáo gửi Chủ tịch UBND tỉnh > the report (PDF), and Bảng điều hành for the figures."),
    ("vanthu", "Clerk: Trang chủ lists the signed documents; press Vào sổ và phát hành to number and issue one (Văn bản has them all)."),
    ("admin", "Administrator: Trang chủ > Nhập sổ theo dõi to import an Excel tracker (Kiểm tra tệp, then Nhập); Người dùng, Đơn vị and Danh mục dùng chung (deadline rules with their legal citation, holidays) in the menu."),
]  # fmt: skip

# Feature seeders, in dependency order; each takes (units by code, users by username).
SEEDERS = (
    reference_seed,
    plans_seed,
    inspections_seed,
    findings_seed,
    cases_seed,
    answers_seed,
    deputies_seed,
    extension_requests_seed,
    recovery_seed,  # partly recovered money on a few demo cases
)


def seed_unit_leaders(units: dict[str, Unit]) -> list[User]:
    """A unit leader for every unit that an inspection targets or a case is addressed to and
    that has none yet (whoever seeded them), so every demo case can be answered."""
    needed = set(db.session.execute(select(Inspection.target_unit_id)).scalars())
    needed |= set(db.session.execute(select(Case.responsible_unit_id)).scalars())
    led = set(
        db.session.execute(
            select(User.unit_id).where(User.role == Role.UNIT_LEADER, User.active.is_(True))
        ).scalars()
    )
    by_id = {u.id: u for u in units.values()}
    missing = sorted(
        (by_id.get(i) or db.session.get(Unit, i) for i in needed - led), key=lambda u: u.code
    )
    return seed_users(
        units | {u.code: u for u in missing},
        [
            (
                f"lanhdao.{u.code.lower()}",
                SPARE_LEADER_NAMES[n % len(SPARE_LEADER_NAMES)],
                Role.UNIT_LEADER,
                u.code,
                f"Thủ trưởng {u.name}",
            )
            for n, u in enumerate(missing)
        ],
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
    follow_up_seed.seed_lifecycle()  # conclusions at each step of their lifecycle
    db.session.commit()
    sweep(clock.today())
    follow_up_seed.seed_check(by_name)  # a check decision with its result, then level 3
    db.session.commit()
    sweep(clock.today())
    reports_seed.seed(units, by_name)  # one issued report and one issued urging letter
    # Cases that reached level 3 since that report: what a new report to the Chairman takes.
    reports_seed.seed_after_report(units, by_name)
    db.session.commit()
    sweep(clock.today())  # they reach the check step; checked and "not done", then level 3
    follow_up_seed.seed_check(by_name, tuple(title for _u, _d, title, _a in AFTER_REPORT_CASES))
    db.session.commit()
    sweep(clock.today())
    users += seed_unit_leaders(units)
    db.session.commit()
    users += seed_periodic(units, by_name)
    return users


def seed_periodic(units: dict[str, Unit], by_name: dict[str, User]) -> list[User]:
    """A year of history for the periodic reports and the year's report draft (statistics),
    then the leaders' final answers on its accepted cases; returns any leader it added."""
    statistics_seed.seed(units, by_name)
    leaders = seed_unit_leaders(units)
    answers_seed.seed(units, by_name)
    db.session.commit()
    return leaders
