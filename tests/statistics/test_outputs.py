"""The forms' data checked against the records' attributes, an older report keeping its form
version, the XLSX read back against the screen cell by cell (headers, merges, units, totals),
the dashboard's breakdown against the tables, and bad input through the pages and the API."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from inspect_app.cases.models import CaseType
from inspect_app.core import clock
from inspect_app.recovery.models import RecoveryPayment
from inspect_app.reference.models import ActivityKind
from inspect_app.reports.models import Document, DocumentKind
from inspect_app.statistics import definitions, operations, queries
from inspect_app.statistics.models import PeriodicReport
from inspect_app.units.models import UnitKind
from tests import factories as f

D = date
PERIOD = "2026-Q1"
# The values a `name=a|b` term may name, per attribute.
ENUMS = {
    "type": {t.value for t in CaseType},
    "kind": {k.value for k in ActivityKind},
    "unit_kind": {k.value for k in UnitKind},
    "inspected_kind": {k.value for k in UnitKind},
}


def _terms(version):
    """(record, term) for every term of every cell of `version`."""
    for table in version.tables:
        for row in table["rows"]:
            for col in table["columns"]:
                for term in [*table.get("where", []), *row.get("where", []), *col["where"]]:
                    yield col["record"], term, f"{version.key} {table['code']}/{col['key']}"


def test_every_term_of_every_version_names_an_attribute_its_records_have(world):
    records = queries.load(*operations.resolve(PERIOD))
    for kind, names in queries.RECORD_ATTRIBUTES.items():
        pool = getattr(records, kind)
        assert pool, kind
        assert names <= set(next(iter(pool.values()))), kind  # what `load` really gives
    for version in definitions.versions():
        for record, term, where in _terms(version):
            name, _eq, values = term.lstrip("!").partition("=")
            assert name in queries.RECORD_ATTRIBUTES[record], (where, term)
            if values:
                assert set(values.split("|")) <= ENUMS[name], (where, term)
        for table in version.tables:
            for col in table["columns"]:
                how, _sep, attr = col["value"].partition(":")
                if how == "sum":
                    assert attr in queries.RECORD_ATTRIBUTES[col["record"]], col["key"]
                if how == "distinct":
                    assert attr in queries.DISTINCT_KINDS, col["key"]


def _cell(snap, code, row, col):
    table = next(t for t in snap["tables"] if t["code"] == code)
    return Decimal(next(r for r in table["rows"] if r["key"] == row)["cells"][col]["value"])


def test_activity_rows_follow_the_inspected_unit_and_follow_up_rows_the_responsible_one(world):
    """A recommendation of the service unit's inspection addressed to the department: in the
    service unit's row of 01/TTr (đối tượng thanh tra), in the department's row of 03/TTr
    (đơn vị thực hiện kiến nghị); the rows still add up to the totals."""
    i3, dept = world["inspections"]["i3"], world["units"]["dept"]
    f.make_case(inspection=i3, type="recovery", due=D(2026, 6, 30), responsible_unit=dept,
                amount_vnd=Decimal(5_000_000))  # fmt: skip
    f.db.session.commit()
    snap = operations.live_snapshot(*operations.resolve(PERIOD))
    assert _cell(snap, "01/TTr", "service", "recover_vnd") == 5_000_000
    assert _cell(snap, "01/TTr", "province", "recover_vnd") == 100_000_000
    assert [_cell(snap, "01/TTr", r, "units_violating") for r in ("province", "service", "total")] == [1, 1, 2]  # fmt: skip
    assert _cell(snap, "03/TTr", "province", "vnd_due") == 105_000_000
    assert _cell(snap, "03/TTr", "service", "vnd_due") == 0
    for table in snap["tables"]:
        *rows, total = table["rows"]
        for col in table["columns"]:
            key = col["key"]
            assert sum(Decimal(r["cells"][key]["value"]) for r in rows) == Decimal(
                total["cells"][key]["value"]
            ), (table["code"], key)


# --- versions ------------------------------------------------------------------------------


@pytest.fixture()
def later_version(tmp_path, monkeypatch):
    """The forms folder with a version in force from 15/3/2026 whose 01/TTr has one column
    and another title (the circular amended after the Q1 cut-off)."""
    for name in os.listdir(definitions.FORMS_DIR):
        with open(os.path.join(definitions.FORMS_DIR, name), encoding="utf-8") as src:
            (tmp_path / name).write_text(src.read(), encoding="utf-8")
    with open(os.path.join(definitions.FORMS_DIR, "tt06_2025.json"), encoding="utf-8") as src:
        data = json.load(src)
    data.update(key="TT99-2026", short="Thông tư số 99/2026/TT-TTCP", effective_from="2026-03-15")
    first = data["tables"][0]
    first["title"] = "TỔNG HỢP KẾT QUẢ THANH TRA (MẪU SỬA ĐỔI)"
    first["columns"] = first["columns"][:1]
    (tmp_path / "tt99_2026.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(definitions, "FORMS_DIR", str(tmp_path))
    definitions.versions.cache_clear()
    yield tmp_path
    definitions.versions.cache_clear()


def _table(snap, code):
    return next(t for t in snap["tables"] if t["code"] == code)


def test_an_older_report_keeps_its_version_and_a_new_period_takes_the_new_one(
    world, later_version, login_as
):
    chief = world["chief"]
    q1 = operations.generate(chief, PERIOD)
    assert q1.form_version == "TT06-2025"
    assert len(_table(q1.snapshot, "01/TTr")["columns"]) == 17
    f.issue_document(chief, q1.document)
    f.db.session.commit()
    with clock.frozen(D(2026, 6, 20)):
        q2 = operations.generate(chief, "2026-Q2")
        assert q2.form_version == "TT99-2026"
        assert _table(q2.snapshot, "01/TTr")["title"].endswith("(MẪU SỬA ĐỔI)")
        assert len(_table(q2.snapshot, "01/TTr")["columns"]) == 1
        f.db.session.commit()
        # the version's file withdrawn: the issued report still reads its own copy
        os.remove(later_version / "tt06_2025.json")
        definitions.versions.cache_clear()
        client = login_as(chief)
        page = client.get(f"/statistics/reports/{q1.id}")
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert "Thông tư số 06/2025/TT-TTCP" in body and "MẪU SỬA ĐỔI" not in body
        cell = client.get(f"/statistics/reports/{q1.id}/cells/01-TTr/total/referral_persons")
        assert cell.status_code == 200 and "data-figure>2<" in cell.get_data(as_text=True)
        xlsx_q1 = load_workbook(
            io.BytesIO(client.get(f"/statistics/reports/{q1.id}/annex.xlsx").data)
        )
        assert xlsx_q1["01-TTr"].max_column == 2 + 17


def test_a_draft_regenerated_keeps_its_version(world, later_version):
    chief = world["chief"]
    q1 = operations.generate(chief, PERIOD)
    operations.regenerate(chief, q1, q1.version)
    assert q1.form_version == "TT06-2025" and q1.snapshot["definition"]["key"] == "TT06-2025"
    # the later version does not cover Q1 (cut-off 14/3/2026): refused, the draft unchanged
    with pytest.raises(operations.OperationError) as e:
        operations.regenerate(chief, q1, q1.version, version_key="TT99-2026")
    assert e.value.field == "version" and "không áp dụng" in str(e.value.message).lower()
    assert q1.form_version == "TT06-2025"


# --- the XLSX against the screen -----------------------------------------------------------


class ScreenTables(HTMLParser):
    """The statistical tables of a page: per table code its header cells (text, colspan,
    rowspan) level by level, its units, and per row key its label and figures by column key."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, dict] = {}
        self._table = None
        self._cell = None
        self._row = None
        self._in_units = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-table" in a:
            self._table = self.tables.setdefault(
                a["data-table"], {"heads": [], "units": [], "rows": {}}
            )
        elif self._table is None:
            return
        elif tag == "tr":
            self._in_units = "units" in (a.get("class") or "")
            if "data-row" in a:
                self._row = self._table["rows"].setdefault(
                    a["data-row"], {"label": "", "cells": {}}
                )
            elif not self._in_units:
                self._table["heads"].append([])
        elif tag in ("th", "td"):
            self._cell = (tag, a)
            self._text = []

    def handle_data(self, data):
        if self._cell is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._table is None:
            return
        if tag == "table":
            self._table = None
        elif tag == "tr":
            self._row = None
        elif tag in ("th", "td") and self._cell is not None:
            kind, a = self._cell
            text = " ".join("".join(self._text).split())
            self._cell = None
            if self._row is not None:
                if kind == "th":
                    self._row["label"] = text
                elif "data-col" in a:
                    self._row["cells"][a["data-col"]] = text
            elif self._in_units:
                if "unit" in (a.get("class") or ""):
                    self._table["units"].append(text)
            else:
                self._table["heads"][-1].append(
                    (text, int(a.get("colspan", 1)), int(a.get("rowspan", 1)))
                )


