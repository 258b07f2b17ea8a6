"""Two people acting on the same case at once: one wins, the other gets 409 with the case as
it is now and a clear message; nothing is overwritten, no orphan row or file is left.

Two kinds of test: the version a form was built on (both requests send the same version, one
after the other), and a real race, where the other request commits between our read and our
write (simulated by committing a change of the row's version from inside our request's first
flush, which is what a concurrent transaction does): the UPDATE ... WHERE version = n then
matches no row."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from inspect_app.answers import operations as answer_ops
from inspect_app.answers.models import CaseAnswer
from inspect_app.cases import operations as case_ops
from inspect_app.cases.models import CaseState
from inspect_app.core.errors import Conflict
from inspect_app.extensions import db as _db
from inspect_app.findings.models import EvidenceFile
from tests.answers.support import (
    PDF,
    answer_form,
    answered,
    post_answer,
    reload,
)


def n_answers() -> int:
    return _db.session.execute(select(func.count()).select_from(CaseAnswer)).scalar_one()


@contextmanager
def concurrent_write(case_id: int):
    """While active, the first flush of the session first sees another transaction's change
    to the case (its version moves on), as if it had committed a moment earlier."""
    done = []

    def before_flush(session, flush_context, instances):
        if not done:
            done.append(True)
            session.connection().execute(
                text("UPDATE recommendation SET version = version + 1 WHERE id = :id"),
                {"id": case_id},
            )

    event.listen(Session, "before_flush", before_flush)
    try:
        yield done
    finally:
        event.remove(Session, "before_flush", before_flush)


# --- the same version sent twice ------------------------------------------------------------


def test_two_final_answers_from_the_same_page(world, login_as):
    p, case = world["people"], world["case"]
    leader, deputy = login_as(p["leader"]), login_as(p["deputy"])
    version = case.version
    r = post_answer(leader, case.id, answer_form(version, "Bản của giám đốc"))
    assert r.status_code == 303
    r = post_answer(deputy, case.id, answer_form(version, "Bản của cấp phó"))
    body = r.get_data(as_text=True)
    assert r.status_code == 409
    # The current state is shown (answered, awaiting verification) with what they typed.
    assert "Bản của giám đốc" in body and "Bản của cấp phó" not in body.split("case-answers")[-1]
    assert 'name="text"' not in body  # the case is no longer open: no form to resend blindly
    assert n_answers() == 1
    assert _db.session.execute(select(CaseAnswer.text)).scalar_one() == "Bản của giám đốc"


def test_progress_report_on_a_stale_page_keeps_the_text(world, login_as):
    p, case = world["people"], world["case"]
    leader, deputy = login_as(p["leader"]), login_as(p["deputy"])
    version = case.version
    assert (
        post_answer(leader, case.id, answer_form(version, "Báo cáo 1"), "progress").status_code
        == 303
    )
    r = post_answer(deputy, case.id, answer_form(version, "Báo cáo 2", None), "progress")
    body = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "Báo cáo 2" in body  # kept in the form to send again
    assert f'name="version" value="{reload(case).version}"' in body  # built on the new version
    assert n_answers() == 1


def test_answer_and_verification_at_once(world, login_as):
    """The lead rejects while a member accepts the same answer: the second sees 409."""
    case = answered(world)
    lead, member = login_as(world["people"]["lead"]), login_as(world["people"]["member"])
    version = str(case.version)
    r = lead.post(f"/cases/{case.id}/reject", data={"reason": "Thiếu hồ sơ", "version": version})
    assert r.status_code == 303
    r = member.post(f"/cases/{case.id}/accept", data={"version": version})
    assert r.status_code == 409
    assert "Thiếu hồ sơ" in r.get_data(as_text=True)  # the current state, with the rejection
    current = reload(case)
    assert current.state == CaseState.OPEN and current.closed_at is None


def test_verification_after_a_new_answer_is_stale(world, login_as):
    """A rejection, the unit answers again, and an old accept form arrives: refused."""
    case = answered(world)
    lead, member = login_as(world["people"]["lead"]), login_as(world["people"]["member"])
    old = str(case.version)
    lead.post(f"/cases/{case.id}/reject", data={"reason": "Thiếu hồ sơ", "version": old})
    leader = login_as(world["people"]["leader"])
    assert post_answer(leader, case.id, answer_form(reload(case).version)).status_code == 303
    r = member.post(f"/cases/{case.id}/accept", data={"version": old})
    assert r.status_code == 409 and reload(case).state == CaseState.ANSWERED


def test_operations_check_the_version(world):
    p, case = world["people"], world["case"]
    stale = case.version + 1
    with pytest.raises(Conflict):
        answer_ops.add_progress_report(p["leader"], case, {"text": "x", "version": stale})
    with pytest.raises(Conflict):
        answer_ops.submit_final_answer(
            p["leader"], case, {"text": "x", "version": stale, "completion_date": None}
        )
    case.state = CaseState.ANSWERED
    _db.session.flush()
    with pytest.raises(Conflict):
        case_ops.partly_done(p["lead"], case, "Một phần", case.version + 1)
    assert n_answers() == 0


# --- real races: the other transaction commits between our read and our write ------------


@pytest.mark.parametrize("kind", ["answer", "progress"])
def test_race_on_answer_gets_409_and_leaves_nothing(world, login_as, uploads, kind):
    case = world["case"]
    leader = login_as(world["people"]["leader"])
    with concurrent_write(case.id) as done:
        r = post_answer(
            leader, case.id, answer_form(case.version, files=[("biên bản.pdf", PDF)]), kind
        )
    assert done, "the concurrent write did not happen"
    assert r.status_code == 409
    assert n_answers() == 0
    assert _db.session.execute(select(func.count()).select_from(EvidenceFile)).scalar_one() == 0
    assert not uploads.exists() or list(uploads.iterdir()) == []
    assert reload(case).state == CaseState.OPEN


@pytest.mark.parametrize("path", ["accept", "reject", "partly-done"])
def test_race_on_verification_gets_409(world, login_as, path):
    case = answered(world)
    lead = login_as(world["people"]["lead"])
    with concurrent_write(case.id) as done:
        r = lead.post(
            f"/cases/{case.id}/{path}", data={"reason": "Đã xem", "version": str(case.version)}
        )
    assert done
    assert r.status_code == 409
    assert "Chỉnh lý hồ sơ lưu trữ" in r.get_data(as_text=True)  # the case page, reloaded
    current = reload(case)
    assert current.state == CaseState.ANSWERED
    assert _db.session.execute(select(CaseAnswer.verdict)).scalar_one() is None
