"""Search as Vietnamese users type: without diacritics, any case, NFC or NFD, "đ" as "d"; the
same hits on SQLite and PostgreSQL (the folded text is computed in Python, one normaliser)."""

import unicodedata
from datetime import date

import pytest
from sqlalchemy import event, func, select

from inspect_app.cases.models import Case
from inspect_app.cases.queries import CaseFilters, case_list, state_counters
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.core.search import fold, highlight, refresh_search_text
from inspect_app.units.models import Unit
from tests import factories as f


def test_lower_folds_vietnamese_letters(db):
    assert db.session.execute(select(func.lower("ĐOÀN THANH TRA"))).scalar_one() == (
        "đoàn thanh tra"
    )


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("THU HỒI", "thu hoi"),
        ("Đồng Văn", "dong van"),
        (unicodedata.normalize("NFD", "Đồng Văn"), "dong van"),
        ("  Sở   Nội\tvụ ", "so noi vu"),
        ("KN-1/1", "kn-1/1"),
        ("12/KL-TTr", "12/kl-ttr"),
        ("", ""),
    ],
)
def test_fold(typed, folded):
    assert fold(typed) == folded


def test_highlight_marks_the_match_in_the_original_text_and_escapes():
    assert str(highlight("Đôn đốc THU HỒI tiền", "thu hoi")) == "Đôn đốc <mark>THU HỒI</mark> tiền"
    assert str(highlight("Xã Đồng Văn, Đồng Văn", "dong van")) == (
        "Xã <mark>Đồng Văn</mark>, <mark>Đồng Văn</mark>"
    )
    assert str(highlight("<b>thu hồi</b>", "thu hoi")) == "&lt;b&gt;<mark>thu hồi</mark>&lt;/b&gt;"
    nfd = unicodedata.normalize("NFD", "Thu hồi")
    assert str(highlight(nfd, "THU HOI")) == "<mark>Thu hồi</mark>"
    assert str(highlight("Không có", "thu hoi")) == "Không có"
    assert str(highlight("a & b", "")) == "a &amp; b"


@pytest.fixture()
def world(db):
    dong_van = f.make_unit("UBND xã Đồng Văn", code="XDV")
    other_unit = f.make_unit("Sở Tài chính", code="STC")
    recovery_ref = f.make_legal_reference(instrument="Luật Thanh tra số 84/2025/QH15", article="52")
    # The other cases' basis: an article of its own, not the factory's running number (which
    # reads "Điều 52" or "Điều 520" once a worker has made that many references).
    plain = f.make_legal_reference(article="7")
    inspection = f.make_inspection(
        state="monitoring",
        target_unit=other_unit,
        title="Thanh tra việc quản lý ngân sách",
        conclusion_number="27/KL-TTr",
        conclusion_date=date(2026, 6, 1),
    )
    second = f.make_inspection(
        state="monitoring", target_unit=other_unit, title="Thanh tra đất đai"
    )
    cases = {
        "recovery": f.make_case(
            inspection, number=1, title="Đôn đốc THU HỒI tiền ấn chỉ", legal_reference=plain
        ),
        "action": f.make_case(
            inspection,
            number=2,
            title="Chấn chỉnh",
            required_action="Thu hồi số tiền sai",
            legal_reference=plain,
        ),
        "nfd": f.make_case(
            second,
            number=1,
            title=unicodedata.normalize("NFD", "Thu hồi đất sai mục đích"),
            legal_reference=plain,
        ),
        "unit": f.make_case(
            second,
            number=2,
            title="Chấn chỉnh kế toán",
            responsible_unit=dong_van,
            legal_reference=plain,
        ),
        "legal": f.make_case(second, number=3, title="Báo cáo", legal_reference=recovery_ref),
        "ten": f.make_case(second, number=10, title="Chấn chỉnh lưu trữ", legal_reference=plain),
    }
    db.session.flush()
    return {"cases": cases, "first": inspection, "second": second}


def _found(db, q, user=None):
    user = user or f.make_user(Role.ADMIN)
    stmt = case_list(user, CaseFilters(q=q), clock.today())
    return set(db.session.execute(stmt).scalars())


def test_search_without_diacritics_gives_the_same_hits_as_with(db, world):
    c = world["cases"]
    expected = {c["recovery"], c["action"], c["nfd"]}
    assert _found(db, "thu hoi") == expected
    assert _found(db, "THU HỒI") == expected
    assert _found(db, unicodedata.normalize("NFD", "thu hồi")) == expected
    assert _found(db, "thu hồi") == expected


