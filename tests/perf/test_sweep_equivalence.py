"""The escalation step is one set-based function: taken case by case (a batch of one, as a page
takes it) or by the sweep's batches, it writes the same rows: steps, case levels and versions,
notifications in each user's language, urging letter drafts and their rows, report draft rows,
and audit events with the same hashes, so the chain stays valid; plus `audit.record_many`."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.cases.models import LADDER_STEPS, Case
from inspect_app.core import audit, clock
from inspect_app.escalation import operations
from inspect_app.reports.operations import build_report_draft
from tests import factories
from tests.conftest import _wipe

TABLES = ("escalation_step", "recommendation", "notification", "document", "document_item")
TABLES += ("audit_event",)


def _world(db) -> None:
    """Two units (a department under the province), leaders in both languages, an inactive
    leader, leadership, and cases at every rung of the ladder on 11/12/2026, one answered; the
    ladder configured without waiting for a check's result (level 3 follows the check step)."""
    from inspect_app.reference.models import Setting

    db.session.add(Setting(key="escalation.report_after_check", value="0"))
    province = factories.make_unit("UBND tỉnh", kind="province")
    dept = factories.make_unit("Sở Tài chính", parent=province)
    lone = factories.make_unit("Sở Y tế")
    factories.make_user("unit_leader", unit=dept, locale="vi")
    factories.make_user("unit_leader", unit=dept, active=False)
    factories.make_user("unit_leader", unit=province, locale="en")
    factories.make_user("unit_leader", unit=lone, locale="en")
    factories.make_user("leadership", locale="vi")
    factories.make_user("leadership", locale="en")
    concluded = factories.make_inspection(state="monitoring", target_unit=dept)
    plain = factories.make_inspection(state="monitoring", target_unit=lone)
    dues = [
        date(2026, 11, 20),  # level 1 on 23/11, then level 2 and 3
        date(2026, 11, 19),
        date(2026, 12, 3),  # levels 1 and 2
        date(2026, 12, 10),  # level 1
        date(2026, 12, 14),  # reminder 1
        date(2026, 12, 16),  # reminder 3
        date(2026, 12, 22),  # reminder 7
    ]
    for n, due in enumerate(dues, start=1):
        factories.make_case(inspection=concluded, due=due, number=n)
        factories.make_case(inspection=plain, due=due, number=100 + n)
    factories.make_case(inspection=concluded, due=date(2026, 11, 20), number=99, state="answered")
    with clock.frozen(date(2026, 11, 2)):
        build_report_draft(None, date(2026, 10, 1), date(2026, 10, 31))  # an open draft
    db.session.commit()


def _case_by_case(as_of: date) -> None:
    """Every candidate through `take_step` alone, one commit per case."""
    from inspect_app.extensions import db

    bounds = operations.boundaries(as_of)
    for step in LADDER_STEPS:
        for case_id in operations.candidates(step, bounds):
            assert operations.take_step(step, [case_id], as_of) == [
                db.session.get(Case, case_id).reference
            ]
            db.session.commit()


def _dump(db) -> dict[str, list[tuple]]:
    result = {}
    for name in TABLES:
        table = db.metadata.tables[name]
        rows = db.session.execute(select(table).order_by(table.c.id)).all()
        result[name] = [tuple(r) for r in rows]
    return result


def _run(db, monkeypatch, sweeper) -> dict:
    db.session.remove()
    _wipe()
    monkeypatch.setattr(factories, "_seq", itertools.count(1000))
    with clock.frozen(date(2026, 11, 2)):
        _world(db)
    for day in (date(2026, 11, 23), date(2026, 12, 11)):
        with clock.frozen(day):
            sweeper(day)
    db.session.commit()
    dump = _dump(db)
    assert audit.verify_chain().ok
    return dump


