"""The minutes of a check as PDF and Word, filled from the check: the decision at its first
citation, the unit's head and the team, each case's result; unsigned until every result is
recorded; only the checking side downloads them."""

from __future__ import annotations

import io
from datetime import date

from docx import Document as read_docx

from inspect_app.core import clock
from inspect_app.implementation_checks import operations
from inspect_app.implementation_checks.papers import minutes_of
from tests.implementation_checks.test_checks import _decide, _world
from tests.reports.test_word import _docx_paragraphs


def test_minutes_of_a_check(app, db, login_as, uploads):
    w = _world(db)
    first, second = w["cases"]
    check = _decide(db, w, date(2026, 12, 7))
    with app.test_request_context():
        before = minutes_of(check)
    assert before.draft and before.units == (("Sở Xây dựng", w["leader"].full_name),)
    assert before.decision.startswith("Quyết định số 01/QĐ-TTr ngày 07/12/2026 của Chánh Thanh")
    assert "về việc kiểm tra việc thực hiện Kết luận thanh tra số" in before.decision
    with clock.frozen(date(2026, 12, 14)):
        operations.record_minutes(
            w["lead"], check, date(2026, 12, 14), "Đã làm việc.", check.version
        )
        operations.record_results(
            w["lead"],
            check,
            {first.id: ("not_done", "Chưa ban hành"), second.id: ("done", "Có hồ sơ")},
            check.version,
        )
        db.session.commit()
    with app.test_request_context():
        after = minutes_of(check)
    assert not after.draft and after.day == date(2026, 12, 14)
    assert [r[2:] for r in after.results] == [
        ("Chưa thực hiện", "Chưa ban hành"),
        ("Đã thực hiện", "Có hồ sơ"),
    ]
    lead = login_as(w["lead"])
    r = lead.get(f"/implementation-checks/{check.id}/minutes.docx")
    assert r.status_code == 200
    paragraphs = _docx_paragraphs(read_docx(io.BytesIO(r.data)))
    for expected in ("BIÊN BẢN", "TRƯỞNG ĐOÀN KIỂM TRA", "Trần Thị Lan", "Chưa ban hành"):
        assert expected in paragraphs, expected
    assert lead.get(f"/implementation-checks/{check.id}/minutes.pdf").data.startswith(b"%PDF")
    assert (
        login_as(w["leader"]).get(f"/implementation-checks/{check.id}/minutes.pdf").status_code
        == 403
    )
