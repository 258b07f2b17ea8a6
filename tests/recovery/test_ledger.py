"""The recovery ledger: exact arithmetic and rates on a hand-checked data set, refused input,
a partly recovered case staying open, the page, and the API."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from inspect_app.cases import operations as case_ops
from inspect_app.cases.models import CaseState
from inspect_app.core import clock
from inspect_app.core.audit import events_for
from inspect_app.core.errors import OperationError
from inspect_app.core.roles import Role
from inspect_app.extensions import db as _db
from inspect_app.recovery import operations as ops
from inspect_app.recovery.queries import ledger, province_rates, recovery_rates
from tests import factories as f

TODAY = date(2026, 11, 25)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture()
def world(db):
    """Hand-checked data set (amounts in đồng unless m²):
    A money  U1 F1      100.000.000 paid 30.000.000 + 25.500.000 -> 55.500.000, 55,5 %
    B money  U2 F1+F2    20.000.000 paid 20.000.000              -> 100 %
    C land   U1 F2       1.250,50 m² handed over 500,25 m²        -> 40,0 %
    D assets U2 F1+F2    10.000.000 nothing yet                   -> 0 %
    E money  U1 F1        5.000.000 withdrawn: not counted"""
    f1 = f.make_field(code="F1", name="Cán bộ, công chức")
    f2 = f.make_field(code="F2", name="Cải cách hành chính")
    u1, u2 = f.make_unit(name="Sở Alpha"), f.make_unit(name="Sở Beta")
    lead = f.make_user(Role.LEAD_INSPECTOR, locale="en")
    member = f.make_user(Role.INSPECTOR, locale="en")
    i1 = f.make_inspection(state="monitoring", lead=lead, members=[member], target_unit=u1)
    i1.fields = [f1]
    i2 = f.make_inspection(state="monitoring", lead=lead, members=[member], target_unit=u2)
    i2.fields = [f1, f2]
    i3 = f.make_inspection(state="monitoring", lead=lead, members=[member], target_unit=u1)
    i3.fields = [f2]
    cases = {
        "A": f.make_case(i1, type="recovery", amount_vnd=Decimal(100_000_000)),
        "B": f.make_case(i2, type="recovery", amount_vnd=Decimal(20_000_000)),
        "C": f.make_case(i3, type="recovery_land", area_m2=Decimal("1250.50")),
        "D": f.make_case(i2, type="recovery_assets", amount_vnd=Decimal(10_000_000)),
        "E": f.make_case(i1, type="recovery", amount_vnd=Decimal(5_000_000), state="withdrawn"),
    }
    with clock.frozen(TODAY):
        for key, amount, number in (
            ("A", "30.000.000", "PT-01"),
            ("A", "25500000", "PT-02"),
            ("B", "20.000.000", "PT-03"),
            ("C", "500,25", "BB-BG-01"),
        ):
            ops.record_payment(
                member,
                cases[key],
                {"paid_on": date(2026, 11, 20), "amount": amount, "document_number": number},
            )
    _db.session.commit()
    return {"cases": cases, "lead": lead, "member": member, "units": (u1, u2), "fields": (f1, f2)}


def _rows(rows):
    return {(r.name, r.measure): (r.recommended, r.recovered, r.rate) for r in rows}


def test_ledger_arithmetic(world):
    a = ledger(world["cases"]["A"])
    assert (a.recommended, a.recovered, a.remaining) == (
        Decimal(100_000_000),
        Decimal(55_500_000),
        Decimal(44_500_000),
    )
    assert a.rate == Decimal("55.5") and a.unit == "VND" and a.fmt(a.remaining) == "44.500.000"
    assert all(isinstance(p.quantity, Decimal) for p in a.payments)
    c = ledger(world["cases"]["C"])
    assert (c.recommended, c.recovered, c.remaining) == (
        Decimal("1250.50"),
        Decimal("500.25"),
        Decimal("750.25"),
    )
    assert c.rate == Decimal("40.0") and c.unit == "m²" and c.fmt(c.remaining) == "750,25"
    assert ledger(world["cases"]["D"]).rate == Decimal("0.0")
    assert ledger(f.make_case()) is None  # not a recovery


def test_rates_per_unit_field_and_province(world):
    province = province_rates()
    assert (province["VND"].recommended, province["VND"].recovered) == (
        Decimal(130_000_000),
        Decimal(75_500_000),
    )
    assert province["VND"].rate == Decimal("58.1")  # 75,5 / 130 = 58,08 %
    assert province["m²"].rate == Decimal("40.0") and province["m²"].cases == 1
    assert _rows(recovery_rates("unit")) == {
        ("Sở Alpha", "VND"): (Decimal(100_000_000), Decimal(55_500_000), Decimal("55.5")),
        ("Sở Alpha", "m²"): (Decimal("1250.50"), Decimal("500.25"), Decimal("40.0")),
        ("Sở Beta", "VND"): (Decimal(30_000_000), Decimal(20_000_000), Decimal("66.7")),
    }
    assert _rows(recovery_rates("field")) == {
        # A + B + D: 130.000.000 recommended, 75.500.000 recovered = 58,08 %
        ("Cán bộ, công chức", "VND"): (Decimal(130_000_000), Decimal(75_500_000), Decimal("58.1")),
        ("Cải cách hành chính", "VND"): (Decimal(30_000_000), Decimal(20_000_000), Decimal("66.7")),
        ("Cải cách hành chính", "m²"): (Decimal("1250.50"), Decimal("500.25"), Decimal("40.0")),
    }
    # A unit leader's figure: their units only.
    u2 = world["units"][1]
    assert province_rates([u2.id])["VND"].recommended == Decimal(30_000_000)


@pytest.mark.parametrize(  # messages in Vietnamese, the default locale
    ("amount", "message"),
    [
        ("44.500.001", "lớn hơn số còn phải thu hồi (44.500.000 VND)"),
        ("-5", "phải lớn hơn 0"),
        ("0", "phải lớn hơn 0"),
        ("1500.5", "phải là số nguyên"),
        ("1.500,5", "bằng số"),
        (1500.0, "không dùng số thập phân"),
        ("abc", "bằng số"),
        ("", "bằng số"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_saved(world, amount, message):
    case = world["cases"]["A"]
    with clock.frozen(TODAY), pytest.raises(OperationError) as err:
        ops.record_payment(
            world["member"],
            case,
            {"paid_on": date(2026, 11, 24), "amount": amount, "document_number": "PT-09"},
        )
    assert message in str(err.value.message) and err.value.field == "amount"
    _db.session.rollback()
    assert ledger(case).recovered == Decimal(55_500_000) and len(ledger(case).payments) == 2


def test_land_area_precision_and_other_refusals(world):
    land = world["cases"]["C"]
    with clock.frozen(TODAY):
        with pytest.raises(OperationError) as err:
            ops.record_payment(
                world["member"],
                land,
                {"paid_on": TODAY, "amount": "1,255", "document_number": "x"},
            )
        assert "hai chữ số thập phân" in str(err.value.message)
        with pytest.raises(OperationError) as err:
            ops.record_payment(
                world["member"],
                land,
                {"paid_on": date(2026, 11, 26), "amount": "1", "document_number": "x"},
            )
        assert err.value.field == "paid_on"
        with pytest.raises(OperationError) as err:
            ops.record_payment(
                world["member"], land, {"paid_on": TODAY, "amount": "1", "document_number": " "}
            )
        assert err.value.field == "document_number"
        # Exactly what remains is accepted: nothing left.
        ops.record_payment(
            world["member"], land, {"paid_on": TODAY, "amount": "750.25", "document_number": "BG"}
        )
    assert ledger(land).remaining == 0 and ledger(land).rate == Decimal("100.0")


def test_partly_recovered_case_stays_open(world):
    case, lead = world["cases"]["A"], world["lead"]
    leader = f.make_user(Role.UNIT_LEADER, unit=case.responsible_unit)
    f.make_case_answer(case, leader)
    case.state = CaseState.ANSWERED
    _db.session.flush()
    with pytest.raises(OperationError) as err:
        case_ops.accept(lead, case, case.version)
    assert "Còn 44.500.000 VND chưa thu hồi" in str(err.value.message)
    assert case.state == CaseState.ANSWERED
    case_ops.partly_done(lead, case, "Đã nộp 55.500.000 đồng", case.version)
    assert case.state == CaseState.OPEN


def test_verification_by_another_member(world):
    case, member, lead = world["cases"]["A"], world["member"], world["lead"]
    payment = ledger(case).payments[0]
    assert not payment.can_verify(member)  # who recorded it never verifies it
    with pytest.raises(Exception) as err:
        ops.verify_payments(member, [payment], payment.version)
    assert getattr(err.value, "code", None) == 403
    ops.verify_payments(lead, [payment], payment.version)
    assert payment.verified_by_id == lead.id and payment.verified_at is not None
    assert [e.action for e in events_for("RecoveryPayment", payment.id)] == [
        "payment_recorded",
        "payment_verified",
    ]
    with pytest.raises(OperationError):
        ops.verify_payments(lead, [payment])
    assert ledger(case).verified == Decimal(30_000_000)


def test_page_records_a_payment_with_its_receipt(world, login_as):
    case = world["cases"]["A"]
    with clock.frozen(TODAY):
        client = login_as(world["lead"])
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
        assert "Recovery ledger" in page and 'data-rate="55.5"' in page
        r = client.post(
            f"/cases/{case.id}/payments",
            data={
                "paid_on": "2026-11-24",
                "amount": "50.000.000",
                "document_number": "PT-10",
                "version": str(case.version),
            },
        )
        assert r.status_code == 422
        assert "more than what remains" in r.get_data(as_text=True)
        assert 'value="PT-10"' in r.get_data(as_text=True)  # what was typed is kept
        r = client.post(
            f"/cases/{case.id}/payments",
            data={
                "paid_on": "2026-11-24",
                "amount": "4.500.000",
                "document_number": "PT-10",
                "version": str(case.version),
                "files": (io.BytesIO(PDF), "bien-lai.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert r.status_code == 303, r.get_data(as_text=True)[:500]
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-remaining="40000000"' in page and "bien-lai.pdf" in page
    payment = ledger(case).payments[-1]
    assert payment.files and payment.files[0].can_view(world["lead"])
    # Another unit's leader never sees the case nor records on it.
    outsider = login_as(f.make_user(Role.UNIT_LEADER, unit=f.make_unit()))
    r = outsider.post(f"/cases/{case.id}/payments", data={"amount": "1"})
    assert r.status_code == 404


def test_api_payments_list_and_create(world, client, api):
    case = world["cases"]["A"]
    leader_headers, _leader = api("unit_leader", unit=case.responsible_unit)
    with clock.frozen(TODAY):
        body = client.get(f"/api/v1/cases/{case.id}/payments", headers=leader_headers).get_json()
        assert body["recommended"] == "100000000" and body["recovered"] == "55500000"
        assert body["remaining"] == "44500000" and body["rate"] == "55.5"
        assert body["unit"] == "VND" and len(body["items"]) == 2
        assert body["items"][0]["amount"] == "30000000"
        r = client.post(
            f"/api/v1/cases/{case.id}/payments",
            headers=leader_headers,
            json={"paid_on": "2026-11-24", "amount": 44_500_000, "document_number": "UNC-5"},
        )
        assert r.status_code == 201, r.get_json()
        assert r.get_json()["amount"] == "44500000"
        r = client.post(
            f"/api/v1/cases/{case.id}/payments",
            headers=leader_headers,
            json={"paid_on": "2026-11-24", "amount": "1", "document_number": "UNC-6"},
        )
        assert r.status_code == 422 and "amount" in str(r.get_json())
        other, _ = api("unit_leader", unit=f.make_unit())
        assert client.get(f"/api/v1/cases/{case.id}/payments", headers=other).status_code == 404


def test_dashboard_analytics_and_report_show_the_rates(world, login_as, client, api):
    from inspect_app.reports import operations as report_ops
    from inspect_app.reports.layout import _recovery_line

    leadership = login_as(f.make_user(Role.LEADERSHIP, locale="en"))
    for url in ("/dashboard", "/analytics"):
        page = leadership.get(url).get_data(as_text=True)
        assert 'data-measure="VND" data-rate="58.1"' in page, url
        assert 'data-measure="m²" data-rate="40.0"' in page, url
        assert "Sở Alpha" in page and "Cải cách hành chính" in page
    headers, _user = api("leadership")
    body = client.get("/api/v1/analytics", headers=headers).get_json()["recovery"]
    vnd = next(r for r in body["province"] if r["measure"] == "VND")
    assert (vnd["recommended"], vnd["recovered"], vnd["rate"]) == ("130000000", "75500000", "58.1")
    assert {(r["name"], r["measure"], r["rate"]) for r in body["by_unit"]} == {
        ("Sở Alpha", "VND", "55.5"),
        ("Sở Alpha", "m²", "40.0"),
        ("Sở Beta", "VND", "66.7"),
    }
    with clock.frozen(TODAY):
        doc = report_ops.build_report_draft(None, date(2026, 11, 1), date(2026, 11, 30))
    assert doc.figures["recovery_vnd_recommended"] == "130000000"
    assert doc.figures["recovery_vnd_rate"] == "58.1"
    assert _recovery_line(doc.figures.get) == (
        "- Thu hồi: kiến nghị thu hồi 130.000.000 đồng, đã thu hồi 75.500.000 đồng (58,1%); "
        "kiến nghị thu hồi 1.250,50 m² đất, đã thu hồi 500,25 m² đất (40,0%).",
    )