def screen_tables(html: str) -> dict:
    parser = ScreenTables()
    parser.feed(html)
    return parser.tables


def test_the_xlsx_read_back_matches_the_screen_cell_by_cell(world, login_as):
    report = operations.generate(world["chief"], PERIOD)
    f.db.session.commit()
    client = login_as(world["chief"])
    screen = screen_tables(client.get(f"/statistics/reports/{report.id}").get_data(as_text=True))
    wb = load_workbook(io.BytesIO(client.get(f"/statistics/reports/{report.id}/annex.xlsx").data))
    assert set(screen) == {t["code"] for t in report.snapshot["tables"]} and len(screen) == 3
    for table in report.snapshot["tables"]:
        shown, ws = screen[table["code"]], wb[table["code"].replace("/", "-")]
        keys = [c["key"] for c in table["columns"]]
        rows = list(ws.iter_rows(values_only=True))
        top = 5  # the header starts below the title, the period line and a blank row
        merged = {(r.min_row, r.min_col): (r.max_col - r.min_col + 1, r.max_row - r.min_row + 1) for r in ws.merged_cells.ranges}  # fmt: skip
        # the merged header: every screen header cell at the same place, text and spans
        occupied: set[tuple[int, int]] = set()
        for level, cells in enumerate(shown["heads"]):
            col = 1
            for text, colspan, rowspan in cells:
                while (level, col) in occupied:
                    col += 1
                assert ws.cell(row=top + level, column=col).value == text, (table["code"], text)
                assert merged.get((top + level, col), (1, 1)) == (colspan, rowspan), text
                assert ws.cell(row=top + level, column=col).font.bold, text
                occupied |= {(level + i, col + j) for i in range(rowspan) for j in range(colspan)}
                col += colspan
        depth = len(shown["heads"])
        assert list(rows[top + depth - 1][2:]) == shown["units"] == [c["unit"] for c in table["columns"]]  # fmt: skip
        assert list(rows[top + depth][2:]) == [f"({i})" for i in range(1, len(keys) + 1)]
        data = rows[top + depth + 1 :]
        assert [r[1] for r in data] == [shown["rows"][r["key"]]["label"] for r in table["rows"]]
        for offset, (sheet_row, row) in enumerate(zip(data, table["rows"], strict=True)):
            for value, col in zip(sheet_row[2:], table["columns"], strict=True):
                assert operations.fmt(value, col["unit"]) == shown["rows"][row["key"]]["cells"][col["key"]], (table["code"], row["key"], col["key"])  # fmt: skip
                assert Decimal(str(value)) == Decimal(row["cells"][col["key"]]["value"])
            line = top + depth + 2 + offset
            assert ws.cell(row=line, column=2).font.bold == row["total"], row["key"]
        assert data[-1][1] == "Tổng cộng" and data[-1][0] is None