def test_batches_write_the_rows_of_one_case_at_a_time(db, monkeypatch):
    single = _run(db, monkeypatch, _case_by_case)
    monkeypatch.setattr(operations, "BATCH_SIZE", 3)  # several batches per step
    bulk = _run(db, monkeypatch, operations.sweep)
    assert len(single["escalation_step"]) == 2 * (4 + 4 + 2 + 1 + 1 + 1 + 1)
    kinds = {row[2] for row in single["notification"]}
    grouped = {f"{s}_group" for s in ("level_1", "level_2", "check", "level_3")}
    assert kinds == set(LADDER_STEPS) | grouped
    titles = {row[3] for row in single["notification"]}
    assert any(t.startswith("Reminder: case") for t in titles)  # English leaders in English
    assert any(t.startswith("Nhắc") or "KN-" in t for t in titles)
    assert len(single["document"]) == 1 + 6  # the report draft, one urging letter per level 2
    version = [c.name for c in db.metadata.tables["document"].columns].index("version")
    for name in TABLES:
        a, b = single[name], bulk[name]
        if name == "document":
            # The report draft's version moves on once per batch instead of once per case.
            a = [r[:version] + r[version + 1 :] for r in a]
            b = [r[:version] + r[version + 1 :] for r in b]
        if name == "notification":
            # A grouped notice is written at the first case taken one by one, at the end of
            # the step in the sweep: the same rows (its title updated), in another order.
            a, b = sorted(r[1:] for r in a), sorted(r[1:] for r in b)
        if name == "audit_event":
            # A batch records its letters' events before its cases' (both chains verify): the
            # same events, without their ids and hashes, in another order.
            a, b = sorted(map(_event, a)), sorted(map(_event, b))
        assert a == b, name


def _event(row) -> str:
    """An audit row without its id, `at` and hashes."""
    return repr(row[2:-2])


def test_second_bulk_sweep_changes_nothing(db):
    _world(db)
    with clock.frozen(date(2026, 12, 11)):
        first = operations.sweep(date(2026, 12, 11))
        before = _dump(db)
        second = operations.sweep(date(2026, 12, 11))
    assert first.total > 0 and second.total == 0
    assert _dump(db) == before


def test_dry_run_lists_without_writing(db):
    _world(db)
    before = _dump(db)
    report = operations.sweep(date(2026, 12, 11), dry_run=True)
    assert report.counts["level_3"] == 4 and len(report.steps["level_3"]) == 4
    assert _dump(db) == before


def test_report_keeps_a_bounded_number_of_references(db, monkeypatch):
    _world(db)
    monkeypatch.setattr(operations, "REFERENCES_KEPT", 2)
    monkeypatch.setattr(operations, "BATCH_SIZE", 1)
    report = operations.sweep(date(2026, 12, 11))
    assert report.counts["level_1"] == 8 and len(report.steps["level_1"]) == 2
    assert report.total == sum(report.counts.values())


def test_record_many_continues_the_chain(db):
    user = factories.make_user("admin")
    audit.record(user, user, "first")
    db.session.commit()
    count = audit.record_many(
        [
            {"object_type": "Case", "object_id": n, "action": "bulk", "after": {"n": n}}
            for n in range(5)
        ]
        + [{"actor_id": user.id, "object_type": "User", "object_id": user.id, "action": "x"}]
    )
    audit.record(user, user, "after the bulk")
    db.session.commit()
    assert count == 6
    events = list(db.session.execute(select(audit.AuditEvent).order_by("id")).scalars())
    assert [e.action for e in events] == ["first"] + ["bulk"] * 5 + ["x", "after the bulk"]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert audit.verify_chain().ok and audit.verify_chain().checked == 8
    assert audit.record_many([]) == 0


def test_record_many_rows_are_checked_by_verify(db):
    audit.record_many([{"object_type": "Case", "object_id": 1, "action": "bulk"}] * 3)
    db.session.commit()
    from inspect_app.extensions import db as _db

    table = audit.AuditEvent.__table__
    _db.session.execute(table.update().where(table.c.id == 2).values(note="edited"))
    _db.session.commit()
    report = audit.verify_chain()
    assert not report.ok and report.broken_id == 2


@pytest.mark.parametrize("step", ["level_2", "level_3"])
def test_bulk_documents_skip_cases_that_have_them(db, step):
    """A letter or report row drafted meanwhile (by another process) is not drafted twice."""
    _world(db)
    operations.sweep(date(2026, 12, 11))
    from inspect_app.reports.models import Document, DocumentItem

    docs = db.session.execute(select(Document.id)).all()
    items = db.session.execute(select(DocumentItem.id)).all()
    from inspect_app.cases.models import EscalationStep

    db.session.execute(EscalationStep.__table__.delete().where(EscalationStep.step == step))
    db.session.commit()
    operations.sweep(date(2026, 12, 11))
    assert db.session.execute(select(Document.id)).all() == docs
    assert db.session.execute(select(DocumentItem.id)).all() == items