def test_search_finds_the_unit_by_its_name_without_diacritics(db, world):
    assert _found(db, "dong van") == {world["cases"]["unit"]}
    assert _found(db, "ĐỒNG VĂN") == {world["cases"]["unit"]}


def test_search_by_reference_finds_that_case_only(db, world):
    second = world["second"]
    assert _found(db, f"KN-{second.id}/1") == {world["cases"]["nfd"]}
    assert _found(db, f" kn-{second.id}/1 ") == {world["cases"]["nfd"]}
    # A part of a reference is searched as text: KN-x/1 and KN-x/10 both start so.
    assert _found(db, f"kn-{second.id}/") == {
        c for c in world["cases"].values() if c.inspection_id == second.id
    }


def test_search_by_conclusion_number_and_legal_basis(db, world):
    c = world["cases"]
    assert _found(db, "27/kl-ttr") == {c["recovery"], c["action"]}
    assert _found(db, "84/2025") == {c["legal"]}
    assert _found(db, "dieu 52") == {c["legal"]}


def test_percent_and_underscore_are_literal(db, world):
    assert _found(db, "%") == set()
    assert _found(db, "_") == set()


def test_a_unit_leader_finds_only_their_units_cases(db, world):
    leader = f.make_user(Role.UNIT_LEADER, unit=world["cases"]["recovery"].responsible_unit)
    assert _found(db, "dong van", leader) == set()
    c = world["cases"]
    assert _found(db, "thu hoi", leader) == {c["recovery"], c["action"], c["nfd"]}


def test_search_text_follows_changes_of_the_source_fields(db, world):
    case = world["cases"]["ten"]
    case.title = "Thu hồi xe công"
    unit = db.session.get(Unit, world["cases"]["unit"].responsible_unit_id)
    unit.name = "UBND phường Hà Giang"
    db.session.flush()
    assert case in _found(db, "xe cong")
    assert _found(db, "ha giang") == {world["cases"]["unit"]}
    assert _found(db, "dong van") == set()


def test_refresh_rewrites_texts_written_around_the_orm(db, world):
    table = Case.__table__
    db.session.execute(table.update().values(search_text=""))
    db.session.expire_all()
    assert _found(db, "tien an chi") == set()
    assert refresh_search_text(Case) == len(world["cases"])
    assert _found(db, "tien an chi") == {world["cases"]["recovery"]}
    assert refresh_search_text(Case) == 0


def test_the_case_list_marks_the_match(db, world, login_as):
    client = login_as(Role.LEADERSHIP)
    body = client.get("/cases?q=thu+hoi").get_data(as_text=True)
    assert "Đôn đốc <mark>THU HỒI</mark> tiền ấn chỉ" in body
    assert "Chấn chỉnh lưu trữ" not in body
    body = client.get("/cases?q=dong+van", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<mark>Đồng Văn</mark>" in body


def test_a_search_without_hits_reads_no_page_of_cases(db, world, login_as):
    """The counters say there is none: the list's query (on SQLite a walk of the whole table
    in deadline order) is not run; neither for a page past the end."""
    client = login_as(Role.LEADERSHIP)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    def list_queries(path: str) -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        return sum(1 for s in statements if s.startswith("SELECT recommendation.id"))

    assert list_queries("/cases?q=thu+hoi") == 1
    assert list_queries("/cases?q=zzzz") == 0
    assert list_queries("/cases?q=thu+hoi&page=9") == 0
    assert "Không có kiến nghị" in client.get("/cases?q=zzzz").get_data(as_text=True)


@pytest.mark.parametrize("q", ["thu hoi", "dong van", "27/kl-ttr", "dieu 52", "chan chinh", "zzz"])
def test_reading_the_hits_first_finds_the_same_cases_in_the_same_order(db, world, q):
    """The plan for few hits (the ids from the folded texts' index on SQLite, then the rows)
    and the plan for many give the same page and the counters the same count."""
    user = f.make_user(Role.ADMIN)
    today = clock.today()
    few_first = case_list(user, CaseFilters(q=q), today, hits=1)
    if db.engine.dialect.name == "sqlite":  # the other plan indeed
        assert "recommendation.id IN (SELECT" in str(few_first.compile(db.engine))
    many = db.session.execute(case_list(user, CaseFilters(q=q), today, hits=10_000)).scalars()
    many, few = [c.id for c in many], [c.id for c in db.session.execute(few_first).scalars()]
    assert few == many
    assert state_counters(user, CaseFilters(q=q), today)["all"] == len(many) == len(_found(db, q))
    assert q == "zzz" or many