# --- the dashboard against the tables --------------------------------------------------------


def test_the_dashboard_breakdown_adds_up_to_the_report_tables(world, login_as):
    period, cutoff = operations.resolve(PERIOD)
    snap = operations.live_snapshot(period, cutoff)
    t = operations.totals(snap)
    units, _fields = queries.breakdown(queries.load(period, cutoff))

    def total(attr):
        return sum(getattr(b, attr) for b in units)

    assert total("inspections") == t["01/TTr"]["total"] + t["02/TTr"]["total"] == 5
    assert total("concluded") == t["01/TTr"]["concluded"] + t["02/TTr"]["concluded"] == 3
    assert total("cases_due") == t["03/TTr"]["cases_due"] == 7
    assert total("cases_done") == t["03/TTr"]["cases_done"] == 2
    assert total("cases_overdue") == t["03/TTr"]["cases_overdue"] == 2
    assert total("vnd_due") == t["03/TTr"]["vnd_due"] == 100_000_000
    assert total("vnd_recovered") == t["03/TTr"]["vnd_recovered"] == 30_000_000
    body = login_as("chairman").get(f"/dashboard/periodic?period={PERIOD}").get_data(as_text=True)
    for b in units:
        assert b.name in body


# --- bad input through the pages and the API ---------------------------------------------------


