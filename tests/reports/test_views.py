"""Document pages: who may open or do what (role x route), unit-leader isolation by URL
guessing, constant queries on the list, the forms' bad input, the case page's documents."""

from __future__ import annotations

import hashlib
from datetime import date
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from inspect_app.core import clock
from inspect_app.escalation.operations import sweep
from inspect_app.reports import documents, operations
from inspect_app.reports.models import Document, DocumentKind, DocumentState
from tests import factories

TODAY = date(2026, 11, 25)
ROLES = ["anonymous", "admin", "inspector", "lead_inspector", "unit_leader", "leadership"]
SIGN_IN = "sign-in"
STAFF = {"admin", "inspector", "lead_inspector", "leadership"}


@pytest.fixture(autouse=True)
def _today():
    clock.freeze(TODAY)
    yield
    clock.freeze(None)


def _overdue_case(unit, title="Chấn chỉnh công tác tuyển dụng"):
    inspection = factories.make_inspection(state="monitoring", target_unit=unit)
    return factories.make_case(inspection=inspection, due=date(2026, 10, 15), title=title)


def _world(db):
    """Unit A (whose leader signs in) and unit B; urging letters for both, one report draft."""
    boss = factories.make_user("leadership", full_name="Nguyễn Văn Hùng")
    unit_a, unit_b = factories.make_unit("Sở Nội vụ"), factories.make_unit("Sở Y tế")
    leader_a = factories.make_user("unit_leader", unit=unit_a)
    case_a, case_b = _overdue_case(unit_a), _overdue_case(unit_b, "Thu hồi phụ cấp")
    db.session.commit()
    sweep(TODAY)
    letters = {
        d.case_id: d
        for d in db.session.execute(select(Document).where(Document.kind == "urging")).scalars()
    }
    issued_a = letters[case_a.id]
    factories.issue_document(boss, issued_a)
    issued_b = letters[case_b.id]
    factories.issue_document(boss, issued_b)
    draft_a = factories.make_urging_letter(
        factories.make_case(
            inspection=case_a.inspection, due=date(2026, 10, 1), responsible_unit=unit_a
        ),
        TODAY,
    )
    signed = factories.make_urging_letter(
        factories.make_case(
            inspection=case_a.inspection, due=date(2026, 10, 2), responsible_unit=unit_a
        ),
        TODAY,
    )
    operations.sign(boss, signed, signed.version)
    report = operations.build_report_draft(boss, date(2026, 10, 1), date(2026, 10, 31))
    db.session.commit()
    return {
        "signed": signed,
        "boss": boss,
        "leader_a": leader_a,
        "case_a": case_a,
        "issued_a": issued_a,
        "issued_b": issued_b,
        "draft_a": draft_a,
        "report": report,
    }


def _client(role, w, login_as, client):
    if role == "anonymous":
        return client
    if role == "unit_leader":
        return login_as(w["leader_a"])
    if role == "leadership":
        return login_as(w["boss"])
    return login_as(role)


EDITORS = {"admin", "leadership", "lead_inspector"}
SIGNERS = {"admin", "leadership"}
REGISTRARS = {"admin"}


def _expect(allowed: set[str], ok, refused=403, unit_leader=None) -> dict:
    table = {role: (ok if role in allowed else refused) for role in ROLES}
    table["anonymous"] = SIGN_IN
    if unit_leader is not None:
        table["unit_leader"] = unit_leader
    return table


