"""Searches fold Vietnamese capitals on SQLite as PostgreSQL does (lower() is Unicode-aware)."""

from sqlalchemy import func, select

from inspect_app.cases.queries import CaseFilters, case_list
from inspect_app.core import clock
from inspect_app.core.roles import Role
from tests import factories as f


def test_lower_folds_vietnamese_letters(db):
    assert db.session.execute(select(func.lower("ĐOÀN THANH TRA"))).scalar_one() == (
        "đoàn thanh tra"
    )


def test_case_search_matches_regardless_of_case(db):
    admin = f.make_user(Role.ADMIN)
    case = f.make_case(title="Đôn đốc THU HỒI tiền Ấn chỉ")
    other = f.make_case(title="Chấn chỉnh công tác lưu trữ")
    db.session.flush()

    def found(q):
        stmt = case_list(admin, CaseFilters(q=q), clock.today())
        return set(db.session.execute(stmt).scalars())

    assert found("đôn đốc thu hồi") == {case}
    assert found("TIỀN ẤN") == {case}
    assert found("CHẤN CHỈNH") == {other}
