"""Demo data of the reference feature (idempotent): fields of the Home Affairs sector, legal
references, deadline rules with their sources, public holidays 2025-2027."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from inspect_app.core import records
from inspect_app.extensions import db
from inspect_app.reference import models, operations

# (code, name, name_en): the Home Affairs sector after the 2025 merger, then another
# department's field (beliefs and religions moved to the Department of Ethnic and Religious
# Affairs).
FIELDS = [
    (
        "TCBM",
        "Tổ chức bộ máy hành chính, sự nghiệp",
        "Administrative and public-service organisation",
    ),
    ("CQDP", "Chính quyền địa phương", "Local government"),
    ("DGHC", "Địa giới đơn vị hành chính", "Administrative boundaries"),
    (
        "CBCCVC",
        "Cán bộ, công chức, viên chức và công vụ",
        "Officials, civil servants, public employees and the public service",
    ),
    ("CCHC", "Cải cách hành chính", "Administrative reform"),
    (
        "HOIQUY",
        "Hội, quỹ xã hội, quỹ từ thiện và tổ chức phi chính phủ",
        "Associations, social and charity funds, NGOs",
    ),
    ("TDKT", "Thi đua, khen thưởng", "Emulation and rewards"),
    ("VTLT", "Văn thư, lưu trữ", "Records and archives"),
    ("TN", "Thanh niên", "Youth"),
    ("LDTL", "Lao động, tiền lương", "Labour and wages"),
    ("VL", "Việc làm", "Employment"),
    ("BHXH", "Bảo hiểm xã hội", "Social insurance"),
    ("ATVSLD", "An toàn, vệ sinh lao động", "Occupational safety and health"),
    ("NCC", "Người có công", "People with meritorious service"),
    ("BDG", "Bình đẳng giới", "Gender equality"),
    (
        "TNTG",
        "Tín ngưỡng, tôn giáo",
        "Beliefs and religions (Department of Ethnic and Religious Affairs)",
    ),
]

LUAT_CBCC = "Luật Cán bộ, công chức số 22/2008/QH12 (sửa đổi, bổ sung năm 2019)"
LUAT_VC = "Luật Viên chức số 58/2010/QH12 (sửa đổi, bổ sung năm 2019)"
LUAT_TT = "Luật Thanh tra số 84/2025/QH15"

# (instrument, article, clause, summary)
LEGAL_REFERENCES = [
    (
        LUAT_CBCC,
        "79",
        "2",
        "Công chức vi phạm bị xử lý bằng một trong các hình thức kỷ luật: khiển trách, cảnh cáo, "
        "hạ bậc lương, giáng chức, cách chức, buộc thôi việc.",
    ),
    (
        LUAT_CBCC,
        "80",
        "3",
        "Thời hạn xử lý kỷ luật không quá 90 ngày, trường hợp phức tạp cần thêm thời gian thì "
        "không quá 150 ngày.",
    ),
    (
        LUAT_VC,
        "52",
        "1",
        "Viên chức vi phạm bị xử lý bằng một trong các hình thức kỷ luật: khiển trách, cảnh cáo, "
        "cách chức, buộc thôi việc.",
    ),
    (
        LUAT_VC,
        "25",
        "",
        "Hợp đồng làm việc của viên chức gồm hợp đồng xác định thời hạn và hợp đồng không xác "
        "định thời hạn theo quy định của Luật.",
    ),
    (
        "Nghị định số 112/2020/NĐ-CP về xử lý kỷ luật cán bộ, công chức, viên chức",
        "2",
        "",
        "Việc xử lý kỷ luật phải khách quan, công bằng, nghiêm minh, đúng thẩm quyền và trình "
        "tự; mỗi hành vi vi phạm chỉ bị xử lý một hình thức kỷ luật.",
    ),
    (
        "Nghị định số 138/2020/NĐ-CP về tuyển dụng, sử dụng và quản lý công chức",
        "3",
        "",
        "Việc tuyển dụng công chức phải căn cứ vào yêu cầu nhiệm vụ, vị trí việc làm và chỉ "
        "tiêu biên chế được giao.",
    ),
    (
        "Nghị định số 115/2020/NĐ-CP về tuyển dụng, sử dụng và quản lý viên chức",
        "2",
        "",
        "Việc tuyển dụng viên chức phải căn cứ vào nhu cầu công việc, vị trí việc làm, tiêu "
        "chuẩn chức danh nghề nghiệp và quỹ tiền lương của đơn vị sự nghiệp công lập.",
    ),
    (
        "Nghị định số 30/2020/NĐ-CP về công tác văn thư",
        "8",
        "1",
        "Văn bản hành chính phải trình bày đủ các thành phần thể thức bắt buộc: quốc hiệu, tiêu "
        "ngữ, tên cơ quan ban hành, số và ký hiệu, địa danh và thời gian, tên loại và trích yếu, "
        "nội dung, chữ ký, dấu và nơi nhận.",
    ),
    (
        "Nghị định số 62/2020/NĐ-CP về vị trí việc làm và biên chế công chức",
        "3",
        "",
        "Vị trí việc làm và biên chế công chức được xác định theo chức năng, nhiệm vụ của cơ "
        "quan, tổ chức và bảo đảm nguyên tắc mỗi vị trí gắn với một chức danh, ngạch công chức.",
    ),
    (
        "Luật Lưu trữ số 33/2024/QH15",
        "13",
        "",
        "Cơ quan, tổ chức phải lập hồ sơ công việc và nộp lưu hồ sơ, tài liệu vào Lưu trữ cơ "
        "quan đúng thời hạn quy định.",
    ),
    (
        "Luật Thi đua, khen thưởng số 06/2022/QH15",
        "5",
        "",
        "Khen thưởng phải bảo đảm chính xác, công khai, minh bạch, công bằng, kịp thời và căn cứ "
        "vào điều kiện, tiêu chuẩn và thành tích đạt được.",
    ),
    (
        LUAT_TT,
        "36",
        "",
        "Người ra quyết định thanh tra ký kết luận thanh tra trong thời hạn 15 ngày kể từ ngày "
        "nhận được dự thảo kết luận.",
    ),
    (
        LUAT_TT,
        "53",
        "",
        "Chủ tịch Ủy ban nhân dân cấp tỉnh có văn bản chỉ đạo thực hiện kết luận thanh tra "
        "trong thời hạn 15 ngày kể từ ngày nhận được kiến nghị của Chánh Thanh tra tỉnh.",
    ),
    (
        LUAT_TT,
        "55",
        "",
        "Cơ quan thanh tra theo dõi, đôn đốc, kiểm tra việc thực hiện kết luận thanh tra và kiến "
        "nghị xử lý trách nhiệm người đứng đầu không thực hiện.",
    ),
    (
        "Nghị định số 216/2025/NĐ-CP quy định chi tiết Luật Thanh tra",
        "30",
        "",
        "Đối tượng thanh tra báo cáo bằng văn bản kèm tài liệu chứng minh kết quả thực hiện kết "
        "luận thanh tra; quá hạn thì cơ quan thanh tra có văn bản đôn đốc.",
    ),
]

L22 = "Luật Thanh tra số 11/2022/QH15"
XLVPHC = "Luật Xử lý vi phạm hành chính số 15/2012/QH13 (sửa đổi năm 2020)"
# Rules the inspectorate sets itself (checks, the escalation ladder): its own regulation is
# the citation; an administrator edits the figure and the text.
LOCAL = "Quy chế làm việc của Thanh tra tỉnh"

BLDS = "Bộ luật Dân sự số 91/2015/QH13"
ONSITE_NOTE = (
    "Tính theo ngày làm việc kể từ ngày công bố quyết định thanh tra (ghi trong biên bản công "
    "bố), không kể ngày nghỉ theo quy định. Gia hạn một lần, không quá 30 ngày làm việc, do "
    "người ra quyết định thanh tra quyết định."
)

# (key, label, amount, day kind, extension_max, source, note)
DEADLINE_RULES = [
    (
        "deadline.next_working_day",
        "Thời hạn kết thúc vào ngày nghỉ: chuyển sang ngày làm việc tiếp theo",
        1,
        "working",
        None,
        f"{BLDS}, khoản 5 Điều 148",
        "1: áp dụng, 0: không áp dụng. Khi ngày cuối cùng của thời hạn là ngày nghỉ cuối tuần "
        "hoặc ngày nghỉ lễ thì thời hạn kết thúc tại thời điểm kết thúc ngày làm việc tiếp theo.",
    ),
    (
        "plan.issue",
        "Ban hành kế hoạch thanh tra năm (ngày của tháng 12)",
        20,
        "calendar",
        None,
        f"{LUAT_TT}, khoản 4 Điều 2; {L22}, Điều 45",
        "Số ngày là ngày trong tháng 12 của năm trước năm kế hoạch, không phải số ngày cộng thêm.",
    ),
    (
        "inspection.onsite.thanh_tra",
        "Thời hạn thanh tra trực tiếp (cấp tỉnh)",
        45,
        "working",
        30,
        f"{L22}, Điều 47; Thông tư số 06/2021/TT-TTCP, khoản 5 Điều 3",
        ONSITE_NOTE,
    ),
    (
        "inspection.onsite.kiem_tra",
        "Thời hạn kiểm tra trực tiếp",
        30,
        "calendar",
        None,
        LOCAL,
        None,
    ),
    (
        "conclusion.assign_drafting",
        "Giao xây dựng dự thảo kết luận thanh tra",
        5,
        "working",
        None,
        f"{LUAT_TT}, Điều 34",
        "Tính từ ngày nhận báo cáo kết quả thanh tra.",
    ),
    (
        "conclusion.sign",
        "Ký kết luận thanh tra",
        15,
        "calendar",
        None,
        f"{LUAT_TT}, Điều 36",
        "Tính từ ngày nhận dự thảo kết luận.",
    ),
    (
        "chairman.instruction",
        "Chủ tịch UBND tỉnh chỉ đạo thực hiện kết luận",
        15,
        "calendar",
        None,
        f"{LUAT_TT}, Điều 53",
        "Tính từ ngày nhận kết luận thanh tra.",
    ),
    (
        "escalation.notice",
        "Thông báo quá hạn",
        1,
        "working",
        None,
        LOCAL,
        "Số ngày làm việc quá hạn.",
    ),
    (
        "escalation.urging",
        "Văn bản đôn đốc",
        5,
        "working",
        None,
        LOCAL,
        "Số ngày làm việc quá hạn.",
    ),
    (
        "escalation.report",
        "Báo cáo Chủ tịch UBND tỉnh",
        15,
        "working",
        None,
        LOCAL,
        "Số ngày làm việc quá hạn.",
    ),
    (
        "violation.record",
        "Lập biên bản vi phạm hành chính",
        2,
        "working",
        None,
        f"{XLVPHC}, Điều 58; Nghị định 118/2021/NĐ-CP",
        "3 ngày làm việc nếu cần giám định, định giá; 5 ngày làm việc với vụ việc phức tạp.",
    ),
    (
        "sanction.decision",
        "Ra quyết định xử phạt vi phạm hành chính",
        7,
        "working",
        None,
        f"{XLVPHC}, Điều 66",
        "10 ngày làm việc nếu chuyển hồ sơ; 1 tháng nếu giải trình hoặc xác minh; 2 tháng với "
        "vụ việc đặc biệt nghiêm trọng, phức tạp.",
    ),
    (
        "decision.send",
        "Gửi quyết định xử phạt",
        2,
        "working",
        None,
        f"{XLVPHC}, Điều 70",
        "Tính từ ngày ra quyết định.",
    ),
    (
        "case.default",
        "Thời hạn thực hiện kiến nghị (mặc định)",
        60,
        "calendar",
        None,
        "Theo kết luận thanh tra; mặc định của hệ thống",
        "Áp dụng khi kết luận không ghi thời hạn và không có quy tắc riêng cho loại kiến nghị.",
    ),
    (
        "case.recovery",
        "Thu hồi tiền, tài sản",
        30,
        "calendar",
        None,
        "Theo kết luận thanh tra; mặc định của hệ thống",
        None,
    ),
    (
        "case.recovery.serious",
        "Thu hồi tiền, tài sản (vi phạm rất nghiêm trọng)",
        15,
        "working",
        None,
        "Theo kết luận thanh tra; mặc định của hệ thống",
        None,
    ),
    (
        "case.discipline",
        "Xử lý kỷ luật cán bộ, công chức, viên chức",
        45,
        "working",
        None,
        f"{LUAT_CBCC}, Điều 80; Nghị định 112/2020/NĐ-CP",
        "Thời hạn xử lý kỷ luật tối đa 90 ngày (150 ngày với vụ việc phức tạp).",
    ),
    (
        "case.admin_handling",
        "Xử lý hành chính tổ chức",
        30,
        "working",
        None,
        "Theo kết luận thanh tra; mặc định của hệ thống",
        None,
    ),
    (
        "case.referral",
        "Chuyển hồ sơ vụ việc có dấu hiệu tội phạm sang cơ quan điều tra",
        15,
        "calendar",
        None,
        "Theo kết luận thanh tra; mặc định của hệ thống",
        None,
    ),
    (
        "case.other",
        "Kiến nghị khác (cơ chế, chính sách, văn bản, chấn chỉnh quản lý)",
        60,
        "calendar",
        None,
        "Theo kết luận thanh tra; mặc định của hệ thống",
        None,
    ),
]


def _span(start: date, end: date, name: str, document: str | None, provisional: bool = False):
    days, d = [], start
    while d <= end:
        days.append((d, name, False, document, provisional))
        d += timedelta(days=1)
    return days


BLLD = "Bộ luật Lao động số 45/2019/QH14"
HOLIDAY_LAW = f"{BLLD}, khoản 1 Điều 112"
MAKE_UP_LAW = f"{BLLD}, khoản 3 Điều 111"  # a holiday on a weekend: the next working day off
VPCP_2026 = "Công văn 12729/VPCP-KGVX"

# 2026 as announced: 1/1 and Fri 2/1 off, made up Sat 10/1; Tết 14/2-22/2; Sun 26/4 Giỗ Tổ,
# off Mon 27/4; 30/4; 1/5; National Day 29/8-2/9 with Mon 31/8 off, made up Sat 22/8.
HOLIDAYS_2026: list[tuple[date, str, bool, str | None, bool]] = [
    (date(2026, 1, 1), "Tết Dương lịch", False, HOLIDAY_LAW, False),
    (date(2026, 1, 2), "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", False, VPCP_2026, False),
    (date(2026, 1, 10), "Làm bù cho ngày nghỉ 02/01/2026", True, VPCP_2026, False),
    *_span(date(2026, 2, 14), date(2026, 2, 22), "Tết Nguyên đán Bính Ngọ", HOLIDAY_LAW),
    (date(2026, 4, 26), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", False, HOLIDAY_LAW, False),
    (date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương", False, MAKE_UP_LAW, False),
    (date(2026, 4, 30), "Ngày Chiến thắng (30/4)", False, HOLIDAY_LAW, False),
    (date(2026, 5, 1), "Ngày Quốc tế Lao động (1/5)", False, HOLIDAY_LAW, False),
    (date(2026, 8, 22), "Làm bù cho ngày nghỉ 31/8/2026", True, VPCP_2026, False),
    (date(2026, 8, 31), "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)", False, VPCP_2026, False),
    (date(2026, 9, 1), "Quốc khánh (ngày liền kề)", False, HOLIDAY_LAW, False),
    (date(2026, 9, 2), "Quốc khánh (2/9)", False, HOLIDAY_LAW, False),
]
# (day, name, is_working_day, document, provisional). Tết spans list every day of the announced
# break (weekends in it are off anyway); provisional rows (not announced yet) count as listed
# until an administrator confirms them with the announcing document.
HOLIDAYS: list[tuple[date, str, bool, str | None, bool]] = [
    # 2025
    (date(2025, 1, 1), "Tết Dương lịch", False, HOLIDAY_LAW, False),
    *_span(date(2025, 1, 25), date(2025, 2, 2), "Tết Nguyên đán Ất Tỵ", HOLIDAY_LAW),
    (date(2025, 4, 7), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", False, HOLIDAY_LAW, False),
    (date(2025, 4, 26), "Làm bù cho ngày nghỉ 02/5/2025", True, None, False),
    (date(2025, 4, 30), "Ngày Chiến thắng (30/4)", False, HOLIDAY_LAW, False),
    (date(2025, 5, 1), "Ngày Quốc tế Lao động (1/5)", False, HOLIDAY_LAW, False),
    (date(2025, 5, 2), "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", False, None, False),
    (date(2025, 9, 1), "Quốc khánh (ngày liền kề)", False, HOLIDAY_LAW, False),
    (date(2025, 9, 2), "Quốc khánh (2/9)", False, HOLIDAY_LAW, False),
    # 2026 as announced
    *HOLIDAYS_2026,
    # 2027: Tết and the National Day's adjacent day are not announced yet
    (date(2027, 1, 1), "Tết Dương lịch", False, HOLIDAY_LAW, False),
    *_span(date(2027, 2, 4), date(2027, 2, 10), "Tết Nguyên đán Đinh Mùi", HOLIDAY_LAW, True),
    (date(2027, 4, 16), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", False, HOLIDAY_LAW, False),
    (date(2027, 4, 30), "Ngày Chiến thắng (30/4)", False, HOLIDAY_LAW, False),
    (date(2027, 5, 1), "Ngày Quốc tế Lao động (1/5)", False, HOLIDAY_LAW, False),
    (date(2027, 5, 3), "Nghỉ bù Ngày Quốc tế Lao động", False, MAKE_UP_LAW, False),
    (date(2027, 9, 2), "Quốc khánh (2/9)", False, HOLIDAY_LAW, False),
    (date(2027, 9, 3), "Quốc khánh (ngày liền kề)", False, HOLIDAY_LAW, True),
]


def _create_missing(rows, names: tuple[str, ...], columns: tuple, create) -> None:
    """`create(None, data)` for each of `rows` (its values named by `names`) that no record
    has yet, a record being known by its values of `columns`."""
    existing = {tuple(row) for row in db.session.execute(select(*columns))}
    for row in rows:
        data = dict(zip(names, row, strict=True))
        if tuple(data[column.key] for column in columns) not in existing:
            create(None, data)


def seed_fields() -> None:
    _create_missing(
        FIELDS, ("code", "name", "name_en"), (models.FieldOfWork.code,), operations.create_field
    )


def seed_legal_references() -> None:
    _create_missing(
        LEGAL_REFERENCES,
        ("instrument", "article", "clause", "summary"),
        (
            models.LegalReference.instrument,
            models.LegalReference.article,
            models.LegalReference.clause,
        ),
        operations.create_legal_reference,
    )


def seed_deadline_rules() -> None:
    _create_missing(
        DEADLINE_RULES,
        operations.RULE_FIELDS,
        (models.DeadlineRule.key,),
        operations.create_deadline_rule,
    )


# The follow-up rules the first seed lacked (conclusion lifecycle, check step): added after it.
CONCLUSION_RULES = [
    (
        "conclusion.publish",
        "Công khai kết luận thanh tra",
        10,
        "calendar",
        None,
        "Nghị định số 216/2025/NĐ-CP",
        "Tính từ ngày ký kết luận; đăng trên cổng thông tin ít nhất 15 ngày liên tục và một "
        "hình thức khác.",
    ),
    (
        "conclusion.recommend",
        "Chánh Thanh tra tỉnh kiến nghị Chủ tịch UBND tỉnh chỉ đạo thực hiện kết luận",
        15,
        "calendar",
        None,
        f"{LUAT_TT}, Điều 52",
        "Tính từ ngày ký kết luận thanh tra.",
    ),
    (
        "escalation.check",
        "Kiểm tra việc thực hiện kết luận thanh tra",
        10,
        "working",
        None,
        f"{LUAT_TT}, Điều 55; Nghị định số 216/2025/NĐ-CP",
        "Số ngày làm việc quá hạn, sau văn bản đôn đốc và trước báo cáo Chủ tịch UBND tỉnh.",
    ),
]


def seed_conclusion_rules() -> None:
    _create_missing(
        CONCLUSION_RULES,
        operations.RULE_FIELDS,
        (models.DeadlineRule.key,),
        operations.create_deadline_rule,
    )


def seed_holidays() -> None:
    _create_missing(
        HOLIDAYS, operations.HOLIDAY_FIELDS, (models.Holiday.day,), operations.create_holiday
    )


# The bodies issuing activities (code, letterhead name, display name, signer's title, the
# instruments cited first, the kind of activity): the Inspectorate's inspections under Law
# 84/2025 and Decree 216/2025, Home Affairs' checks under Decree 217/2025 (its own letterhead
# and symbols, QĐ-SNV).
ISSUING_BODIES = [
    (
        "TTr",
        "THANH TRA TỈNH",
        "Thanh tra tỉnh",
        "CHÁNH THANH TRA",
        "Luật Thanh tra số 84/2025/QH15 ngày 25 tháng 6 năm 2025 của Quốc hội\n"
        "Nghị định số 216/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ quy định chi tiết "
        "một số điều và hướng dẫn thi hành Luật Thanh tra",
        models.ActivityKind.THANH_TRA,
    ),
    (
        "SNV",
        "SỞ NỘI VỤ",
        "Sở Nội vụ",
        "GIÁM ĐỐC",
        "Nghị định số 217/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ về hoạt động "
        "kiểm tra chuyên ngành",
        models.ActivityKind.KIEM_TRA,
    ),
]
BODY_FIELDS = ("code", "name", "display_name", "signer_title", "legal_basis", "activity_kind")


def seed_issuing_bodies() -> None:
    """The two issuing bodies, where missing (by code)."""
    _create_missing(
        ISSUING_BODIES,
        BODY_FIELDS,
        (models.IssuingBody.code,),
        lambda actor, data: records.add(
            actor, models.IssuingBody(**data), "issuing_body_created", BODY_FIELDS
        ),
    )


def seed_body_signers(units: dict) -> None:
    """A body other than the inspectorate signs through its own unit where the tree has one
    of its code (the Director of Home Affairs signs Sở Nội vụ's check decisions)."""
    for body in db.session.execute(select(models.IssuingBody)).scalars():
        unit = units.get(body.code)
        if body.activity_kind.is_check and body.signer_unit_id is None and unit is not None:
            body.signer_unit = unit


def seed(units: dict, users: dict) -> None:
    """Create the demo records of this feature if they are missing."""
    seed_issuing_bodies()
    seed_body_signers(units)
    seed_fields()
    seed_legal_references()
    seed_deadline_rules()
    seed_conclusion_rules()
    seed_holidays()
    db.session.flush()
