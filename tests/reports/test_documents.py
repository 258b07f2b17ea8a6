"""Official documents: numbering per type and year, freezing of issued documents, the PDF read
back with pdftotext, XLSX and CSV read back, the urging letter of the level-2 step, bad input."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import threading
import unicodedata
from datetime import date

import pdfplumber
import pytest
from markupsafe import escape
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from inspect_app.cases.models import CaseState
from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.escalation.operations import sweep
from inspect_app.notifications.models import Notification
from inspect_app.reports import documents, operations
from inspect_app.reports.models import Document, DocumentKind, DocumentState
from tests import factories

TODAY = date(2026, 11, 25)  # a Wednesday; a deadline of 15/10/2026 is 29 working days ago


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return nfc(out.stdout.decode("utf-8"))


def overdue_case(unit_name: str, title: str, due: date = date(2026, 10, 15), **kw):
    unit = factories.make_unit(unit_name)
    inspection = factories.make_inspection(state="monitoring", target_unit=unit)
    return factories.make_case(inspection=inspection, due=due, title=title, **kw)


def leadership(name: str = "Nguyễn Văn Hùng"):
    return factories.make_user("leadership", full_name=name, title="Chánh Thanh tra tỉnh")


def escalate(as_of: date = TODAY):
    from inspect_app.extensions import db

    db.session.commit()
    with clock.frozen(as_of):
        return sweep(as_of)


def urging_of(case) -> list[Document]:
    from inspect_app.extensions import db

    return list(
        db.session.execute(
            select(Document).where(
                Document.kind == DocumentKind.URGING, Document.case_id == case.id
            )
        ).scalars()
    )


def report(actor, start=date(2026, 10, 1), end=date(2026, 10, 31)):
    return operations.build_report_draft(actor, start, end)


# --- numbering ---------------------------------------------------------------------------------


def test_numbers_per_type_restart_each_year(db):
    boss = leadership()
    overdue_case("Sở Nội vụ", "Kiểm điểm trách nhiệm trong tuyển dụng")
    escalate()
    with clock.frozen(date(2026, 12, 30)):
        first = report(boss)
        factories.issue_document(boss, first)
        letter = db.session.execute(select(Document).where(Document.kind == "urging")).scalar_one()
        factories.issue_document(boss, letter)
        second = report(boss, date(2026, 11, 1), date(2026, 11, 30))
        second.body = "Tổng hợp tình hình tháng 11."
        db.session.flush()
        factories.issue_document(boss, second)
        db.session.commit()
    assert (first.number_label, first.year) == ("01/BC-TTr", 2026)
    assert (letter.number_label, letter.year) == ("01/TTr-NV", 2026)
    assert (second.number_label, second.year) == ("02/BC-TTr", 2026)
    with clock.frozen(date(2027, 1, 4)):
        new_year = report(boss, date(2026, 12, 1), date(2026, 12, 31))
        new_year.body = "Báo cáo tháng 12."
        db.session.flush()
        factories.issue_document(boss, new_year)
        db.session.commit()
    assert (new_year.number_label, new_year.year) == ("01/BC-TTr", 2027)


def test_unique_constraint_refuses_a_number_twice(db):
    boss = leadership()
    for _ in range(2):
        doc = report(boss)
        doc.body = "x"
        db.session.flush()
        with clock.frozen(TODAY):
            factories.issue_document(boss, doc)
    db.session.commit()
    docs = list(db.session.execute(select(Document).order_by(Document.id)).scalars())
    assert [d.number for d in docs] == [1, 2]
    docs[1].number = 1
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_two_issues_at_once_get_distinct_numbers(empty_database_url, tmp_path):
    """Two sessions in two threads issue two drafts at the same moment (PostgreSQL: advisory
    lock; SQLite: the write lock taken first)."""
    from inspect_app import create_app
    from inspect_app.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": empty_database_url,
            "UPLOAD_FOLDER": str(tmp_path / "up"),
        }
    )
    with app.app_context():
        db.create_all()
        boss = leadership()
        ids = []
        for n in range(4):
            doc = report(boss)
            doc.body = f"Báo cáo số liệu {n}"
            db.session.flush()
            ids.append(doc.id)
        db.session.commit()
        boss_id = boss.id
    barrier = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def run(doc_id: int) -> None:
        try:
            with app.app_context():
                from inspect_app.auth.models import User

                user = db.session.get(User, boss_id)
                doc = db.session.get(Document, doc_id)
                barrier.wait(timeout=30)
                factories.issue_document(user, doc)
                db.session.commit()
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in ids]
    # The clock is frozen for the process, once: a thread leaving its own frozen block would
    # let the clock run for the others, and a draft issued in another year than TODAY's
    # starts that year's register again at 1.
    with clock.frozen(TODAY):
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    with app.app_context():
        numbers = sorted(
            db.session.execute(select(Document.number).where(Document.id.in_(ids))).scalars()
        )
        db.session.remove()
        db.engine.dispose()
    assert errors == []
    assert numbers == [1, 2, 3, 4]


# --- freezing ------------------------------------------------------------------------------------


def test_issued_pdf_never_changes_when_cases_change(db, app):
    boss = leadership()
    case = overdue_case("Ủy ban nhân dân xã Đồng Văn", "Thu hồi phụ cấp chi sai đối tượng")
    escalate()
    with clock.frozen(TODAY):
        doc = report(boss)
        factories.issue_document(boss, doc)
    db.session.commit()
    path = documents.stored_pdf_path(doc)
    stored = _read(path)
    assert hashlib.sha256(stored).hexdigest() == doc.pdf_sha256 and len(stored) == doc.pdf_size
    case.title = "Tên đã đổi sau khi ban hành"
    case.due_date = date(2027, 3, 1)
    case.state = CaseState.ANSWERED
    db.session.commit()
    db.session.expire_all()
    assert _read(path) == stored
    assert [i.case_title for i in doc.items] == ["Thu hồi phụ cấp chi sai đối tượng"]
    assert doc.items[0].due_date == date(2026, 10, 15)
    c = _signed_in(app, boss)
    r = c.get(f"/reports/{doc.id}/pdf")
    assert r.status_code == 200 and r.data == stored
    assert r.headers["X-Content-SHA256"] == doc.pdf_sha256
    page = c.get(f"/reports/{doc.id}").get_data(as_text=True)
    assert "Thu hồi phụ cấp chi sai đối tượng" in page and "Tên đã đổi" not in page
    assert doc.pdf_sha256 in page


def _signed_in(app, user):
    from inspect_app.extensions import db

    db.session.commit()
    c = app.test_client()
    r = c.post("/login", data={"username": user.username, "password": factories.PASSWORD})
    assert r.status_code == 303
    c.token = None
    return c


def test_issuing_twice_and_editing_issued_are_refused(db):
    boss = leadership()
    doc = report(boss)
    doc.body = "Nhận xét chung."
    db.session.flush()
    with clock.frozen(TODAY):
        factories.issue_document(boss, doc)
    db.session.commit()
    sha, version = doc.pdf_sha256, doc.version
    with pytest.raises(OperationError) as again:
        factories.issue_document(boss, doc)
    assert again.value.status == 409 and "01/BC-TTr" in str(again.value.message)
    with pytest.raises(OperationError) as edit:
        operations.update_draft(boss, doc, {"title": "Khác"}, doc.version)
    assert edit.value.status == 409
    with pytest.raises(OperationError):
        operations.refresh_report(boss, doc, doc.version)
    db.session.rollback()
    db.session.refresh(doc)
    assert (doc.number, doc.pdf_sha256, doc.version) == (1, sha, version)
    assert doc.title != "Khác"


def test_empty_report_cannot_be_issued(db):
    boss = leadership()
    doc = report(boss)
    db.session.commit()
    with pytest.raises(OperationError) as empty, clock.frozen(TODAY):
        factories.issue_document(boss, doc)
    assert empty.value.status == 422 and empty.value.field == "body"
    db.session.rollback()
    assert db.session.get(Document, doc.id).state == DocumentState.DRAFT
    assert db.session.get(Document, doc.id).number is None


def test_period_ending_before_it_starts_is_refused(db):
    boss = leadership()
    db.session.commit()
    with pytest.raises(OperationError) as bad:
        report(boss, date(2026, 10, 31), date(2026, 10, 1))
    assert bad.value.field == "period_end"
    db.session.rollback()
    doc = report(boss)
    db.session.commit()
    with pytest.raises(OperationError):
        operations.update_draft(
            boss,
            doc,
            {"period_start": date(2026, 10, 20), "period_end": date(2026, 10, 2)},
            doc.version,
        )
    db.session.rollback()
    assert db.session.get(Document, doc.id).period_start == date(2026, 10, 1)


def test_stale_draft_form_is_refused(db):
    boss = leadership()
    doc = report(boss)
    db.session.commit()
    old = doc.version
    operations.update_draft(boss, doc, {"body": "Bản thứ nhất"}, old)
    db.session.commit()
    with pytest.raises(OperationError) as stale:
        operations.update_draft(boss, doc, {"body": "Bản cũ"}, old)
    assert stale.value.status == 409
    db.session.rollback()
    assert db.session.get(Document, doc.id).body == "Bản thứ nhất"


def test_only_leadership_or_admin_sign(db):
    doc = report(leadership())
    doc.body = "x"
    db.session.flush()
    db.session.commit()
    for role in ("inspector", "lead_inspector", "unit_leader", "chairman", "clerk"):
        with pytest.raises(OperationError) as refused:
            operations.sign(factories.make_user(role), doc, doc.version)
        assert refused.value.status == 403
    assert doc.state == DocumentState.DRAFT


# --- the PDF read back ---------------------------------------------------------------------------


def test_report_pdf_text(db):
    boss = leadership()
    overdue_case("Ủy ban nhân dân xã Đồng Văn", "Thu hồi kinh phí hỗ trợ chi sai quy định")
    overdue_case("Sở Y tế", "Chấn chỉnh công tác văn thư, lưu trữ", due=date(2026, 10, 1))
    escalate()
    with clock.frozen(TODAY):
        doc = report(boss)
        operations.update_draft(
            boss, doc, {"body": "Các đơn vị chậm khắc phục cần được xử lý nghiêm."}, doc.version
        )
        factories.issue_document(boss, doc)
    db.session.commit()
    text = pdf_text(_read(documents.stored_pdf_path(doc)))
    for expected in (
        "UBND TỈNH TUYÊN QUANG",
        "THANH TRA TỈNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 01/BC-TTr",
        "Tuyên Quang, ngày 25 tháng 11 năm 2026",
        "BÁO CÁO",
        "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Tuyên Quang",
        "Ủy ban nhân dân xã Đồng Văn",
        "Sở Y tế",
        "Thu hồi kinh phí hỗ trợ chi sai quy định",
        "Chấn chỉnh công tác văn thư, lưu trữ",
        "Các đơn vị chậm khắc phục cần được xử lý nghiêm.",
        "CHÁNH THANH TRA",
        "Nguyễn Văn Hùng",
        "Nơi nhận:",
        "- Lưu: VT, NV.",
    ):
        assert nfc(expected) in text, expected
    assert "DỰ THẢO" not in text
    # Grouped by unit (alphabetical), with the working days overdue (15/10 -> 25/11: 29).
    assert text.index("Sở Y tế") < text.index("Ủy ban nhân dân xã Đồng Văn")
    assert " 29" in text


def test_draft_pdf_is_marked_and_not_numbered(db):
    boss = leadership()
    doc = report(boss)
    doc.body = "Dự thảo nội dung."
    db.session.flush()
    db.session.flush()
    text = pdf_text(documents.render_pdf(doc))
    assert "DỰ THẢO" in text and "/BC-TTr" in text and "01/BC-TTr" not in text
    assert doc.pdf_stored_name is None


def test_urging_letter_pdf_text(db):
    boss = leadership()
    case = overdue_case("Sở Nội vụ", "Ban hành quy chế làm việc sau sắp xếp tổ chức bộ máy")
    case.inspection.conclusion_number = "12/KL-TTr"
    case.inspection.conclusion_date = date(2026, 3, 5)
    case.inspection.title = "Thanh tra việc tuyển dụng công chức năm 2025"
    escalate()
    (letter,) = urging_of(case)
    with clock.frozen(TODAY):
        factories.issue_document(boss, letter)
    db.session.commit()
    text = pdf_text(_read(documents.stored_pdf_path(letter)))
    # The "V/v" and the body name the conclusion by number and date, never the internal code;
    # its first citation gives number, date, issuer and summary.
    assert case.reference not in text and "KN-" not in text
    for expected in (
        "THANH TRA TỈNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Số: 01/TTr-NV",
        "V/v đôn đốc thực hiện Kết luận thanh tra số 12/KL-TTr ngày 05/3/2026",
        "Thực hiện Kết luận thanh tra số 12/KL-TTr ngày 05/3/2026 của Chánh Thanh tra tỉnh về "
        "thanh tra việc tuyển dụng công chức năm 2025",
        "Kính gửi: Sở Nội vụ",
        "Ban hành quy chế làm việc sau sắp xếp tổ chức bộ máy",
        "đã quá thời hạn 29 ngày làm việc",
        "Nơi nhận:",
        "- Lưu: VT, NV.",
        "Nguyễn Văn Hùng",
    ):
        assert nfc(expected) in text, expected


# --- exports ---------------------------------------------------------------------------------------


def _issued_report(db):
    boss = leadership()
    overdue_case("Ủy ban nhân dân phường Hà Giang 1", "Xử lý trách nhiệm để hồ sơ cán bộ thất lạc")
    escalate()
    with clock.frozen(TODAY):
        doc = report(boss)
        factories.issue_document(boss, doc)
    db.session.commit()
    return doc


def test_xlsx_reads_back(db):
    doc = _issued_report(db)
    wb = load_workbook(io.BytesIO(documents.export_xlsx(doc)))
    ws = wb["Danh sách"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "THANH TRA TỈNH" and rows[1][0] == "Số: 01/BC-TTr"
    header = rows[4]
    assert header[:4] == ["STT", "Đơn vị", "Số hiệu kiến nghị", "Nội dung kiến nghị"]
    data = rows[5]
    assert data[1] == "Ủy ban nhân dân phường Hà Giang 1"
    assert data[3] == "Xử lý trách nhiệm để hồ sơ cán bộ thất lạc"
    assert data[5].date() == date(2026, 10, 15) and data[6] == 29
    figures = {r[0]: r[1] for r in wb["Số liệu"].iter_rows(min_row=2, values_only=True)}
    assert figures["Kiến nghị quá hạn nghiêm trọng đưa vào báo cáo này"] == 1


def test_csv_reads_back(db):
    doc = _issued_report(db)
    data = documents.export_csv(doc)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["STT", "Đơn vị"]
    assert rows[1][1] == "Ủy ban nhân dân phường Hà Giang 1"
    assert rows[1][3] == "Xử lý trách nhiệm để hồ sơ cán bộ thất lạc"
    assert rows[1][5] == "15/10/2026" and rows[1][6] == "29"
    assert len(rows) == 2


# --- the escalation hooks and the monthly job -----------------------------------------------------


def test_level_2_drafts_one_urging_letter_per_case_and_deadline(db):
    boss = leadership()
    case = overdue_case("Sở Tư pháp", "Rà soát văn bản quy phạm", due=date(2026, 11, 13))
    escalate(date(2026, 11, 19))  # 4 working days overdue: level 1 only
    assert urging_of(case) == []
    escalate(date(2026, 11, 20))  # 5 working days: level 2
    escalate(date(2026, 11, 23))
    escalate(date(2026, 12, 10))  # level 3 too: still one letter
    letters = urging_of(case)
    assert len(letters) == 1
    letter = letters[0]
    assert letter.state == DocumentState.DRAFT and letter.due_date == date(2026, 11, 13)
    assert letter.unit_id == case.responsible_unit_id and letter.number is None
    assert "5 ngày làm việc" in letter.body
    assert factories.make_urging_letter(case, date(2026, 12, 11)) is None
    notes = db.session.execute(
        select(Notification.title).where(
            Notification.user_id == boss.id, Notification.kind == "level_2_group"
        )
    ).all()
    assert len(notes) == 1  # leadership's grouped notice of the day
    # A new deadline restarts the ladder: a new letter once it is 5 working days overdue again.
    case.due_date = date(2026, 12, 1)
    escalate(date(2026, 12, 8))
    assert len(urging_of(case)) == 2


def test_issuing_an_urging_letter_notifies_the_unit(db):
    boss = leadership()
    case = overdue_case("Sở Xây dựng", "Chấn chỉnh cấp phép xây dựng")
    leader = factories.make_user("unit_leader", unit=case.responsible_unit)
    escalate()
    (letter,) = urging_of(case)
    with clock.frozen(TODAY):
        factories.issue_document(boss, letter)
    db.session.commit()
    titles = list(
        db.session.execute(
            select(Notification.title).where(Notification.user_id == leader.id)
        ).scalars()
    )
    assert any("01/TTr-NV" in t for t in titles)


def test_an_issued_report_reaches_the_chairman_and_the_chief_inspector(db):
    boss = leadership()
    deputy = factories.make_user("leadership", title="Phó Chánh Thanh tra tỉnh")
    chairman = factories.make_user("chairman", title="Chủ tịch UBND tỉnh")
    clerk = factories.make_user("clerk")
    overdue_case("Sở Tài chính", "Thu hồi tiền chi sai")
    escalate()
    with clock.frozen(TODAY):
        doc = report(boss)
        factories.issue_document(boss, doc, clerk)
    db.session.commit()
    told = set(
        db.session.execute(
            select(Notification.user_id).where(Notification.kind == "document_report")
        ).scalars()
    )
    assert chairman.id in told and deputy.id in told
    assert clerk.id not in told and boss.id not in told


def test_urging_letter_of_a_closed_case_is_not_issued(db):
    boss = leadership()
    case = overdue_case("Sở Công Thương", "Kiểm tra hồ sơ")
    escalate()
    (letter,) = urging_of(case)
    case.state = CaseState.ANSWERED
    db.session.commit()
    with pytest.raises(OperationError) as refused:
        factories.issue_document(boss, letter)
    assert refused.value.status == 422
    db.session.rollback()
    assert db.session.get(Document, letter.id).number is None


def test_level_3_cases_enter_the_draft_and_leave_after_an_issued_report(db):
    boss = leadership()
    draft = report(boss)
    db.session.commit()
    case = overdue_case("Sở Tài chính", "Thu hồi tiền chi sai")
    escalate()
    assert [i.case_id for i in draft.items] == [case.id]  # level 3 joined the open draft
    with clock.frozen(TODAY):
        factories.issue_document(boss, draft)
        db.session.commit()
        later = report(boss, date(2026, 11, 1), date(2026, 11, 30))
    assert later.items == []  # already reported for this deadline
    assert later.figures["overdue"] == 1


def test_monthly_job_drafts_once_per_month(app, db):
    from inspect_app.scheduler import run_job

    overdue_case("Sở Y tế", "Thu hồi phụ cấp")
    escalate()
    out = run_job(app, "monthly_report", "2026-12-01")
    assert out.startswith("monthly_report 2026-12:") and "drafted (1 cases)" in out
    again = run_job(app, "monthly_report", "2026-12-02")
    assert "already run by another process" in again
    docs = list(db.session.execute(select(Document).where(Document.kind == "report")).scalars())
    assert len(docs) == 1
    assert (docs[0].period_start, docs[0].period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert docs[0].title.endswith("tháng 11/2026")
    count = db.session.execute(select(func.count()).select_from(Document)).scalar_one()
    assert count == 2  # the report draft and the case's urging letter


def test_place_and_date_line_and_recipients_follow_decree_30(app):
    with app.app_context():
        assert documents.date_line("Tuyên Quang", date(2026, 2, 5)) == (
            "Tuyên Quang, ngày 05 tháng 02 năm 2026"
        )
        assert documents.letterhead() == {
            "parent_body": "UBND TỈNH TUYÊN QUANG",
            "issuing_body": "THANH TRA TỈNH",
            "place": "Tuyên Quang",
            "issuing_body_id": None,  # no body of that name recorded in this test
        }
    assert documents.distribution_lines("Như trên;\n\n- Sở Nội vụ;") == [
        "- Như trên;",
        "- Sở Nội vụ;",
        "- Lưu: VT, NV.",
    ]
    assert documents.distribution_lines("- Như trên;\n- Lưu: VT, TTr.")[-1] == "- Lưu: VT, NV."
    assert len(documents.distribution_lines("- Như trên;\n- Lưu: VT, TTr.")) == 2


def _page_texts(data: bytes) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return [nfc(page) for page in out.stdout.decode("utf-8").split("\f") if page.strip()]


def test_long_report_repeats_the_table_header_and_keeps_every_row(db):
    """90 cases over several pages: the header row on every page of the table, page numbers
    from page 2, every case once, in unit groups, the signature block at the end."""
    boss = leadership()
    titles = []
    for n in range(90):
        title = f"Khắc phục sai phạm số {n:03d} về quản lý đất đai, xây dựng cơ bản ở địa phương"
        overdue_case(f"Ủy ban nhân dân xã Số {n % 7}", title)
        titles.append(title)
    escalate()
    with clock.frozen(TODAY):
        doc = report(boss)
    data = documents.render_pdf(doc)
    pages = _page_texts(data)
    assert len(pages) >= 4
    table_pages = [p for p in pages if "Khắc phục sai phạm số" in p]
    assert len(table_pages) >= 3
    assert all("Số ngày làm việc quá hạn" in p and "STT" in p for p in table_pages)
    text = " ".join(pages)
    # The case column alone (a wrapped title otherwise interleaves with the deadline column).
    mm = 72 / 25.4
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        column = nfc(
            " ".join(
                page.crop(((30 + 13) * mm, 0, (195 - 55) * mm, page.height)).extract_text() or ""
                for page in pdf.pages
            )
        )
    for title in titles:
        assert column.count(nfc(title)) == 1, title
    assert pages[1].split()[0] == "2" and pages[-1].split()[0] == str(len(pages))
    assert "Nơi nhận:" in pages[-1] and "CHÁNH THANH TRA" in pages[-1]
    assert text.index("1. Ủy ban nhân dân xã Số 0") < text.index("2. Ủy ban nhân dân xã Số 1")


def test_preview_and_pdf_are_drawn_from_one_layout(db, app):
    """Every text of the layout (letterhead, title, body, table, "Nơi nhận", signature) is in
    both the page preview and the PDF, in the layout's order in the preview."""
    from inspect_app.reports import layout as blocks

    boss = leadership()
    overdue_case("Sở Y tế", "Chấn chỉnh công tác văn thư, lưu trữ", due=date(2026, 10, 1))
    escalate()
    with clock.frozen(TODAY):
        doc = report(boss)
    db.session.commit()
    sheet = documents.paper_context(doc)["layout"]
    kinds = [b.kind for b in (*sheet.head, *sheet.body, *sheet.foot)]
    assert kinds[:4] == ["DraftMark", "Letterhead", "Title", "Recipient"]
    assert "CaseTable" in kinds and kinds[-1] == "Signature"

    def texts(block) -> list[str]:
        if isinstance(block, str):
            return [block]
        if isinstance(block, blocks.Text | blocks.Heading | blocks.DraftMark):
            return [block.text]
        if isinstance(block, blocks.Paragraphs):
            return list(block.texts)
        if isinstance(block, blocks.CaseTable):
            return [row.title for _unit, rows in block.groups for row in rows]
        if not isinstance(block, blocks.Block):
            return []
        found = []
        for name in block.__slots__:
            value = getattr(block, name)
            for item in value if isinstance(value, tuple) else (value,):
                found += texts(item)
        return found

    expected = [t for b in (*sheet.head, *sheet.body, *sheet.foot) for t in texts(b) if t.strip()]
    html = app.jinja_env.get_template("reports/_paper.html").render(layout=sheet)
    pdf = " ".join(nfc(pdf_text(documents.render_pdf(doc))).split())
    at = 0
    for text in expected:
        if text.startswith("Số:") and "\u00a0" in text:
            # The unregistered number's blank is wide: text extraction reads the two sides of
            # the clerk's blank as two columns.
            assert all(word in pdf for word in text.split()), text
        else:
            assert " ".join(text.split()) in pdf, text
        at = html.index(str(escape(text)), at)
