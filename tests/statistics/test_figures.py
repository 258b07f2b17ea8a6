"""Every cell of the Q1 2026 report of the hand-checked world, its drill-down, a regeneration
after later changes, the freeze on issue, and the bad inputs (the XLSX, PDF and Word files:
test_outputs.py, test_documents.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from inspect_app.cases import operations as case_ops
from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.recovery.models import RecoveryPayment
from inspect_app.statistics import operations, periods
from inspect_app.statistics.operations import AlreadyIssued
from tests import factories as f

D = date
PERIOD = "2026-Q1"

# table -> column -> {row: figure}; every cell not named here is 0. Worked out by hand from
# the world (conftest.py): rows "province" (departments), "service", "commune", and "total".
ACTIVITY = {
    "01/TTr": {
        "total": {"province": 2, "service": 1, "commune": 1},  # I1 carried, I6, I3, I2
        "carried": {"province": 1},  # I1 (I4 was concluded before the period)
        "started": {"province": 1, "service": 1, "commune": 1},  # I6, I3, I2
        "planned": {"province": 1},  # I1
        "ad_hoc": {"province": 1, "service": 1, "commune": 1},
        "onsite_ended": {"province": 1, "service": 1, "commune": 1},  # I6 ended after the cut-off
        "concluded": {"province": 1, "service": 1},  # I1, I3 (I6 concluded after it)
        "units": {"province": 1, "service": 1},
        "units_violating": {"province": 1, "service": 1},
        "recover_vnd": {"province": 100_000_000},  # c1
        "recover_m2": {"service": Decimal("250.50")},  # c4
        "admin_orgs": {"service": 1},  # c5
        "admin_persons": {"province": 3},  # c2
        "referral_cases": {"service": 1},  # c6
        "referral_persons": {"service": 2},
    },
    "02/TTr": {
        "total": {"commune": 1},
        "started": {"commune": 1},
        "ad_hoc": {"commune": 1},
        "onsite_ended": {"commune": 1},
        "concluded": {"commune": 1},
        "units": {"commune": 1},
        "units_violating": {"commune": 1},
        "admin_orgs": {"commune": 1},  # c9
    },
    "03/TTr": {
        "concl_due": {"province": 2, "service": 1, "commune": 1},  # I1, I4, I3, K1
        "concl_open": {"province": 2, "service": 1, "commune": 1},
        "cases_due": {"province": 3, "service": 3, "commune": 1},  # c1 c2 c8 / c4 c5 c6 / c9
        "cases_done": {"province": 1, "service": 1},  # c2, c5
        "cases_in_time": {"service": 2, "commune": 1},  # c4 c6 / c9
        "cases_overdue": {"province": 2},  # c1, c8 (its deadline at the cut-off)
        "urged": {"province": 1},  # c8's letter, issued 20/2/2026
        "vnd_due": {"province": 100_000_000},  # c1 (c7 was done before the period)
        "vnd_recovered": {"province": 30_000_000},  # p1 (p2 paid after the cut-off)
        "m2_due": {"service": Decimal("250.50")},
        "m2_recovered": {"service": Decimal("100.25")},
        "orgs_due": {"service": 1, "commune": 1},
        "orgs_done": {"service": 1},
        "persons_due": {"province": 3},
        "persons_done": {"province": 3},
    },
}


def expected(code: str, col: str, row: str) -> Decimal:
    figures = ACTIVITY[code].get(col, {})
    if row == "total":
        return Decimal(sum(Decimal(v) for v in figures.values()))
    return Decimal(figures.get(row, 0))


def cells(snap):
    for table in snap["tables"]:
        for row in table["rows"]:
            for col in table["columns"]:
                yield table, row, col, row["cells"][col["key"]]


def figures(snap) -> dict:
    return {
        (t["code"], r["key"], c["key"]): (cell["value"], cell["ids"])
        for t, r, c, cell in cells(snap)
    }


def test_every_cell_of_the_hand_checked_world(world):
    period, cutoff = operations.resolve(PERIOD)
    assert (period.start, period.end, period.version.key) == (
        D(2025, 12, 15),
        D(2026, 3, 14),
        "TT06-2025",
    )
    snap = operations.live_snapshot(period, cutoff)
    seen = 0
    for table, row, col, cell in cells(snap):
        assert Decimal(cell["value"]) == expected(table["code"], col["key"], row["key"]), (
            table["code"], row["key"], col["key"],
        )  # fmt: skip
        seen += 1
    assert seen == 3 * 4 * 17
    ids = figures(snap)
    c, p = world["cases"], world["payments"]
    assert ids[("03/TTr", "province", "cases_overdue")][1] == sorted([c["c1"].id, c["c8"].id])
    assert ids[("03/TTr", "total", "vnd_recovered")][1] == [p["p1"].id]


def test_rows_add_up_to_the_totals(world):
    snap = operations.live_snapshot(*operations.resolve(PERIOD))
    for table in snap["tables"]:
        *rows, total = table["rows"]
        for col in table["columns"]:
            key = col["key"]
            assert sum(Decimal(r["cells"][key]["value"]) for r in rows) == Decimal(
                total["cells"][key]["value"]
            )


NUMBER = re.compile(r"data-figure>([^<]*)<.*?data-listed>([^<]*)<", re.S)


def test_every_cell_drills_down_to_records_adding_up_to_its_figure(world, login_as):
    report = operations.generate(world["chief"], PERIOD)
    f.db.session.commit()
    client = login_as(world["chief"])
    for table, row, col, cell in cells(report.snapshot):
        slug = table["code"].replace("/", "-")
        url = f"/statistics/reports/{report.id}/cells/{slug}/{row['key']}/{col['key']}"
        body = client.get(url).get_data(as_text=True)
        figure, listed = NUMBER.search(body).groups()
        assert figure == listed == operations.fmt(cell["value"], col["unit"]), url
        listed_ids = [int(i) for i in re.findall(r'<tr data-id="(\d+)"', body)]
        assert listed_ids == cell["ids"], url
        # the live drill-down lists the same records
        live = client.get(f"/statistics/cells/{PERIOD}/{slug}/{row['key']}/{col['key']}")
        assert [
            int(i) for i in re.findall(r'<tr data-id="(\d+)"', live.get_data(as_text=True))
        ] == cell["ids"]


def test_regenerating_after_later_changes_gives_the_same_figures(world):
    chief, lead, c = world["chief"], world["lead"], world["cases"]
    report = operations.generate(chief, PERIOD)
    before = figures(report.snapshot)
    with clock.frozen(D(2026, 4, 21)):
        f.make_inspection(
            "in_progress", target_unit=world["units"]["dept"], decision_date=D(2026, 4, 2)
        )
        f.make_case(inspection=world["inspections"]["i6"], type="recovery", amount_vnd=Decimal(5))
        c["c1"].state, c["c1"].closed_at = c["c1"].state.ANSWERED, None
        f.db.session.flush()
        case_ops.withdraw(chief, c["c6"], "Không còn đối tượng", None, f.deciding_doc())
        case_ops.apply_deadline(lead, c["c4"], D(2026, 3, 12), "Rút ngắn", doc=f.deciding_doc())
        f.db.session.add(
            RecoveryPayment(case_id=c["c1"].id, paid_on=D(2026, 4, 5), amount_vnd=Decimal(9),
                            document_number="PT-9", recorded_by_id=lead.id, recorded_at=clock.now())
        )  # fmt: skip
        f.db.session.flush()
        operations.regenerate(chief, report, report.version)
    assert figures(report.snapshot) == before


def test_issued_report_keeps_its_figures_and_ids(world, login_as):
    chief = world["chief"]
    report = operations.generate(chief, PERIOD)
    doc = f.issue_document(chief, report.document)
    assert doc.is_issued and report.is_frozen
    issued = figures(report.snapshot)
    # a payment back-dated into the period, entered after the issue: a correction
    f.db.session.add(
        RecoveryPayment(case_id=world["cases"]["c1"].id, paid_on=D(2026, 3, 1), amount_vnd=Decimal(7),
                        document_number="PT-7", recorded_by_id=chief.id, recorded_at=clock.now())
    )  # fmt: skip
    f.db.session.commit()
    live = figures(operations.live_snapshot(*operations.resolve(PERIOD)))
    assert live[("03/TTr", "total", "vnd_recovered")][0] == "30000007"
    with pytest.raises(AlreadyIssued):
        operations.generate(chief, PERIOD)
    with pytest.raises(AlreadyIssued):
        operations.regenerate(chief, report, report.version)
    f.db.session.rollback()
    assert figures(report.snapshot) == issued
    page = login_as(chief).get(f"/statistics/reports/{report.id}").get_data(as_text=True)
    assert "30.000.000" in page and "30.000.007" not in page
    index = login_as(chief).get(f"/statistics?period={PERIOD}").get_data(as_text=True)
    assert doc.number_label in index and "30.000.007" not in index


@pytest.mark.parametrize(
    ("key", "cutoff", "version", "field", "words"),
    [
        ("2026-Q2", None, None, "period", "chưa kết thúc"),
        ("2026-Q5", None, None, "period", "không phải là kỳ báo cáo"),
        (PERIOD, D(2026, 4, 20), None, "cutoff", "chỉ chốt số liệu của ngày đã qua"),
        (PERIOD, D(2025, 12, 1), None, "cutoff", "phải nằm trong kỳ báo cáo"),
        (PERIOD, None, "TT01-2024", "version", "không áp dụng"),
        (PERIOD, None, "TT99", "version", "không có phiên bản"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(world, key, cutoff, version, field, words):
    with pytest.raises(OperationError) as e:
        operations.generate(world["chief"], key, cutoff, version)
    assert e.value.field == field and words in str(e.value.message).lower()


def test_cut_off_rule_of_every_period():
    version = periods.period("2026-Q1").version
    assert periods.dates_for(version, 2026, "Q1") == (D(2025, 12, 15), D(2026, 3, 14))
    assert periods.dates_for(version, 2026, "Q3") == (D(2026, 6, 15), D(2026, 9, 14))
    assert periods.dates_for(version, 2026, "6M") == (D(2025, 12, 15), D(2026, 6, 14))
    assert periods.dates_for(version, 2026, "9M") == (D(2025, 12, 15), D(2026, 9, 14))
    assert periods.dates_for(version, 2026, "Y") == (D(2025, 12, 15), D(2026, 12, 14))
    assert periods.period("2025-Q2").version.key == "TT01-2024"  # cut-off 14/6/2025
    assert periods.period("2025-9M").version.key == "TT01-2024"  # 14/9/2025
    assert periods.period("2025-Q4").version.key == "TT06-2025"  # 14/12/2025


def test_nothing_is_issued_twice_and_the_page_offers_the_issued_one(world, login_as):
    report = operations.generate(world["chief"], PERIOD)
    again = operations.generate(world["chief"], PERIOD)  # a draft: regenerated, not doubled
    assert again.id == report.id
    f.issue_document(world["chief"], report.document)
    f.db.session.commit()
    r = login_as(world["chief"]).post("/statistics/generate", data={"period": PERIOD})
    assert r.status_code == 409
    body = r.get_data(as_text=True)
    assert f"/statistics/reports/{report.id}" in body and report.document.number_label in body


def test_the_chairman_sees_the_figures_per_unit_and_field_and_unit_leaders_do_not(world, login_as):
    field = f.make_field("Lĩnh vực thử")
    world["inspections"]["i1"].fields.append(field)
    f.db.session.commit()
    chairman = login_as("chairman")
    body = chairman.get(f"/dashboard/periodic?period={PERIOD}").get_data(as_text=True)
    units = re.search(r'id="periodic-units">(.*?)</table>', body, re.S).group(1)
    assert "Sở Thử nghiệm" in units and "100.000.000" in units and "30.000.000" in units
    fields = re.search(r'id="periodic-fields">(.*?)</table>', body, re.S).group(1)
    assert "Lĩnh vực thử" in fields
    assert "chưa kết thúc" in chairman.get("/dashboard/periodic?period=2026-Q2").get_data(
        as_text=True
    )
    assert chairman.get(f"/api/v1/statistics/{PERIOD}").status_code in (401, 200)
    leader = login_as("unit_leader", unit=world["units"]["dept"])
    assert leader.get("/dashboard/periodic").status_code == 403
    assert leader.get(f"/statistics?period={PERIOD}").status_code == 403


def test_the_api_sends_the_tables(world, api, client):
    headers, _user = api("chairman")
    r = client.get(f"/api/v1/statistics/{PERIOD}", headers=headers)
    assert r.status_code == 200
    data = r.get_json()
    assert data["form_version"] == "TT06-2025" and not data["issued"]
    t3 = next(t for t in data["tables"] if t["code"] == "03/TTr")
    assert t3["rows"][-1]["cells"]["vnd_recovered"]["value"] == "30000000"
    assert client.get("/api/v1/statistics/2026-Q2", headers=headers).status_code == 422
    spec = client.get("/api/v1/openapi.json", headers=headers).get_json()
    assert "/api/v1/statistics/{period}" in spec["paths"] or "/statistics/{period}" in str(
        spec["paths"]
    )
