"""The import pages, `flask import cases`, the case export (round trip with the import) and the
case PDF."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from inspect_app.cases.models import Case, case_finding
from inspect_app.core.audit import AuditEvent
from inspect_app.inspections.models import Inspection
from inspect_app.workflows import imports
from tests import factories as f
from tests.workflows.tracker import row, xlsx

TOKEN = re.compile(r"/imports/([A-Za-z0-9_.\-]+)/run")


@pytest.fixture()
def world(db, uploads):
    unit = f.make_unit("Sở Nội vụ", code="SNV")
    ref = f.make_legal_reference(instrument="Luật Cán bộ, công chức", article="12", clause="2")
    db.session.commit()
    return unit, ref


def upload(c, data: bytes, name="so-theo-doi.xlsx"):
    return c.post(
        "/imports/check",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def cases_count(db) -> int:
    return db.session.execute(select(func.count()).select_from(Case)).scalar_one()


def test_upload_shows_the_dry_run_then_imports(db, login_as, world):
    unit, ref = world
    c = login_as("admin")
    data = xlsx(
        [
            row(unit, ref, number=1, title="Chấn chỉnh tuyển dụng"),
            row(unit, ref, number=2, due_date="x"),
        ]
    )
    r = upload(c, data)
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    assert 'data-row="3" data-status="error"' in body
    assert 'data-row="2" data-status="ok"' in body
    assert "Hạn thực hiện" in body
    assert cases_count(db) == 0
    token = TOKEN.search(body).group(1)
    # Rows with errors: the import is refused, nothing written.
    refused = c.post(f"/imports/{token}/run", data={})
    assert refused.status_code == 422 and cases_count(db) == 0
    # The report of this upload.
    report = c.get(f"/imports/{token}/report.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.data)).active
    assert [cell.value for cell in sheet[1]][-2:] == [imports.STATUS_HEADER, imports.MESSAGE_HEADER]
    # A corrected file imports.
    good = upload(c, xlsx([row(unit, ref, number=1, title="Chấn chỉnh tuyển dụng")]))
    token = TOKEN.search(good.get_data(as_text=True)).group(1)
    done = c.post(f"/imports/{token}/run", data={})
    assert done.status_code == 303
    case = db.session.execute(select(Case)).scalar_one()
    assert case.title == "Chấn chỉnh tuyển dụng"
    assert case.import_source == "so-theo-doi.xlsx — dòng 2"
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "so-theo-doi.xlsx — dòng 2" in page


def test_ambiguous_names_are_chosen_on_the_page(db, login_as, world):
    unit, ref = world
    one = f.make_unit("Phòng Tư pháp", parent=f.make_unit("Huyện A"))
    f.make_unit("Phòng Tư pháp", parent=f.make_unit("Huyện B"))
    db.session.commit()
    c = login_as("leadership")
    r = upload(c, xlsx([row(unit, ref, responsible_unit="Phong Tu Phap")]))
    body = r.get_data(as_text=True)
    field = re.search(r'<select id="(choose-unit-[^"]+)"', body).group(1)
    token = TOKEN.search(body).group(1)
    again = c.post(f"/imports/{token}/check", data={field: str(one.id)})
    assert 'data-status="ok"' in again.get_data(as_text=True)
    done = c.post(f"/imports/{token}/run", data={field: str(one.id)})
    assert done.status_code == 303
    assert db.session.execute(select(Case.responsible_unit_id)).scalar_one() == one.id


def test_unreadable_files_answer_422_with_the_reason(db, login_as, world):
    c = login_as("admin")
    r = upload(c, f.png_bytes(), "anh.png")
    assert r.status_code == 422
    assert 'aria-invalid="true"' in r.get_data(as_text=True)
    assert upload(c, b"", "rong.csv").status_code == 422
    missing = c.post("/imports/check", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422


def test_another_users_token_is_not_found(db, login_as, world):
    unit, ref = world
    c = login_as("admin")
    token = TOKEN.search(upload(c, xlsx([row(unit, ref)])).get_data(as_text=True)).group(1)
    other = login_as("admin")
    assert other.post(f"/imports/{token}/run", data={}).status_code == 404
    assert other.get(f"/imports/{token}/report.xlsx").status_code == 404
    assert c.get("/imports/not-a-token/report.xlsx").status_code == 404


def test_the_template_downloads(db, login_as, world):
    r = login_as("admin").get("/imports/template.xlsx")
    assert r.status_code == 200
    assert load_workbook(io.BytesIO(r.data)).sheetnames == [
        imports.SHEET_TITLE,
        imports.INSTRUCTIONS_TITLE,
    ]


def test_cli_dry_run_and_import(app, db, world, tmp_path):
    unit, ref = world
    f.make_user("admin")
    db.session.commit()
    path = tmp_path / "so.xlsx"
    path.write_bytes(xlsx([row(unit, ref, number=1), row(unit, ref, number=2)]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", "cases", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 rows: 2 ok" in result.output and "Dry run" in result.output
    assert cases_count(db) == 0
    result = runner.invoke(args=["import", "cases", str(path)])
    assert result.exit_code == 0, result.output
    assert cases_count(db) == 2
    again = runner.invoke(args=["import", "cases", str(path)])
    assert "0 added, 0 updated, 2 unchanged" in again.output
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([row(unit, ref, due_date="không rõ")]))
    result = runner.invoke(args=["import", "cases", str(bad)])
    assert result.exit_code == 1 and "row 2: error" in result.output


# --- the export, and the round trip with the import ------------------------------------------


def _demo(db):
    """Cases of every type and state on two concluded inspections, with the fields a tracker
    carries (amount, answers so far, closing dates, withdrawal reasons, formula-like text)."""
    unit, other = f.make_unit("Sở Tài chính"), f.make_unit("UBND xã Đồng Văn")
    lead = f.make_user("lead_inspector")
    ref, ref2 = f.make_legal_reference(), f.make_legal_reference(summary="Quản lý tài chính")
    first = f.make_inspection(
        "monitoring", target_unit=unit, lead=lead, title="Thanh tra tài chính"
    )
    second = f.make_inspection("concluded", target_unit=other, lead=lead, kind="kiem_tra")
    closed = datetime(2026, 8, 3, 2, 30, tzinfo=UTC)
    f.make_case(
        inspection=first, type="recovery", amount_vnd=Decimal(2_500_000), legal_reference=ref
    )
    f.make_case(
        inspection=first, state="answered", answers_text="Đã nộp một phần", legal_reference=ref2
    )
    f.make_case(inspection=first, state="accepted", closed_at=closed, legal_reference=ref)
    f.make_case(
        inspection=second,
        state="withdrawn",
        closed_at=closed,
        legal_reference=ref2,
        responsible_unit=unit,
        severity="high",
        type="discipline",
    )
    f.make_case(
        inspection=second,
        title='=HYPERLINK("http://example.com","x")',
        legal_reference=ref,
        required_action="+ rà soát; - báo cáo",
        type="other",
    )
    db.session.commit()


def _rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def test_export_then_import_is_lossless(db, login_as, uploads):
    _demo(db)
    admin = login_as("admin")
    exported = admin.get("/cases/export.xlsx")
    assert exported.status_code == 200
    rows = _rows(exported.data)
    assert list(rows[0]) == [c.header for c in imports.COLUMNS]
    assert len(rows) == 6
    # Re-importing the export into the same database changes nothing.
    token = TOKEN.search(upload(admin, exported.data, "xuat.xlsx").get_data(as_text=True)).group(1)
    page = admin.post(f"/imports/{token}/check", data={}).get_data(as_text=True)
    assert page.count('data-status="ok"') == 5, page
    assert admin.post(f"/imports/{token}/run", data={}).status_code == 303
    assert cases_count(db) == 5
    assert (
        db.session.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action.like("case_import%"))
        ).scalar_one()
        == 0
    )
    # Into a database without those conclusions (units, references and users kept): the same
    # cases come back, and their export is the same file, row for row.
    db.session.execute(delete(case_finding))
    db.session.execute(delete(Case))
    db.session.execute(delete(Inspection))
    db.session.commit()
    token = TOKEN.search(upload(admin, exported.data, "xuat.xlsx").get_data(as_text=True)).group(1)
    assert admin.post(f"/imports/{token}/run", data={}).status_code == 303
    assert cases_count(db) == 5
    again = _rows(admin.get("/cases/export.xlsx").data)
    assert sorted(again[1:], key=str) == sorted(rows[1:], key=str)


def test_exports_escape_formula_injection(db, login_as, uploads):
    _demo(db)
    c = login_as("admin")
    xlsx_rows = _rows(c.get("/cases/export.xlsx").data)
    titles = [r[11] for r in xlsx_rows]
    assert '\'=HYPERLINK("http://example.com","x")' in titles
    assert "'+ rà soát; - báo cáo" in [r[12] for r in xlsx_rows]
    body = c.get("/cases/export.csv").data
    assert body.startswith("\ufeff".encode())
    csv_rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert '\'=HYPERLINK("http://example.com","x")' in [r[11] for r in csv_rows]
    for r in csv_rows[1:]:
        for value in r:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_the_export_follows_the_filters_and_the_users_units(db, login_as, uploads):
    _demo(db)
    c = login_as("admin")
    only = _rows(c.get("/cases/export.xlsx?state=accepted").data)
    state = only[0].index(imports.HEADERS["state"])
    assert len(only) == 2 and only[1][state] == "Đã chấp nhận (hoàn thành)"
    outsider = login_as("unit_leader", unit=f.make_unit())
    assert len(_rows(outsider.get("/cases/export.xlsx").data)) == 1  # the headers only


def test_the_export_takes_a_fixed_number_of_queries(db, login_as, uploads, count_queries):
    _demo(db)
    c = login_as("admin")
    c.get("/cases/export.xlsx")
    with count_queries() as few:
        c.get("/cases/export.xlsx")
    inspection = db.session.execute(select(Inspection)).scalars().first()
    for _ in range(10):
        f.make_case(inspection=inspection, legal_reference=f.make_legal_reference())
    db.session.commit()
    with count_queries() as many:
        c.get("/cases/export.xlsx")
    assert many() == few()


def test_one_case_as_a_pdf_with_its_timeline(db, login_as, uploads, tmp_path):
    _demo(db)
    case = db.session.execute(select(Case).where(Case.state == "answered")).scalar_one()
    f.make_user("admin")
    from inspect_app.core import audit

    audit.record(None, case, "case_created", note="Ghi chú thử nghiệm")
    db.session.commit()
    r = login_as("admin").get(f"/cases/{case.id}/pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    path = tmp_path / "case.pdf"
    path.write_bytes(r.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    import unicodedata

    text = unicodedata.normalize("NFC", text.decode())
    assert case.reference in text and "DIỄN BIẾN" in text
    assert "Đã nộp một phần" in text and "Ghi chú thử nghiệm" in text
    other = login_as("unit_leader", unit=f.make_unit())
    assert other.get(f"/cases/{case.id}/pdf").status_code == 404


def test_dates_in_exports_stay_dates(db, login_as, uploads):
    _demo(db)
    rows = _rows(login_as("admin").get("/cases/export.xlsx").data)
    due = rows[0].index(imports.HEADERS["due_date"])
    assert all(isinstance(r[due], datetime | date) for r in rows[1:])


def test_the_demo_exports_and_imports_again_unchanged(db, login_as, uploads):
    """The demo province (`flask seed-demo`): every case exports, the export checks without an
    error and importing it again changes no case."""
    from inspect_app.core import clock
    from inspect_app.seed import seed_demo

    with clock.frozen(date(2026, 11, 25)):
        seed_demo()
        db.session.commit()
        versions = db.session.execute(select(Case.id, Case.version).order_by(Case.id)).all()
        admin = login_as("admin", username="importer")
        exported = admin.get("/cases/export.xlsx")
        assert len(_rows(exported.data)) == len(versions) + 1
        body = upload(admin, exported.data, "demo.xlsx").get_data(as_text=True)
        assert 'data-count="error">0<' in body, body[body.find("import-check-h") :][:6000]
        assert f'data-count="rows">{len(versions)}<' in body
        token = TOKEN.search(body).group(1)
        assert admin.post(f"/imports/{token}/run", data={}).status_code == 303
        assert db.session.execute(select(Case.id, Case.version).order_by(Case.id)).all() == versions


def test_a_file_of_100000_rows_is_refused_at_once_with_the_limit(db, login_as, world, uploads):
    """At the configured limit (20,000 rows): a clear 422 naming it, in seconds, nothing
    stored or imported, for CSV and XLSX alike."""
    import time

    from openpyxl import Workbook

    headers = [c.header for c in imports.COLUMNS]
    lines = [",".join(headers)] + [f"{n},12/KL-TTr" for n in range(100_000)]
    big_csv = ("\ufeff" + "\n".join(lines)).encode()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(imports.SHEET_TITLE)
    sheet.append(headers)
    for n in range(100_000):
        sheet.append([n])
    out = io.BytesIO()
    book.save(out)
    c = login_as("admin")
    for name, data in (("lon.csv", big_csv), ("lon.xlsx", out.getvalue())):
        started = time.perf_counter()
        r = upload(c, data, name)
        elapsed = time.perf_counter() - started
        body = r.get_data(as_text=True)
        assert r.status_code == 422, name
        assert "20000" in body.replace(".", "").replace(",", ""), name
        assert TOKEN.search(body) is None  # no dry run to import from
        assert elapsed < 30, (name, elapsed)  # about 1 s here; refused before any row is checked
    assert cases_count(db) == 0
    assert not uploads.exists() or not any(uploads.rglob("*"))  # the upload was not kept


def test_both_forms_show_a_progress_indication_while_the_server_works(db, login_as, world):
    """Checking or importing 10,000 rows takes a few seconds in one request: each form carries
    the indeterminate bar that imports.js shows on submit (hidden until then)."""
    unit, ref = world
    c = login_as("admin")
    page = c.get("/imports").get_data(as_text=True)
    assert "/static/imports.js" in page
    form = page[page.index('action="/imports/check"') :].split("</form>")[0]
    assert "data-import-progress" in form and "<progress" in form
    assert re.search(r'role="status"[^>]*data-progress hidden', form)
    body = upload(c, xlsx([row(unit, ref)])).get_data(as_text=True)
    run_form = body[TOKEN.search(body).start() :].split("</form>")[0]
    assert "data-import-progress" in run_form and "<progress" in run_form
    script = c.get("/static/imports.js")
    assert script.status_code == 200 and b"data-import-progress" in script.data
