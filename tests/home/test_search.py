"""The header's search: cases, inspections and units at once, grouped by kind, as users type,
each user seeing only what they may see (a unit leader: their units' records)."""

import re

import pytest

from inspect_app.core.roles import Role
from tests import factories as f


@pytest.fixture()
def world(db):
    dong_van = f.make_unit("UBND xã Đồng Văn", code="XDV")
    other = f.make_unit("Sở Tài chính", code="STC")
    mine = f.make_inspection(
        state="monitoring", target_unit=dong_van, title="Thanh tra thu hồi đất"
    )
    theirs = f.make_inspection(state="monitoring", target_unit=other, title="Thanh tra thu chi")
    return {
        "dong_van": dong_van,
        "other": other,
        "mine": mine,
        "theirs": theirs,
        "case_mine": f.make_case(mine, title="Thu hồi tiền sử dụng đất"),
        "case_theirs": f.make_case(theirs, title="Thu hồi tạm ứng <quá hạn>"),
    }


def test_staff_find_cases_inspections_and_units_without_diacritics(login_as, world):
    body = login_as(Role.INSPECTOR).get("/search?q=THU+HOI").get_data(as_text=True)
    assert body.index('id="hits-cases"') < body.index('id="hits-inspections"')
    assert f"/cases/{world['case_mine'].id}" in body
    assert f"/cases/{world['case_theirs'].id}" in body
    assert f"/inspections/{world['mine'].id}" in body
    assert f"/inspections/{world['theirs'].id}" not in body  # "thu chi": not "thu hoi"
    assert "<mark>Thu hồi</mark> tạm ứng &lt;quá hạn&gt;" in body  # marked, escaped
    body = login_as(Role.INSPECTOR).get("/search?q=dong+van").get_data(as_text=True)
    assert f"/cases?unit={world['dong_van'].id}" in body
    assert "<mark>Đồng Văn</mark>" in body


def test_a_unit_leader_finds_only_their_units_records(login_as, world):
    leader = f.make_user(Role.UNIT_LEADER, unit=world["dong_van"])
    client = login_as(leader)
    body = client.get("/search?q=thu").get_data(as_text=True)
    assert f"/cases/{world['case_mine'].id}" in body
    assert f"/inspections/{world['mine'].id}" in body
    assert f"/cases/{world['case_theirs'].id}" not in body
    assert f"/inspections/{world['theirs'].id}" not in body
    body = client.get("/search?q=so+tai+chinh").get_data(as_text=True)
    assert "Sở Tài chính" not in body.split('id="search-results"')[1]


def test_htmx_gets_the_results_alone_and_an_empty_search_queries_nothing(
    login_as, world, count_queries
):
    client = login_as(Role.INSPECTOR)
    r = client.get("/search?q=thu+hoi", headers={"HX-Request": "true"})
    body = r.get_data(as_text=True)
    assert "<html" not in body and 'id="hits-cases"' in body
    assert "Không tìm thấy kết quả cho “zzzz”" in client.get("/search?q=zzzz").get_data(
        as_text=True
    )
    with count_queries() as n:
        client.get("/search?q=+")
    with count_queries() as m:
        client.get("/")
    assert n() <= m()


def test_header_has_the_search_box_that_works_without_scripts(login_as, world):
    body = login_as(Role.LEADERSHIP).get("/cases").get_data(as_text=True)
    assert 'action="/search"' in body and 'name="q"' in body


@pytest.mark.parametrize("role", [Role.ADMIN, Role.UNIT_LEADER])
def test_search_query_count_is_constant(db, login_as, count_queries, role):
    unit = f.make_unit("UBND phường Thu Hồi")
    user = f.make_user(role, unit=unit if role == Role.UNIT_LEADER else None)
    client = login_as(user)

    def make(n):
        for _ in range(n):
            inspection = f.make_inspection(state="monitoring", target_unit=unit, title="Thu hồi")
            f.make_case(inspection, title="Thu hồi tiền")
            f.make_unit("Thu hồi đơn vị")
        db.session.commit()

    def measure():
        with count_queries() as n:
            assert client.get("/search?q=thu+hoi").status_code == 200
        return n()

    make(2)
    small = measure()
    make(12)
    large = measure()
    assert small == large


def test_cases_come_newest_first_and_more_says_so(db, login_as):
    inspection = f.make_inspection(state="monitoring", title="Thanh tra ngân sách")
    made = [f.make_case(inspection, title=f"Thu hồi khoản {n}") for n in range(12)]
    db.session.commit()
    body = login_as(Role.LEADERSHIP).get("/search?q=thu+hoi+khoan").get_data(as_text=True)
    cases = body.split('id="hits-cases"')[1].split('id="hits-inspections"')[0]
    shown = [int(i) for i in re.findall(r'href="/cases/(\d+)"', cases)]
    assert shown == [c.id for c in reversed(made)][:10]
