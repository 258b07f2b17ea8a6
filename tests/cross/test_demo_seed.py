"""The demo (`flask seed-demo`) lets every role do its main task: Tuyên Quang after the 2025
reform, a leader for every inspected unit, answers behind every answered case, open level-3
cases left for a new report to the Chairman, inspections in every state over two years."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from inspect_app.answers.models import AnswerKind, CaseAnswer, Verdict
from inspect_app.auth.models import User
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.inspections.models import Inspection, InspectionState
from inspect_app.reports.operations import report_cases_stmt
from inspect_app.units.models import Unit, UnitKind

DECREE_150_ART_8 = {
    "Sở Nội vụ", "Sở Tư pháp", "Sở Tài chính", "Sở Công Thương", "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng", "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Giáo dục và Đào tạo", "Sở Y tế", "Thanh tra tỉnh", "Văn phòng UBND tỉnh",
}  # fmt: skip


def test_demo_serves_every_role_and_is_idempotent(db):
    from inspect_app.seed import seed_demo

    with clock.frozen(date(2026, 11, 25)):
        seed_demo()
        db.session.commit()
        today = clock.today()
        # Every table's rows: seeding again adds nothing anywhere (the features' seed tests
        # rely on this one for it).
        counts = {
            t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables
        }
        assert all(counts[m.__tablename__] for m in (Unit, User, Inspection, Case, CaseAnswer))

        province = db.session.execute(
            select(Unit).where(Unit.kind == UnitKind.PROVINCE)
        ).scalar_one()
        assert province.name == "Ủy ban nhân dân tỉnh Tuyên Quang"
        departments = set(
            db.session.execute(select(Unit.name).where(Unit.kind == UnitKind.DEPARTMENT)).scalars()
        )
        assert departments >= DECREE_150_ART_8 and 12 < len(departments) <= 14
        communes = list(
            db.session.execute(select(Unit).where(Unit.kind == UnitKind.COMMUNE)).scalars()
        )
        assert any("Hà Giang 1" in c.name for c in communes)
        assert any("Minh Xuân" in c.name for c in communes)
        for commune in communes:  # the standard offices of a commune / ward
            offices = {u.name for u in commune.children}
            assert "Văn phòng HĐND và UBND" in offices and "Phòng Văn hóa - Xã hội" in offices

        # Every unit an inspection targets or a case is addressed to has an active leader.
        needed = set(db.session.execute(select(Inspection.target_unit_id)).scalars())
        needed |= set(db.session.execute(select(Case.responsible_unit_id)).scalars())
        led = set(
            db.session.execute(
                select(User.unit_id).where(User.role == Role.UNIT_LEADER, User.active)
            ).scalars()
        )
        assert needed <= led

        # Answered and accepted cases have the unit's final answer; one answer was sent back.
        finals = {
            a.case_id: a
            for a in db.session.execute(
                select(CaseAnswer).where(CaseAnswer.kind == AnswerKind.FINAL)
            ).scalars()
        }
        for case in db.session.execute(
            select(Case).where(Case.state.in_((CaseState.ANSWERED, CaseState.ACCEPTED)))
        ).scalars():
            assert case.id in finals, case.title
        rejected = [a for a in finals.values() if a.verdict == Verdict.REJECTED]
        assert rejected and rejected[0].verification_note
        assert rejected[0].case.state == CaseState.OPEN

        # A new report to the Chairman has cases in it, after the one already issued.
        assert db.session.execute(report_cases_stmt(today)).all()

        # Inspections in every state, concluded over two years; the roles' accounts exist.
        states = set(db.session.execute(select(Inspection.state)).scalars())
        assert states == set(InspectionState)
        years = set(
            d.year
            for d in db.session.execute(select(Inspection.conclusion_date)).scalars()
            if d is not None
        )
        assert {2025, 2026} <= years
        roles = set(db.session.execute(select(User.role)).scalars())
        assert roles == set(Role)

        seed_demo()  # again: nothing new
        db.session.commit()
        assert counts == {
            t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables
        }
