"""The clerk's register (sổ đăng ký văn bản): a draft has no number; after signature the clerk
registers the document with the next number of its issuing body's register for the year and
symbol, or a number typed from an external register (unique per body, symbol and year), the
registration date; then it is dispatched. Concurrent registrations get distinct numbers."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from inspect_app.core import clock
from inspect_app.core.errors import OperationError
from inspect_app.escalation.operations import sweep
from inspect_app.notifications.models import Notification
from inspect_app.reports import operations
from inspect_app.reports.models import Document, DocumentState
from inspect_app.reports.queries import documents_of_case
from tests import factories

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today():
    clock.freeze(TODAY)
    yield
    clock.freeze(None)


def _boss():
    return factories.make_user("leadership", full_name="Nguyễn Văn Hùng", title="Chánh Thanh tra")


def _report(boss, body="Tổng hợp.", issuing_body=None) -> Document:
    doc = operations.build_report_draft(boss, date(2026, 10, 1), date(2026, 10, 31))
    doc.body = body
    if issuing_body:
        doc.issuing_body = issuing_body
        doc.symbol = "BC-SNV"
    return doc


def _signed(boss, **kw) -> Document:
    doc = _report(boss, **kw)
    operations.sign(boss, doc, doc.version)
    return doc


def test_draft_has_no_number_and_signing_gives_none(db):
    boss = _boss()
    doc = _report(boss)
    assert doc.number is None and doc.number_label.startswith("\u00a0")
    operations.sign(boss, doc, doc.version)
    assert doc.state == DocumentState.SIGNED and doc.number is None and doc.pdf_sha256 is None
    assert doc.signer_name == "Nguyễn Văn Hùng" and doc.signed_by_id == boss.id
    db.session.commit()


def test_next_number_per_issuing_body_symbol_and_year(db):
    boss, clerk = _boss(), factories.make_user("clerk")
    first, second = _signed(boss), _signed(boss)
    other_body = _signed(boss, issuing_body="SỞ NỘI VỤ")
    for doc in (first, second, other_body):
        operations.register(clerk, doc, doc.version)
    db.session.commit()
    assert [first.number_label, second.number_label] == ["01/BC-TTr", "02/BC-TTr"]
    assert other_body.number_label == "01/BC-SNV"  # the Department of Home Affairs' register
    assert first.registered_on == TODAY and first.issued_by_id == clerk.id
    assert first.pdf_sha256 and not first.number_typed
    with clock.frozen(date(2027, 1, 4)):
        new_year = _signed(boss)
        operations.register(clerk, new_year, new_year.version)
    assert (new_year.number_label, new_year.year) == ("01/BC-TTr", 2027)


def test_typed_number_from_an_external_register(db):
    boss, clerk = _boss(), factories.make_user("clerk")
    typed = _signed(boss)
    operations.register(clerk, typed, typed.version, number=7, year=2026)
    assert typed.number_label == "07/BC-TTr" and typed.number_typed
    taken = _signed(boss)
    db.session.commit()
    with pytest.raises(OperationError) as refused:
        operations.register(clerk, taken, taken.version, number=7)
    assert refused.value.field == "number" and "07/BC-TTr" in str(refused.value.message)
    db.session.rollback()
    with pytest.raises(OperationError) as wrong_year:
        operations.register(clerk, taken, taken.version, number=8, year=2025)
    assert wrong_year.value.field == "year"
    db.session.rollback()
    with pytest.raises(OperationError) as future:
        operations.register(clerk, taken, taken.version, registered_on=date(2026, 12, 1))
    assert future.value.field == "registered_on"
    db.session.rollback()
    taken = db.session.get(Document, taken.id)
    assert taken.state == DocumentState.SIGNED and taken.number is None
    operations.register(clerk, taken, taken.version)
    assert taken.number == 8  # the register goes on after the highest number
    # The same number in another register or another year is free.
    elsewhere = _signed(boss, issuing_body="SỞ NỘI VỤ")
    operations.register(clerk, elsewhere, elsewhere.version, number=7)
    assert elsewhere.number_label == "07/BC-SNV"
    db.session.commit()


def test_registering_a_draft_twice_or_by_others_is_refused(db):
    boss, clerk = _boss(), factories.make_user("clerk")
    draft = _report(boss)
    db.session.commit()
    with pytest.raises(OperationError) as unsigned:
        operations.register(clerk, draft, draft.version)
    assert unsigned.value.status == 409
    operations.sign(boss, draft, draft.version)
    for role in ("leadership", "chairman", "inspector", "lead_inspector", "unit_leader"):
        with pytest.raises(OperationError) as forbidden:
            operations.register(factories.make_user(role), draft, draft.version)
        assert forbidden.value.status == 403
    operations.register(clerk, draft, draft.version)
    db.session.commit()
    sha = draft.pdf_sha256
    with pytest.raises(OperationError) as again:
        operations.register(clerk, draft, draft.version)
    assert again.value.status == 409
    with pytest.raises(OperationError) as resign:
        operations.sign(boss, draft, draft.version)
    assert resign.value.status == 409
    db.session.rollback()
    assert db.session.get(Document, draft.id).pdf_sha256 == sha


def test_dispatch_notifies_the_unit_which_sees_the_letter_on_the_case(db):
    boss, clerk = _boss(), factories.make_user("clerk")
    unit = factories.make_unit("Sở Xây dựng")
    inspection = factories.make_inspection(state="monitoring", target_unit=unit)
    case = factories.make_case(inspection=inspection, due=date(2026, 10, 15))
    leader = factories.make_user("unit_leader", unit=unit)
    db.session.commit()
    sweep(TODAY)
    letter = db.session.execute(select(Document).where(Document.case_id == case.id)).scalar_one()
    operations.sign(boss, letter, letter.version)
    assert documents_of_case(leader, case.id) == []  # signed, not yet dispatched
    clerk_notes = db.session.execute(
        select(Notification.kind).where(Notification.user_id == clerk.id)
    ).scalars()
    assert "document_signed" in set(clerk_notes)
    operations.register(clerk, letter, letter.version)
    db.session.commit()
    assert [d.id for d in documents_of_case(leader, case.id)] == [letter.id]
    titles = db.session.execute(
        select(Notification.title).where(Notification.user_id == leader.id)
    ).scalars()
    assert any("01/TTr-NV" in t for t in titles)


def _app(url, tmp_path):
    from inspect_app import create_app

    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(tmp_path / "up")}
    )


def _in_threads(app, ids, clerk_id, numbers):
    """Register the documents `ids` at the same moment, one thread each (typed `numbers`)."""
    from inspect_app.auth.models import User
    from inspect_app.extensions import db

    barrier = threading.Barrier(len(ids))
    errors: list[BaseException] = []

    def run(doc_id: int, number) -> None:
        try:
            with app.app_context():
                clerk = db.session.get(User, clerk_id)
                doc = db.session.get(Document, doc_id)
                barrier.wait(timeout=30)
                operations.register(clerk, doc, doc.version, number=number)
                db.session.commit()
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=a) for a in zip(ids, numbers, strict=True)]
    # Frozen once for the process (see tests/reports/test_documents.py: a thread leaving its
    # own frozen block would let the clock run for the others).
    with clock.frozen(TODAY):
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    return errors


def _signed_world(app, count):
    from inspect_app.extensions import db

    with app.app_context():
        db.create_all()
        with clock.frozen(TODAY):
            boss = _boss()
            ids = [_signed(boss, body=f"Báo cáo {n}").id for n in range(count)]
        clerk = factories.make_user("clerk")
        db.session.commit()
        return ids, clerk.id


def _numbers(app, ids):
    from inspect_app.extensions import db

    with app.app_context():
        found = sorted(
            n
            for n in db.session.execute(select(Document.number).where(Document.id.in_(ids)))
            .scalars()
            .all()
            if n is not None
        )
        db.session.remove()
        db.engine.dispose()
    return found


def test_concurrent_registrations_get_distinct_numbers(empty_database_url, tmp_path):
    """Four clerks register four signed documents of one register at once (PostgreSQL: an
    advisory lock per register and year; SQLite: the write lock taken first)."""
    app = _app(empty_database_url, tmp_path)
    ids, clerk_id = _signed_world(app, 4)
    errors = _in_threads(app, ids, clerk_id, [None] * 4)
    assert errors == []
    assert _numbers(app, ids) == [1, 2, 3, 4]


def test_concurrent_typed_numbers_one_wins(empty_database_url, tmp_path):
    """Two clerks type the same external number at once: one registers it, the other is told
    it is taken; nothing is issued twice."""
    app = _app(empty_database_url, tmp_path)
    ids, clerk_id = _signed_world(app, 2)
    errors = _in_threads(app, ids, clerk_id, [5, 5])
    assert len(errors) == 1 and isinstance(errors[0], OperationError)
    assert errors[0].field == "number"
    assert _numbers(app, ids) == [5]


def test_register_page_lists_the_register_in_constant_queries(db, login_as, count_queries):
    boss = _boss()
    clerk = login_as("clerk")
    admin = factories.make_user("clerk")
    operations.register(admin, (doc := _signed(boss)), doc.version)
    waiting = _signed(boss)
    db.session.commit()
    with count_queries() as few:
        page = clerk.get("/reports/registers?year=2026")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "01/BC-TTr" in body and waiting.title in body
    for _ in range(6):
        operations.register(admin, (more := _signed(boss)), more.version)
    _signed(boss)
    db.session.commit()
    with count_queries() as many:
        page = clerk.get("/reports/registers?year=2026")
    assert "07/BC-TTr" in page.get_data(as_text=True)
    assert many() == few()
    other = clerk.get("/reports/registers?body=SỞ NỘI VỤ&year=2026").get_data(as_text=True)
    assert "01/BC-TTr" not in other