# (method, url, {role: expected}); {report}, {issued_a}, {issued_b}, {draft_a} are document ids.
TABLE = [
    ("GET", "/reports", _expect(STAFF | {"unit_leader"}, 200)),
    ("GET", "/reports/new", _expect(EDITORS, 200)),
    ("POST", "/reports/new", _expect(EDITORS, 422)),
    ("GET", "/reports/{report}", _expect(STAFF, 200, unit_leader=404)),
    ("GET", "/reports/{report}/pdf", _expect(STAFF, 200, unit_leader=404)),
    ("GET", "/reports/{report}/xlsx", _expect(STAFF, 200, unit_leader=404)),
    ("GET", "/reports/{report}/docx", _expect(STAFF, 200, unit_leader=404)),
    ("GET", "/reports/{issued_a}/docx", _expect(STAFF | {"unit_leader"}, 200)),
    ("GET", "/reports/{report}/csv", _expect(STAFF, 200, unit_leader=404)),
    ("GET", "/reports/{issued_a}", _expect(STAFF | {"unit_leader"}, 200)),
    ("GET", "/reports/{issued_a}/pdf", _expect(STAFF | {"unit_leader"}, 200)),
    ("GET", "/reports/{issued_a}/csv", _expect(STAFF | {"unit_leader"}, 200)),
    ("GET", "/reports/{issued_b}", _expect(STAFF, 200, unit_leader=404)),
    ("GET", "/reports/{issued_b}/pdf", _expect(STAFF, 200, unit_leader=404)),
    ("GET", "/reports/{draft_a}", _expect(STAFF, 200, unit_leader=404)),
    ("GET", "/reports/{draft_a}/xlsx", _expect(STAFF, 200, unit_leader=404)),
    ("GET", "/reports/999999", _expect(STAFF | {"unit_leader"}, 404)),
    ("POST", "/reports/{report}/edit", _expect(EDITORS, 422)),
    ("POST", "/reports/{report}/refresh", _expect(EDITORS, 422)),
    ("POST", "/reports/{report}/sign", _expect(SIGNERS, 422, unit_leader=404)),
    ("POST", "/reports/{draft_a}/sign", _expect(SIGNERS, 422, unit_leader=404)),
    ("GET", "/reports/{signed}", _expect(STAFF, 200, unit_leader=404)),
    ("POST", "/reports/{signed}/register", _expect(REGISTRARS, 422)),
    ("POST", "/reports/{report}/register", _expect(REGISTRARS, 422)),
    ("GET", "/reports/registers", _expect(REGISTRARS, 200)),
    ("POST", "/reports/{issued_a}/final", _expect(REGISTRARS, 422, unit_leader=403)),
]


@pytest.mark.parametrize(
    "method, url, expected", [pytest.param(*t, id=f"{t[0]} {t[1]}") for t in TABLE]
)
def test_permission_table(db, client, login_as, monkeypatch, method, url, expected):
    """Every role in turn on one world: a refused or invalid write changes nothing (checked
    after each), so the next role meets the same documents."""
    # Permissions do not depend on the PDF's content: a stub keeps 100+ cases fast.
    monkeypatch.setattr(documents, "render_pdf", lambda doc: b"%PDF-1.4 stub")
    # Issuing stores the PDF it renders: stubbed too (the world issues two letters).
    monkeypatch.setattr(documents, "render_signable", lambda doc: (b"%PDF-1.4 stub", None))
    w = _world(db)
    path = url.format(
        **{k: w[k].id for k in ("report", "issued_a", "issued_b", "draft_a", "signed")}
    )
    before = db.session.execute(select(func.count()).select_from(Document)).scalar_one()
    outcomes = {}
    for role in ROLES:
        r = _client(role, w, login_as, client).open(
            path, method=method, data={} if method == "POST" else None
        )
        outcomes[role] = r.status_code
        if r.status_code == 302 and urlsplit(r.headers["Location"]).path == "/login":
            outcomes[role] = SIGN_IN
        if method == "POST":
            db.session.expire_all()
            count = select(func.count()).select_from(Document)
            assert db.session.execute(count).scalar_one() == before, role
            assert db.session.get(Document, w["report"].id).state == DocumentState.DRAFT, role
            assert db.session.get(Document, w["draft_a"].id).number is None, role
    assert outcomes == expected


def test_unit_leader_lists_only_issued_letters_to_their_unit(db, login_as):
    w = _world(db)
    body = login_as(w["leader_a"]).get("/reports").get_data(as_text=True)
    assert f"/reports/{w['issued_a'].id}" in body
    for other in ("issued_b", "draft_a", "report"):
        assert f'/reports/{w[other].id}"' not in body


