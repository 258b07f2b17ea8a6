"""Reference-data pages: who may open what, validation, audit, stale versions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.core.audit import AuditEvent
from inspect_app.extensions import db as _db
from inspect_app.reference.models import DeadlineRule, FieldOfWork, Holiday, LegalReference
from inspect_app.reference.seed import seed_deadline_rules
from tests.factories import make_field, make_legal_reference

ROLES = ["admin", "inspector", "lead_inspector", "unit_leader", "leadership"]
READERS = {"admin", "inspector", "lead_inspector", "leadership"}
ADMIN = {"admin"}


def _count(model) -> int:
    return _db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _events(action: str) -> int:
    return _db.session.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    ).scalar_one()


@pytest.fixture()
def records(db):
    field = make_field(code="CCHC", name="Cải cách hành chính")
    ref = make_legal_reference(instrument="Luật Viên chức số 58/2010/QH12", article="52")
    seed_deadline_rules()
    rule = _db.session.execute(
        select(DeadlineRule).where(DeadlineRule.key == "case.default")
    ).scalar_one()
    holiday = Holiday(day=date(2026, 9, 2), name="Quốc khánh")
    _db.session.add(holiday)
    _db.session.commit()
    return {"field": field.id, "ref": ref.id, "rule": rule.id, "holiday": holiday.id}


GET_PAGES = [
    ("/reference", READERS),
    ("/reference/fields", ADMIN),
    ("/reference/fields/new", ADMIN),
    ("/reference/fields/{field}", ADMIN),
    ("/reference/legal", READERS),
    ("/reference/legal/new", ADMIN),
    ("/reference/legal/{ref}", ADMIN),
    ("/reference/rules", READERS),
    ("/reference/rules/{rule}", ADMIN),
    ("/reference/holidays", ADMIN),
    ("/reference/holidays?year=2026", ADMIN),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "allowed"), GET_PAGES)
def test_get_permissions(login_as, records, role, url, allowed):
    c = login_as(role)
    r = c.get(url.format(**records))
    assert r.status_code == (200 if role in allowed else 403), r.status_code


POSTS = [
    ("/reference/fields/new", {"code": "NEW", "name": "Lĩnh vực mới"}),
    ("/reference/fields/{field}", {"code": "CCHC", "name": "Đổi tên"}),
    ("/reference/fields/{field}/active", {"active": "0"}),
    ("/reference/legal/new", {"instrument": "Luật X", "article": "1", "summary": "Nội dung"}),
    ("/reference/legal/{ref}/active", {"active": "0"}),
    (
        "/reference/rules/{rule}",
        {"amount": "30", "day_kind": "calendar", "source": "Nguồn", "label": "Nhãn"},
    ),
    ("/reference/holidays", {"day": "2026-09-03", "name": "Nghỉ lễ"}),
    ("/reference/holidays/{holiday}/delete", {}),
]


@pytest.mark.parametrize("role", ["inspector", "lead_inspector", "unit_leader", "leadership"])
@pytest.mark.parametrize(("url", "data"), POSTS)
def test_only_admin_may_change(login_as, records, role, url, data):
    c = login_as(role)
    before = _count(AuditEvent)
    r = c.post(url.format(**records), data=data)
    assert r.status_code == 403
    assert _count(AuditEvent) == before


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_admin_changes_are_audited(login_as, records, url, data):
    c = login_as("admin")
    before = _count(AuditEvent)
    r = c.post(url.format(**records), data=data)
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    assert _count(AuditEvent) == before + 1


def test_anonymous_is_sent_to_login(client, records):
    r = client.get("/reference/legal")
    assert r.status_code in (302, 401)


def test_post_without_csrf_is_refused(login_as, records):
    c = login_as("admin")
    r = c.post("/reference/fields/new", data={"code": "NEW", "name": "Mới"}, csrf=False)
    assert r.status_code == 400
    assert _count(FieldOfWork) == 1


# --- fields --------------------------------------------------------------------------------


def test_field_deactivate_hides_it_from_active_fields(login_as, records):
    from inspect_app.reference.queries import active_fields

    c = login_as("admin")
    c.post(f"/reference/fields/{records['field']}/active", data={"active": "0"})
    assert records["field"] not in [f.id for f in active_fields()]
    assert _db.session.get(FieldOfWork, records["field"]) is not None  # not deleted
    assert _events("field_deactivated") == 1
    c.post(f"/reference/fields/{records['field']}/active", data={"active": "1"})
    assert records["field"] in [f.id for f in active_fields()]


def test_field_duplicate_code_is_refused(login_as, records):
    c = login_as("admin")
    r = c.post("/reference/fields/new", data={"code": "cchc", "name": "Trùng mã"})
    assert r.status_code == 422
    assert "already used" in r.get_data(as_text=True) or "đã" in r.get_data(as_text=True)
    assert _count(FieldOfWork) == 1


@pytest.mark.parametrize(
    ("data", "bad_field"),
    [
        ({"code": "X" * 31, "name": "Tên"}, "code"),
        ({"code": "OK", "name": "N" * 201}, "name"),
        ({"code": "OK", "name": "Tên", "name_en": "E" * 201}, "name_en"),
        ({"name": "Tên"}, "code"),
    ],
)
def test_field_validation(login_as, records, data, bad_field):
    c = login_as("admin")
    r = c.post("/reference/fields/new", data=data)
    assert r.status_code == 422
    assert f'id="{bad_field}-error"' in r.get_data(as_text=True)
    assert _count(FieldOfWork) == 1


# --- legal references ----------------------------------------------------------------------


def test_legal_search_and_htmx_fragment(login_as, records):
    make_legal_reference(instrument="Nghị định số 30/2020/NĐ-CP", article="8", summary="Thể thức")
    _db.session.commit()
    c = login_as("inspector")
    r = c.get("/reference/legal?q=30/2020", headers={"HX-Request": "true"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "30/2020" in body and "58/2010" not in body
    assert "<html" not in body  # the fragment only
    assert "HX-Request" in r.headers.get("Vary", "")
    full = c.get("/reference/legal?q=30/2020").get_data(as_text=True)
    assert "<html" in full and 'id="legal-table"' in full


def test_legal_search_wildcards_are_literal(login_as, records):
    c = login_as("admin")
    r = c.get("/reference/legal?q=%25")
    assert "58/2010" not in r.get_data(as_text=True)


def test_readers_do_not_see_withdrawn_references(login_as, records):
    ref = _db.session.get(LegalReference, records["ref"])
    ref.active = False
    _db.session.commit()
    assert "58/2010" not in login_as("leadership").get("/reference/legal?state=all").get_data(
        as_text=True
    )
    assert "58/2010" in login_as("admin").get("/reference/legal?state=all").get_data(as_text=True)


def test_legal_list_query_count_is_constant(login_as, records, count_queries):
    c = login_as("admin")
    c.get("/reference/legal")
    with count_queries() as few:
        c.get("/reference/legal")
    for n in range(15):
        make_legal_reference(article=f"{100 + n}")
    _db.session.commit()
    with count_queries() as many:
        c.get("/reference/legal")
    assert many() == few()


def test_legal_stale_version_gets_409(login_as, records):
    c = login_as("admin")
    url = f"/reference/legal/{records['ref']}"
    data = {"instrument": "Luật Viên chức", "article": "52", "clause": "1", "summary": "Mới"}
    assert c.post(url, data={**data, "version": "1"}).status_code == 303
    r = c.post(url, data={**data, "summary": "Ghi đè", "version": "1"})
    assert r.status_code == 409
    assert _db.session.get(LegalReference, records["ref"]).summary == "Mới"


def test_legal_duplicate_citation_is_refused(login_as, records):
    c = login_as("admin")
    r = c.post(
        "/reference/legal/new",
        data={
            "instrument": "Luật Viên chức số 58/2010/QH12",
            "article": "52",
            "clause": "1",
            "summary": "Trùng",
        },
    )
    assert r.status_code == 422
    assert _count(LegalReference) == 1


@pytest.mark.parametrize(
    ("field", "value"), [("instrument", "I" * 201), ("article", "9" * 31), ("clause", "1" * 31)]
)
def test_legal_over_long_fields(login_as, records, field, value):
    c = login_as("admin")
    data = {"instrument": "Luật", "article": "1", "summary": "Nội dung", field: value}
    r = c.post("/reference/legal/new", data=data)
    assert r.status_code == 422
    assert f'id="{field}-error"' in r.get_data(as_text=True)


# --- deadline rules ------------------------------------------------------------------------


def _rule_data(**kw):
    data = {"label": "Mặc định", "amount": "45", "day_kind": "working", "source": "Nguồn mới"}
    data.update(kw)
    return data


def test_rule_edit_updates_and_audits(login_as, records):
    c = login_as("admin")
    r = c.post(f"/reference/rules/{records['rule']}", data=_rule_data(extension_max="10"))
    assert r.status_code == 303
    rule = _db.session.get(DeadlineRule, records["rule"])
    assert (rule.amount, rule.day_kind.value, rule.extension_max) == (45, "working", 10)
    assert rule.key == "case.default"  # the key is not editable
    assert _events("deadline_rule_updated") == 1


@pytest.mark.parametrize(
    ("data", "bad_field"),
    [
        (_rule_data(amount="-5"), "amount"),
        (_rule_data(extension_max="-1"), "extension_max"),
        (_rule_data(amount="abc"), "amount"),
        (_rule_data(amount="99999999999"), "amount"),
        (_rule_data(day_kind="weeks"), "day_kind"),
        (_rule_data(source="S" * 301), "source"),
    ],
)
def test_rule_validation(login_as, records, data, bad_field):
    c = login_as("admin")
    r = c.post(f"/reference/rules/{records['rule']}", data=data)
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert f'id="{bad_field}-error"' in body
    assert _db.session.get(DeadlineRule, records["rule"]).amount == 60


def test_negative_amount_message(login_as, records):
    r = login_as("admin").post(f"/reference/rules/{records['rule']}", data=_rule_data(amount="-5"))
    assert "cannot be negative" in r.get_data(as_text=True) or "âm" in r.get_data(as_text=True)


def test_rule_stale_version_gets_409(login_as, records):
    c = login_as("admin")
    url = f"/reference/rules/{records['rule']}"
    assert c.post(url, data=_rule_data(version="1")).status_code == 303
    r = c.post(url, data=_rule_data(amount="5", version="1"))
    assert r.status_code == 409
    assert _db.session.get(DeadlineRule, records["rule"]).amount == 45


@pytest.mark.parametrize(
    ("key", "amount"),
    [("escalation.urging", "20"), ("escalation.urging", "1"), ("escalation.notice", "0")],
)
def test_escalation_thresholds_must_stay_in_order(login_as, records, key, amount):
    """Level 1 < level 2 < level 3 (defaults 1, 5, 15 working days): out of order is refused."""
    rule = _db.session.execute(select(DeadlineRule).where(DeadlineRule.key == key)).scalar_one()
    before = rule.amount
    r = login_as("admin").post(f"/reference/rules/{rule.id}", data=_rule_data(amount=amount))
    assert r.status_code == 422
    assert 'id="amount-error"' in r.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(DeadlineRule, rule.id).amount == before


def test_escalation_threshold_change_in_order_is_saved(login_as, records):
    rule = _db.session.execute(
        select(DeadlineRule).where(DeadlineRule.key == "escalation.urging")
    ).scalar_one()
    r = login_as("admin").post(f"/reference/rules/{rule.id}", data=_rule_data(amount="7"))
    assert r.status_code == 303
    assert _db.session.get(DeadlineRule, rule.id).amount == 7


def test_unknown_ids_are_404(login_as, records):
    c = login_as("admin")
    assert c.get("/reference/rules/999999").status_code == 404
    assert c.get("/reference/legal/99999999999").status_code == 404
    assert c.post("/reference/holidays/999999/delete").status_code == 404


# --- holidays ------------------------------------------------------------------------------


def test_holiday_year_filter(login_as, records):
    _db.session.add(Holiday(day=date(2025, 9, 2), name="Quốc khánh 2025"))
    _db.session.commit()
    c = login_as("admin")
    body = c.get("/reference/holidays?year=2026").get_data(as_text=True)
    assert "02/09/2026" in body and "02/09/2025" not in body
    frag = c.get("/reference/holidays?year=2025", headers={"HX-Request": "true"})
    assert "02/09/2025" in frag.get_data(as_text=True)
    assert "<html" not in frag.get_data(as_text=True)
    assert c.get("/reference/holidays?year=abc").status_code == 200


def test_holiday_add_and_delete(login_as, records):
    c = login_as("admin")
    r = c.post(
        "/reference/holidays",
        data={"day": "2026-01-10", "name": "Làm bù", "is_working_day": "1"},
    )
    assert r.status_code == 303 and "year=2026" in r.headers["Location"]
    added = _db.session.execute(
        select(Holiday).where(Holiday.day == date(2026, 1, 10))
    ).scalar_one()
    assert added.is_working_day
    assert c.post(f"/reference/holidays/{added.id}/delete").status_code == 303
    assert _db.session.get(Holiday, added.id) is None
    assert _events("holiday_deleted") == 1


def test_duplicate_holiday_is_refused_with_a_message(login_as, records):
    c = login_as("admin")
    r = c.post("/reference/holidays", data={"day": "2026-09-02", "name": "Trùng"})
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert 'id="day-error"' in body and "Quốc khánh" in body
    assert _count(Holiday) == 1


@pytest.mark.parametrize(
    ("data", "bad_field"),
    [
        ({"day": "2026-02-30", "name": "Ngày sai"}, "day"),
        ({"day": "hôm nay", "name": "Ngày sai"}, "day"),
        ({"day": "2026-03-03", "name": "N" * 201}, "name"),
        ({"day": "2026-03-03"}, "name"),
    ],
)
def test_holiday_validation(login_as, records, data, bad_field):
    r = login_as("admin").post("/reference/holidays", data=data)
    assert r.status_code == 422
    assert f'id="{bad_field}-error"' in r.get_data(as_text=True)
    assert _count(Holiday) == 1


def test_nav_entry_only_for_readers(login_as, records):
    assert "/reference" in login_as("admin").get("/").get_data(as_text=True)
    assert 'href="/reference"' not in login_as("unit_leader").get("/").get_data(as_text=True)
