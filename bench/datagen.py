"""Bulk data generator: a realistic province (unit tree, staff, plans, inspections, findings,
cases, a hash-chained audit trail) written with SQLAlchemy Core executemany (SQLite) or COPY
(PostgreSQL), never row by row through the ORM.

    python -m bench.datagen --url sqlite:///bench/data/std.db                 # 100k / 300k / 1M
    python -m bench.datagen --url postgresql+psycopg://postgres@127.0.0.1/bench_std
    python -m bench.datagen --url sqlite:///bench/data/sweep.db --cases 1000000 --findings 0 \
        --audit 0 --all-open --overdue 0.1                                    # sweep data set

The schema comes from `db.create_all()` on the models (the same tables `flask db upgrade`
creates); reference data (fields, legal references, deadline rules, holidays) comes from the
product's own seed. Every generated user has the password `BENCH_PASSWORD`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Table, func, select, text
from werkzeug.security import generate_password_hash

BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - benchmark data only
CHUNK = 20_000

# Who the scenarios sign in as.
LEADERSHIP_USER = "bench.leadership"
ADMIN_USER = "bench.admin"
# The unit leader of the first department (with its service units below it).
UNIT_LEADER_USER = "bench.leader.d01"

DEPARTMENT_NAMES = [
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Dân tộc và Tôn giáo",
    "Văn phòng UBND tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Ban Quản lý dự án đầu tư xây dựng",
    "Đài Phát thanh và Truyền hình",
    "Bảo hiểm xã hội tỉnh",
    "Công an tỉnh",
    "Sở Ngoại vụ",
]
SERVICE_KINDS = ["Trung tâm Dịch vụ", "Trung tâm Kiểm định", "Ban Quản lý dự án"]
COMMUNE_WORDS = ["Bắc", "Nam", "Đông", "Tây", "Yên", "Hòa", "Tân", "Phú", "Vĩnh", "Quang"]
COMMUNE_TAILS = ["Sơn", "Thủy", "Bình", "Lâm", "Minh", "Thành", "Hà", "Xuân", "An", "Phong"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Văn Hùng", "Thị Mai", "Minh Tuấn", "Thu Hà", "Đức Anh", "Thị Lan", "Quốc Bảo"]
TITLE_VERBS = [
    "Thu hồi kinh phí chi sai chế độ",
    "Chấn chỉnh công tác tuyển dụng viên chức",
    "Sửa đổi quy chế chi tiêu nội bộ",
    "Kiểm điểm trách nhiệm tập thể, cá nhân",
    "Hoàn thiện hồ sơ đất đai",
    "Xử lý vi phạm trong đấu thầu",
    "Chấn chỉnh quản lý tài sản công",
    "Bổ sung hồ sơ thủ tục hành chính",
]
TITLE_OBJECTS = [
    "năm 2023",
    "năm 2024",
    "dự án nhà văn hóa",
    "trường tiểu học",
    "trạm y tế",
    "quỹ phòng chống thiên tai",
    "chương trình mục tiêu quốc gia",
    "hợp đồng lao động",
]
ACTIONS = [
    "Nộp lại số tiền chi sai vào tài khoản tạm giữ của Thanh tra tỉnh.",
    "Tổ chức kiểm điểm và báo cáo kết quả bằng văn bản.",
    "Ban hành văn bản sửa đổi, bổ sung và gửi Thanh tra tỉnh.",
    "Rà soát toàn bộ hồ sơ và khắc phục các thiếu sót đã nêu.",
]
FINDING_TEXTS = [
    "Chi hỗ trợ không đúng đối tượng theo quy định.",
    "Hồ sơ tuyển dụng thiếu văn bằng chứng chỉ theo yêu cầu.",
    "Chưa niêm yết công khai thủ tục hành chính tại bộ phận một cửa.",
    "Thanh toán khối lượng nghiệm thu vượt thực tế thi công.",
    "Sử dụng xe công không đúng mục đích.",
    "Chậm giải quyết hồ sơ đất đai quá thời hạn quy định.",
]
CASE_TYPES = ["admin_handling", "recovery", "discipline", "other", "referral"]
SEVERITIES = ["low", "medium", "high", "serious"]


@dataclass
class Sizes:
    cases: int = 100_000
    findings: int = 300_000
    audit: int = 1_000_000
    departments: int = 18
    services_per_department: int = 3
    communes: int = 100
    inspectors: int = 30
    lead_inspectors: int = 8
    cases_per_inspection: int = 8
    # Sweep data set: every case open, `overdue` of them past their deadline.
    all_open: bool = False
    overdue: float = 0.10


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def line(self) -> str:
        parts = ", ".join(f"{k} {v:,}" for k, v in self.counts.items())
        return f"generated in {self.seconds:.1f} s: {parts}"


# --- writing -------------------------------------------------------------------------------


def bulk_insert(conn: Connection, table: Table, rows: Iterable[dict]) -> int:
    """Insert rows in chunks: COPY on PostgreSQL, Core executemany elsewhere."""
    total = 0
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            total += _flush(conn, table, batch)
            batch = []
    if batch:
        total += _flush(conn, table, batch)
    return total


def _flush(conn: Connection, table: Table, batch: list[dict]) -> int:
    if conn.dialect.name == "postgresql":
        cols = list(batch[0])
        raw = conn.connection.driver_connection
        names = ", ".join(f'"{c}"' for c in cols)
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in batch:
                copy.write_row(tuple(_copy_value(row[c]) for c in cols))
    else:
        conn.execute(table.insert(), batch)
    return len(batch)


def _copy_value(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _fix_sequences(conn: Connection, tables: list[Table]) -> None:
    if conn.dialect.name != "postgresql":
        return
    for t in tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{t.name}"), 0) + 1, false)'
            )
        )


def _max_id(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()


# --- the data ------------------------------------------------------------------------------


def _audit_hash(prev: str, payload: dict) -> str:
    """The same hash as `AuditEvent.compute_hash` (checked by `verify_chain` in the smoke run)."""
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev + body).encode()).hexdigest()


def generate(url: str, sizes: Sizes, seed: int = 1, log=print) -> Summary:
    """Drop and recreate the schema at `url` and fill it; returns what was written."""
    from inspect_app import create_app
    from inspect_app.cases import totals
    from inspect_app.extensions import db

    started = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        from inspect_app.reference import seed as reference_seed

        reference_seed.seed({}, {})
        db.session.commit()
        summary = Summary()
        with db.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            # The running totals' triggers fire per row: off for the bulk load (a million cases
            # took PostgreSQL more than 15 minutes), the totals computed once after, then on.
            for statement in totals.drop_ddl(conn.dialect.name):
                conn.exec_driver_sql(statement)
            _fill(conn, sizes, random.Random(seed), summary, log)
            totals.rebuild(conn)
            for statement in totals.trigger_ddl(conn.dialect.name):
                conn.exec_driver_sql(statement)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                # VACUUM too: the visibility map lets the counters use index-only scans (the
                # server may run with autovacuum off, so a bulk load is never vacuumed).
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    summary.seconds = time.perf_counter() - started
    return summary


def _fill(conn: Connection, sizes: Sizes, rnd: random.Random, summary: Summary, log) -> None:
    from inspect_app.auth.models import User
    from inspect_app.cases.models import Case, case_finding
    from inspect_app.core.audit import GENESIS, AuditEvent
    from inspect_app.core.search import fold
    from inspect_app.findings.models import Finding
    from inspect_app.inspections.models import Inspection, inspection_field, inspection_member
    from inspect_app.plans.models import Plan, PlanItem
    from inspect_app.reference.models import FieldOfWork, LegalReference
    from inspect_app.units.models import Unit

    now = datetime.now(UTC).replace(microsecond=0)
    today = now.date()
    field_ids = list(conn.execute(select(FieldOfWork.id)).scalars())
    legal_ids = list(conn.execute(select(LegalReference.id)).scalars())

    def stamp(days_ago: float) -> datetime:
        return now - timedelta(days=days_ago)

    def base(created: datetime) -> dict:
        return {"created_at": created, "updated_at": created, "version": 1}

    # Units: the province, departments with service units, communes.
    units: list[dict] = []
    created = stamp(900)
    units.append({"id": 1, "code": "UBND", "name": "Ủy ban nhân dân tỉnh", "kind": "province"})
    departments, services, communes = [], [], []
    for i in range(sizes.departments):
        uid = len(units) + 1
        name = DEPARTMENT_NAMES[i % len(DEPARTMENT_NAMES)]
        if i >= len(DEPARTMENT_NAMES):
            name += f" {i // len(DEPARTMENT_NAMES) + 1}"
        units.append(
            {"id": uid, "code": f"D{i + 1:02d}", "name": name, "kind": "department", "parent_id": 1}
        )
        departments.append(uid)
        for j in range(sizes.services_per_department):
            sid = len(units) + 1
            units.append(
                {
                    "id": sid,
                    "code": f"D{i + 1:02d}S{j + 1}",
                    "name": f"{SERVICE_KINDS[j % len(SERVICE_KINDS)]} thuộc {name}",
                    "kind": "service_unit",
                    "parent_id": uid,
                }
            )
            services.append(sid)
    for k in range(sizes.communes):
        cid = len(units) + 1
        word = COMMUNE_WORDS[k % 10] + " " + COMMUNE_TAILS[(k // 10) % 10]
        prefix = "phường" if k % 7 == 0 else "xã"
        units.append(
            {
                "id": cid,
                "code": f"C{k + 1:03d}",
                "name": f"UBND {prefix} {word}" + (f" {k // 100 + 1}" if k >= 100 else ""),
                "kind": "commune",
                "parent_id": 1,
            }
        )
        communes.append(cid)
    for u in units:
        u.setdefault("parent_id", None)
        u.update(successor_id=None, active=True, **base(created))
        u["search_text"] = fold(f"{u['code']} {u['name']}")  # as Unit.search_source()
    summary.counts["units"] = bulk_insert(conn, Unit.__table__, units)
    targets = departments + services + communes

    # Users: staff and one leader per unit.
    password_hash = generate_password_hash(BENCH_PASSWORD, method="scrypt")
    users: list[dict] = []

    def add_user(username: str, role: str, unit_id: int | None, full_name: str) -> int:
        uid = len(users) + 1
        users.append(
            {
                "id": uid,
                "username": username,
                "full_name": full_name,
                "email": f"{username}@example.invalid",
                "title": None,
                "password_hash": password_hash,
                "role": role,
                "unit_id": unit_id,
                "active": True,
                "locale": "vi",
                "password_changed_at": created,
                **base(created),
            }
        )
        return uid

    def person(n: int) -> str:
        return f"{FAMILY[n % 10]} {GIVEN[(n // 10) % len(GIVEN)]}"

    admin_id = add_user(ADMIN_USER, "admin", None, "Quản trị hệ thống")
    leadership = [add_user(LEADERSHIP_USER, "leadership", None, "Chánh Thanh tra tỉnh")]
    leadership.append(add_user("bench.leadership2", "leadership", None, "Chủ tịch UBND tỉnh"))
    leads = [
        add_user(f"bench.lead{i + 1}", "lead_inspector", None, person(i))
        for i in range(sizes.lead_inspectors)
    ]
    inspectors = [
        add_user(f"bench.inspector{i + 1}", "inspector", None, person(i + 50))
        for i in range(sizes.inspectors)
    ]
    for u in units[1:]:
        add_user(f"bench.leader.{u['code'].lower()}", "unit_leader", u["id"], person(u["id"]))
    summary.counts["users"] = bulk_insert(conn, User.__table__, users)
    staff = leads + inspectors

    # One approved plan a year; 70% of inspections come from a plan item.
    years = [today.year - 2, today.year - 1, today.year]
    plans = []
    for n, year in enumerate(years, start=1):
        at = datetime(year - 1, 12, 15, 2, tzinfo=UTC)
        plans.append(
            {
                "id": n,
                "year": year,
                "title": f"Kế hoạch thanh tra năm {year}",
                "issuing_unit_id": 1,
                "state": "approved",
                "created_by_id": leads[0],
                "submitted_by_id": leads[0],
                "submitted_at": at,
                "approved_by_id": leadership[0],
                "approved_at": at,
                **base(at),
            }
        )
    bulk_insert(conn, Plan.__table__, plans)

    n_inspections = max(1, -(-sizes.cases // sizes.cases_per_inspection))
    first_day = today - timedelta(days=365 * 2 + 120)
    span_days = (today - first_day).days - 150
    inspections, plan_items, members, fields = [], [], [], []
    inspection_info = []  # (id, target, lead, team, start)
    for i in range(1, n_inspections + 1):
        start = first_day + timedelta(days=int(span_days * i / n_inspections))
        target = rnd.choice(targets)
        lead = rnd.choice(leads)
        team = [lead] + rnd.sample(inspectors, 2)
        kind = "thanh_tra" if i % 3 else "kiem_tra"
        plan_item_id = None
        if i % 10 < 7:
            plan_item_id = len(plan_items) + 1
            plan_items.append(
                {
                    "id": plan_item_id,
                    "plan_id": years.index(start.year) + 1 if start.year in years else 1,
                    "target_unit_id": target,
                    "kind": kind,
                    "period_kind": "quarter",
                    "period": (start.month - 1) // 3 + 1,
                    "lead_id": lead,
                    "content": "Thanh tra việc chấp hành chính sách, pháp luật",
                    "overlap_justification": None,
                    **base(stamp((today - start).days + 30)),
                }
            )
        end = start + timedelta(days=45)
        reported = end + timedelta(days=15)
        concl = end + timedelta(days=40)
        # The conclusion's lifecycle recorded step by step, as a province runs it; the newest
        # 2% still wait for the recommendation to the Chairman and his instruction.
        followed = i <= n_inspections * 0.98
        inspections.append(
            {
                "id": i,
                "kind": kind,
                "title": f"Thanh tra {TITLE_OBJECTS[i % len(TITLE_OBJECTS)]} tại đơn vị {target}",
                "plan_item_id": plan_item_id,
                "ad_hoc_reason": None if plan_item_id else "Theo chỉ đạo của Chủ tịch UBND tỉnh",
                "decision_number": f"{i}/QĐ-TTr",
                "decision_date": start - timedelta(days=7),
                "target_unit_id": target,
                "lead_id": lead,
                "scope": "Việc chấp hành chính sách, pháp luật",
                "period_under_review": "2022-2024",
                "start_date": start,
                "planned_end_date": end,
                "state": "monitoring",
                "onsite_started_on": start,
                "onsite_ended_on": end,
                "reported_on": reported,
                "drafting_assigned_on": reported + timedelta(days=2),
                "draft_submitted_on": reported + timedelta(days=15),
                "appraised_on": reported + timedelta(days=20),
                "published_on": concl + timedelta(days=5),
                "recommended_on": concl + timedelta(days=3) if followed else None,
                "instruction_number": f"{i}/UBND-NC" if followed else None,
                "instruction_date": concl + timedelta(days=15) if followed else None,
                "extension_reference": None,
                "extension_days": None,
                "conclusion_number": f"{i}/KL-TTr",
                "conclusion_date": concl,
                "conclusion_summary": "Kết luận thanh tra",
                "conclusion_file_id": None,
                "closed_on": None,
                "created_by_id": lead,
                **base(datetime.combine(start, datetime.min.time(), tzinfo=UTC)),
            }
        )
        row = inspections[-1]  # as Inspection.search_source()
        row["search_text"] = fold(
            f"{row['title']} {row['decision_number']} {row['conclusion_number']}"
        )
        members += [{"inspection_id": i, "user_id": u} for u in team]
        for f in rnd.sample(field_ids, min(2, len(field_ids))):
            fields.append({"inspection_id": i, "field_id": f})
        inspection_info.append((i, target, lead, team, start, concl))
    bulk_insert(conn, PlanItem.__table__, plan_items)
    summary.counts["inspections"] = bulk_insert(conn, Inspection.__table__, inspections)
    bulk_insert(conn, inspection_member, members)
    bulk_insert(conn, inspection_field, fields)
    del inspections, plan_items, members, fields

    # Findings, spread evenly over inspections.
    per_inspection = sizes.findings / n_inspections if sizes.findings else 0

    def finding_rows() -> Iterator[dict]:
        fid = 0
        for iid, _target, _lead, team, start, _c in inspection_info:
            upto = round(per_inspection * iid)
            while fid < upto:
                fid += 1
                observed = datetime.combine(
                    start + timedelta(days=fid % 40), datetime.min.time(), tzinfo=UTC
                ) + timedelta(hours=2)
                yield {
                    "id": fid,
                    "inspection_id": iid,
                    "author_id": team[fid % len(team)],
                    "description": FINDING_TEXTS[fid % len(FINDING_TEXTS)] + f" (mục {fid})",
                    "field_id": field_ids[fid % len(field_ids)],
                    "place": "Trụ sở đơn vị",
                    "observed_at": observed,
                    "severity": SEVERITIES[fid % 4],
                    "idempotency_key": None,
                    **base(observed),
                }

    summary.counts["findings"] = bulk_insert(conn, Finding.__table__, finding_rows())

    # Cases: `cases_per_inspection` per inspection, addressed to the target or a unit below.
    children: dict[int, list[int]] = {}
    for u in units:
        if u["parent_id"]:
            children.setdefault(u["parent_id"], []).append(u["id"])
    overdue_n = round(sizes.cases * sizes.overdue)

    def case_state_and_due(cid: int, concl: date) -> tuple[str, date]:
        if sizes.all_open:
            # Deterministic share overdue: every k-th case, due 1-120 days ago; others ahead.
            if overdue_n and (cid * overdue_n) // sizes.cases != ((cid - 1) * overdue_n) // (
                sizes.cases
            ):
                return "open", today - timedelta(days=1 + cid % 120)
            return "open", today + timedelta(days=1 + cid % 365)
        due = concl + timedelta(days=30 + cid % 330)
        roll = rnd.random()
        if due >= today:
            state = "open" if roll < 0.8 else ("answered" if roll < 0.95 else "withdrawn")
        else:
            state = (
                "accepted"
                if roll < 0.62
                else "open"
                if roll < 0.80
                else "answered"
                if roll < 0.93
                else "withdrawn"
            )
        return state, due

    links_per_case = sizes.findings / max(1, sizes.cases)

    def case_rows() -> Iterator[dict]:
        cid = 0
        for iid, target, lead, _team, _start, concl in inspection_info:
            for number in range(1, sizes.cases_per_inspection + 1):
                cid += 1
                if cid > sizes.cases:
                    return
                state, due = case_state_and_due(cid, concl)
                kind = CASE_TYPES[cid % 5]
                title = f"{TITLE_VERBS[cid % 8]} {TITLE_OBJECTS[(cid // 8) % 8]}"
                action = ACTIONS[cid % len(ACTIONS)]
                unit = target
                if children.get(target) and cid % 3 == 0:
                    unit = children[target][cid % len(children[target])]
                at = datetime.combine(concl, datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
                closed = at + timedelta(days=20) if state in ("accepted", "withdrawn") else None
                yield {
                    "id": cid,
                    "inspection_id": iid,
                    "number": number,
                    "type": kind,
                    "title": title,
                    "legal_reference_id": legal_ids[cid % len(legal_ids)],
                    "severity": SEVERITIES[(cid // 5) % 4],
                    "responsible_unit_id": unit,
                    "required_action": action,
                    # as Case.search_source(): reference, title, required action
                    "search_text": fold(f"{Case.reference_of(iid, number)} {title} {action}"),
                    "amount_vnd": Decimal(1_000_000 * (1 + cid % 500))
                    if kind == "recovery"
                    else None,
                    "due_date": due,
                    "original_due_date": due,
                    "due_change_reason": None,
                    "state": state,
                    "withdrawn_reason": "Đơn vị đã giải thể" if state == "withdrawn" else None,
                    "closed_at": closed,
                    "escalation_level": 0,
                    "escalated_on": None,
                    "created_by_id": lead,
                    **base(at),
                }

    summary.counts["cases"] = bulk_insert(conn, Case.__table__, case_rows())

    def link_rows() -> Iterator[dict]:
        if not sizes.findings:
            return
        # Case k of an inspection points at one or two of that inspection's findings.
        for cid in range(1, summary.counts["cases"] + 1):
            iid = (cid - 1) // sizes.cases_per_inspection + 1
            lo = round(per_inspection * (iid - 1)) + 1
            hi = round(per_inspection * iid)
            if hi < lo:
                continue
            picks = {lo + (cid * 7) % (hi - lo + 1)}
            if links_per_case > 2:
                picks.add(lo + (cid * 13 + 1) % (hi - lo + 1))
            for fid in picks:
                yield {"case_id": cid, "finding_id": fid}

    summary.counts["case-finding links"] = bulk_insert(conn, case_finding, link_rows())

    # The audit trail, continuing the chain the reference seed started.
    table = AuditEvent.__table__
    prev = (
        conn.execute(select(table.c.hash).order_by(table.c.id.desc()).limit(1)).scalar() or GENESIS
    )
    first_id = _max_id(conn, table) + 1
    n_cases = summary.counts["cases"]
    n_findings = summary.counts["findings"]
    n_insp = len(inspection_info)
    start_at = stamp(900)
    step = (now - start_at) / max(1, sizes.audit)

    def audit_rows() -> Iterator[dict]:
        nonlocal prev
        for k in range(sizes.audit):
            roll = k % 10
            if roll < 3 and n_findings:
                otype, oid, action = "Finding", 1 + (k * 7919) % n_findings, "finding_created"
                before, after = None, {"severity": SEVERITIES[k % 4]}
            elif roll < 4:
                otype, oid = "Inspection", 1 + (k * 104729) % n_insp
                action, before, after = (
                    "inspection_concluded",
                    {"state": "reported"},
                    {"state": "concluded"},
                )
            else:
                otype, oid = "Case", 1 + (k * 15485863) % max(1, n_cases)
                action = ("case_created", "case_answered", "case_deadline_changed")[k % 3]
                before = None if action == "case_created" else {"state": "open"}
                after = {"state": "answered" if action == "case_answered" else "open"}
            payload = {
                "at": (start_at + step * k).replace(microsecond=0),
                "actor_id": staff[k % len(staff)],
                "on_behalf_of_id": None,
                "object_type": otype,
                "object_id": oid,
                "action": action,
                "before": before,
                "after": after,
                "note": None,
            }
            hashed = dict(payload, at=payload["at"].isoformat())
            digest = _audit_hash(prev, hashed)
            yield {"id": first_id + k, **payload, "prev_hash": prev, "hash": digest}
            prev = digest

    summary.counts["audit events"] = bulk_insert(conn, table, audit_rows())
    _fix_sequences(
        conn,
        [Unit.__table__, User.__table__, Plan.__table__, PlanItem.__table__]
        + [Inspection.__table__, Finding.__table__, Case.__table__, table],
    )
    log(f"  admin user id {admin_id}; password {BENCH_PASSWORD!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database to fill")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--findings", type=int, default=300_000)
    parser.add_argument("--audit", type=int, default=1_000_000)
    parser.add_argument("--all-open", action="store_true", help="sweep data set: all cases open")
    parser.add_argument("--overdue", type=float, default=0.10, help="with --all-open")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    sizes = Sizes(
        cases=args.cases,
        findings=args.findings,
        audit=args.audit,
        all_open=args.all_open,
        overdue=args.overdue,
    )
    summary = generate(args.url, sizes, args.seed)
    print(summary.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