def _count(model, *where):
    return f.db.session.execute(f.db.select(f.db.func.count(model.id)).where(*where)).scalar_one()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"period": "2026-Q2"}, "chưa kết thúc"),
        ({"period": "2026-Q7"}, "không phải là kỳ báo cáo"),
        ({"period": PERIOD, "cutoff": "2026-05-01"}, "chỉ chốt số liệu của ngày đã qua"),
        ({"period": PERIOD, "cutoff": "2025-11-30"}, "phải nằm trong kỳ báo cáo"),
        ({"period": PERIOD, "cutoff": "14/03/2026"}, ""),
        ({"period": PERIOD, "version": "TT01-2024"}, "không áp dụng"),
        ({"period": PERIOD, "version": "TT99"}, "không có phiên bản"),
    ],
)
def test_bad_input_on_the_page_is_a_clear_422_and_nothing_is_drafted(world, login_as, data, words):
    r = login_as(world["chief"]).post("/statistics/generate", data=data)
    assert r.status_code == 422
    assert words in r.get_data(as_text=True).lower()
    assert _count(PeriodicReport) == 0
    assert _count(Document, Document.kind == DocumentKind.PERIODIC) == 0


def test_asking_twice_drafts_once_and_an_issued_period_is_offered(world, login_as):
    client = login_as(world["chief"])
    for _ in range(2):
        assert client.post("/statistics/generate", data={"period": PERIOD}).status_code == 303
    assert _count(PeriodicReport) == 1
    assert _count(Document, Document.kind == DocumentKind.PERIODIC) == 1
    report = f.db.session.execute(f.db.select(PeriodicReport)).scalar_one()
    f.issue_document(world["chief"], report.document)
    f.db.session.commit()
    r = client.post("/statistics/generate", data={"period": PERIOD, "cutoff": "2026-03-10"})
    assert r.status_code == 409 and report.document.number_label in r.get_data(as_text=True)
    regen = client.post(
        f"/statistics/reports/{report.id}/regenerate", data={"version": report.version}
    )
    assert regen.status_code == 409
    assert _count(PeriodicReport) == 1 and report.cutoff == D(2026, 3, 14)


def test_periods_that_cannot_be_reported_are_explained_never_an_error(world, login_as, api, client):
    page = login_as(world["chief"])
    for key in ("2026-Q2", "2026-Q7", "2019-Y", ""):
        r = page.get(f"/statistics?period={key}")
        assert r.status_code == 200, key
    assert "chưa kết thúc" in page.get("/statistics?period=2026-Q2").get_data(as_text=True)
    assert "không có phiên bản biểu mẫu" in page.get("/statistics?period=2019-Y").get_data(as_text=True).lower()  # fmt: skip
    assert page.get("/statistics/cells/2026-Q2/01-TTr/total/total").status_code == 404
    assert page.get(f"/statistics/cells/{PERIOD}/09-TTr/total/total").status_code == 404
    assert page.get(f"/statistics/cells/{PERIOD}/01-TTr/nowhere/total").status_code == 404
    headers, _user = api("chairman")
    for key in ("2026-Q2", "2026-Q7", "2019-Y"):
        r = client.get(f"/api/v1/statistics/{key}", headers=headers)
        assert r.status_code == 422 and r.is_json, key