def test_case_page_shows_its_documents(db, login_as):
    w = _world(db)
    body = login_as(w["leader_a"]).get(f"/cases/{w['case_a'].id}").get_data(as_text=True)
    assert f"/reports/{w['issued_a'].id}" in body and w["issued_a"].number_label in body
    staff = login_as("inspector").get(f"/cases/{w['case_a'].id}").get_data(as_text=True)
    assert f"/reports/{w['issued_a'].id}" in staff and f"/reports/{w['report'].id}" in staff


def test_list_uses_constant_queries(db, login_as, count_queries):
    boss = factories.make_user("leadership")
    c = login_as(boss)

    def add(n):
        for _ in range(n):
            unit = factories.make_unit()
            factories.make_urging_letter(_overdue_case(unit), TODAY)
        db.session.commit()

    add(2)
    with count_queries() as few:
        assert c.get("/reports").status_code == 200
    add(10)
    with count_queries() as many:
        r = c.get("/reports?kind=urging&state=draft&year=2026")
    assert r.status_code == 200 and r.get_data(as_text=True).count("/reports/") >= 12
    assert many() == few()


def test_filters(db, login_as):
    w = _world(db)
    c = login_as(w["boss"])
    body = c.get("/reports?kind=report").get_data(as_text=True)
    assert f'/reports/{w["report"].id}"' in body and f'/reports/{w["issued_a"].id}"' not in body
    body = c.get("/reports?state=issued&kind=bogus&year=abc").get_data(as_text=True)
    assert f'/reports/{w["issued_a"].id}"' in body and f'/reports/{w["report"].id}"' not in body
    fragment = c.get("/reports?year=2025", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "/reports/" not in fragment.split("<tbody>")[1]


def test_create_edit_and_issue_through_the_pages(db, login_as):
    boss = factories.make_user("leadership", full_name="Trần Văn Ký", locale="en")
    _overdue_case(factories.make_unit("Ủy ban nhân dân xã Mèo Vạc"), "Niêm yết thủ tục hành chính")
    db.session.commit()
    sweep(TODAY)
    c = login_as(boss)
    bad = c.post("/reports/new", data={"period_start": "2026-10-31", "period_end": "2026-10-01"})
    assert bad.status_code == 422
    assert (
        db.session.execute(
            select(func.count()).select_from(Document).where(Document.kind == DocumentKind.REPORT)
        ).scalar_one()
        == 0
    )
    r = c.post("/reports/new", data={"period_start": "2026-10-01", "period_end": "2026-10-31"})
    assert r.status_code == 303
    doc = db.session.execute(select(Document).where(Document.kind == "report")).scalar_one()
    page = c.get(f"/reports/{doc.id}").get_data(as_text=True)
    assert "Niêm yết thủ tục hành chính" in page and "DỰ THẢO" in page
    assert "/sign" in page and "data-confirm" in page
    form = {
        "title": "Báo cáo tháng 10",
        "signer_title": "CHÁNH THANH TRA\nPHÓ CHÁNH THANH TRA",
        "signer_authority": "KT.",
        "body": "Đoạn một.\n\nĐoạn hai.",
        "distribution": "- Như trên;",
        "version": str(doc.version),
    }
    assert c.post(f"/reports/{doc.id}/edit", data=form).status_code == 303
    db.session.expire_all()
    assert doc.title == "Báo cáo tháng 10" and doc.distribution.endswith("- Lưu: VT, NV.")
    stale = c.post(f"/reports/{doc.id}/edit", data={**form, "title": "Cũ"})
    assert stale.status_code == 409 and "Báo cáo tháng 10" in stale.get_data(as_text=True)
    bad_authority = c.post(
        f"/reports/{doc.id}/edit", data={**form, "signer_authority": "XX", "version": doc.version}
    )
    assert bad_authority.status_code == 422
    bad_period = c.post(
        f"/reports/{doc.id}/edit",
        data={
            **form,
            "period_start": "2026-10-31",
            "period_end": "2026-10-01",
            "version": doc.version,
        },
    )
    assert bad_period.status_code == 422 and "period" in bad_period.get_data(as_text=True).lower()
    db.session.expire_all()
    assert doc.period_start == date(2026, 10, 1)
    signed = c.post(
        f"/reports/{doc.id}/sign", data={"version": doc.version}, headers={"HX-Request": "true"}
    )
    assert signed.status_code == 204 and signed.headers["HX-Redirect"] == f"/reports/{doc.id}"
    db.session.expire_all()
    assert doc.state == DocumentState.SIGNED and doc.number is None
    assert doc.signer_name == "Trần Văn Ký"
    clerk = login_as(factories.make_user("admin", full_name="Lê Thị Văn Thư"))
    page = clerk.get(f"/reports/{doc.id}").get_data(as_text=True)
    assert f"/reports/{doc.id}/register" in page and "01/BC-TTr" in page  # the next number
    issued = clerk.post(
        f"/reports/{doc.id}/register",
        data={"version": doc.version, "number": ""},
        headers={"HX-Request": "true"},
    )
    assert issued.status_code == 204 and issued.headers["HX-Redirect"] == f"/reports/{doc.id}"
    db.session.expire_all()
    assert doc.number_label == "01/BC-TTr" and doc.registered_on == clock.today()
    pdf = c.get(f"/reports/{doc.id}/pdf")
    assert hashlib.sha256(pdf.data).hexdigest() == doc.pdf_sha256
    again = c.post(f"/reports/{doc.id}/sign", data={"version": doc.version})
    assert again.status_code == 409 and "01/BC-TTr" in again.get_data(as_text=True)
    edit = c.post(f"/reports/{doc.id}/edit", data={**form, "version": doc.version})
    assert edit.status_code == 409
    db.session.expire_all()
    assert doc.title == "Báo cáo tháng 10" and doc.number == 1
    page = c.get(f"/reports/{doc.id}").get_data(as_text=True)
    assert doc.pdf_sha256 in page and "/sign" not in page and "DỰ THẢO" not in page


def test_empty_report_issue_shows_the_reason(db, login_as):
    boss = factories.make_user("leadership", locale="en")
    doc = operations.build_report_draft(boss, date(2026, 10, 1), date(2026, 10, 31))
    db.session.commit()
    r = login_as(boss).post(f"/reports/{doc.id}/sign", data={"version": doc.version})
    assert r.status_code == 422 and "empty report cannot be issued" in r.get_data(as_text=True)
    db.session.expire_all()
    assert doc.state == DocumentState.DRAFT and doc.number is None


def test_empty_report_sign_button_is_disabled_before_any_confirmation(db, login_as):
    boss = factories.make_user("leadership", locale="en")
    doc = operations.build_report_draft(boss, date(2026, 10, 1), date(2026, 10, 31))
    db.session.commit()
    page = login_as(boss).get(f"/reports/{doc.id}").get_data(as_text=True)
    assert f'action="/reports/{doc.id}/sign"' not in page  # no form to confirm
    assert 'disabled aria-describedby="sign-empty"' in page
    assert "cannot be signed. Refresh its cases" in page


def test_htmx_issue_refusal_swaps_the_document_with_the_reason(db, login_as):
    boss = factories.make_user("leadership", locale="en")
    doc = operations.build_report_draft(boss, date(2026, 10, 1), date(2026, 10, 31))
    db.session.commit()
    r = login_as(boss).post(
        f"/reports/{doc.id}/sign", data={"version": doc.version}, headers={"HX-Request": "true"}
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "<html" not in body
    assert 'role="alert"' in body and "empty report cannot be issued" in body
    assert "Vary" in r.headers and "HX-Request" in r.headers["Vary"]


@pytest.mark.parametrize(
    "start, end",
    [("0001-01-01", "2026-10-31"), ("2026-10-01", "9999-12-31"), ("1900-12-31", "2026-10-31")],
)
def test_report_period_out_of_range_is_a_message_not_a_server_error(db, login_as, start, end):
    c = login_as(factories.make_user("leadership", locale="en"))
    r = c.post("/reports/new", data={"period_start": start, "period_end": end})
    assert r.status_code == 422
    assert "Enter a date between 01/01/1901 and 31/12/2199." in r.get_data(as_text=True)