def test_the_dashboard_shows_an_issued_period_as_issued(world, login_as):
    chief = world["chief"]
    report = operations.generate(chief, PERIOD)
    f.issue_document(chief, report.document)
    # a payment back-dated into the period, entered after the issue (a correction)
    f.db.session.add(
        RecoveryPayment(case_id=world["cases"]["c1"].id, paid_on=D(2026, 3, 1), amount_vnd=Decimal(7),
                        document_number="PT-7", recorded_by_id=chief.id, recorded_at=clock.now())
    )  # fmt: skip
    f.db.session.commit()
    body = login_as("chairman").get(f"/dashboard/periodic?period={PERIOD}").get_data(as_text=True)
    units = body.split('id="periodic-units"')[1].split("</table>")[0]
    assert "30.000.000" in units and "30.000.007" not in units
    assert 'id="periodic-issued"' in body and report.document.number_label in body
    live, _fields = queries.breakdown(queries.load(*operations.resolve(PERIOD)))
    assert sum(b.vnd_recovered for b in live) == 30_000_007  # the live figure has moved


def test_the_dashboard_of_a_period_without_an_issued_report_is_live(world, login_as):
    operations.generate(world["chief"], PERIOD)  # a draft: not yet the issued figures
    f.db.session.commit()
    body = login_as("chairman").get(f"/dashboard/periodic?period={PERIOD}").get_data(as_text=True)
    assert 'id="periodic-issued"' not in body and "30.000.000" in body


def test_two_asking_at_once_get_one_report(world, monkeypatch):
    """The second request found no report when it looked (the first had not committed yet):
    the unique period keeps one report and the second regenerates it, or is offered it once
    issued."""
    chief = world["chief"]
    first = operations.generate(chief, PERIOD)
    f.db.session.commit()
    real, blind = operations.report_for, []  # `blind`: the next look finds nothing

    def report_for(key):
        return None if blind and blind.pop() else real(key)

    monkeypatch.setattr(operations, "report_for", report_for)
    blind.append(True)
    again = operations.generate(chief, PERIOD)
    assert again.id == first.id and _count(PeriodicReport) == 1
    assert _count(Document, Document.kind == DocumentKind.PERIODIC) == 1
    f.issue_document(chief, first.document)
    f.db.session.commit()
    blind.append(True)
    with pytest.raises(operations.AlreadyIssued):
        operations.generate(chief, PERIOD)
    assert _count(PeriodicReport) == 1 and not blind


# --- a fixed number of queries whatever the number of records --------------------------------


def test_pages_read_a_fixed_number_of_queries(world, login_as, count_queries):
    chief = world["chief"]
    report = operations.generate(chief, PERIOD)
    f.db.session.commit()
    client = login_as(chief)
    urls = [
        f"/statistics?period={PERIOD}",
        f"/statistics/reports/{report.id}",
        f"/statistics/reports/{report.id}/cells/03-TTr/total/cases_due",
        f"/statistics/reports/{report.id}/cells/03-TTr/total/vnd_recovered",
        f"/statistics/cells/{PERIOD}/01-TTr/total/total",
        f"/dashboard/periodic?period={PERIOD}",
    ]

    def measure():
        counts = []
        for url in urls:
            with count_queries() as n:
                assert client.get(url).status_code == 200, url
            counts.append(n())
        return counts

    small = measure()
    i1, dept = world["inspections"]["i1"], world["units"]["dept"]
    for _ in range(15):  # more records in every cell above
        f.make_inspection("monitoring", target_unit=dept, decision_date=D(2026, 1, 2),
                          conclusion_date=D(2026, 2, 2), conclusion_number="X/KL")  # fmt: skip
        case = f.make_case(
            inspection=i1, type="recovery", due=D(2026, 6, 30), amount_vnd=Decimal(1)
        )
        f.db.session.add(
            RecoveryPayment(case_id=case.id, paid_on=D(2026, 3, 1), amount_vnd=Decimal(1),
                            document_number="PT", recorded_by_id=chief.id, recorded_at=clock.now())
        )  # fmt: skip
    f.db.session.commit()
    operations.regenerate(chief, report, report.version)
    f.db.session.commit()
    assert _cell(report.snapshot, "03/TTr", "total", "cases_due") == 7 + 15
    assert measure() == small
