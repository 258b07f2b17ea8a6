"""Bad input on answers and verification: each refused with a clear message and the right
status, nothing changed, no orphan stored file; and who may call each route, per role."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from inspect_app.answers import operations as answer_ops
from inspect_app.answers.models import CaseAnswer
from inspect_app.cases import operations as case_ops
from inspect_app.cases.models import CaseState
from inspect_app.core.audit import AuditEvent
from inspect_app.core.errors import Forbidden
from inspect_app.core.files import EvidenceFile
from inspect_app.extensions import db as _db
from inspect_app.notifications.models import Notification
from tests import factories as f
from tests.answers.support import (
    EXE,
    PDF,
    answer_form,
    answered,
    post_answer,
    reload,
)
from tests.helpers import (
    SIGN_IN,
    assert_permission,
)


def counts() -> tuple[int, int, int, int]:
    return tuple(
        _db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (CaseAnswer, EvidenceFile, AuditEvent, Notification)
    )


def stored_files(uploads) -> list:
    return list(uploads.iterdir()) if uploads.exists() else []


# --- the answer form ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"completion": None}, "completion_date", "completion"),
        ({"completion": "2026-10-02"}, "completion_date", "future"),
        ({"completion": "02/10/2026"}, "completion_date", None),
        ({"text": ""}, "text", None),
        ({"text": "x" * 5001}, "text", None),
        ({"text": "Đã làm\x00"}, "text", None),
    ],
)
def test_bad_final_answer_refused_in_place(world, login_as, uploads, change, field, message):
    case = world["case"]
    leader = login_as(world["people"]["leader"])
    before = counts()
    form = answer_form(case.version, files=[("biên bản.pdf", PDF)])
    if "completion" in change:
        form.pop("completion_date", None)
        if change["completion"] is not None:
            form["completion_date"] = change["completion"]
    if "text" in change:
        form["text"] = change["text"]
    r = post_answer(leader, case.id, form)
    body = r.get_data(as_text=True)
    assert r.status_code == 422
    assert f'id="{field}-error"' in body
    assert 'id="files-error"' in body  # the files must be chosen again
    assert counts() == before and stored_files(uploads) == []
    assert reload(case).state == CaseState.OPEN and reload(case).version == case.version


def test_final_answer_messages_are_clear(world, app):
    leader = world["people"]["leader"]
    case = world["case"]
    with pytest.raises(answer_ops.OperationError) as err:
        answer_ops.submit_final_answer(leader, case, {"text": "Đã làm", "version": case.version})
    assert err.value.field == "completion_date" and err.value.status == 422
    with pytest.raises(answer_ops.OperationError) as err:
        answer_ops.submit_final_answer(
            leader,
            case,
            {"text": "Đã làm", "version": case.version, "completion_date": date(2026, 10, 2)},
        )
    assert err.value.field == "completion_date" and err.value.status == 422
    assert str(err.value.message)


def test_progress_report_needs_no_completion_date_but_text(world, login_as):
    case = world["case"]
    leader = login_as(world["people"]["leader"])
    before = counts()
    r = post_answer(leader, case.id, answer_form(case.version, "", None), "progress")
    assert r.status_code == 422 and 'id="text-error"' in r.get_data(as_text=True)
    assert counts() == before
    r = post_answer(leader, case.id, answer_form(case.version, "Đang làm", None), "progress")
    assert r.status_code == 303


@pytest.mark.parametrize("kind", ["answer", "progress"])
def test_forbidden_file_type_refused_nothing_stored(world, login_as, uploads, kind):
    case = world["case"]
    leader = login_as(world["people"]["leader"])
    before = counts()
    form = answer_form(case.version, files=[("biên bản.pdf", PDF), ("setup.pdf", EXE)])
    r = post_answer(leader, case.id, form, kind)
    assert r.status_code == 422
    assert "setup.pdf" in r.get_data(as_text=True)
    assert counts() == before and stored_files(uploads) == []
    assert reload(case).state == CaseState.OPEN


def test_too_large_file_refused_with_413_nothing_stored(world, login_as, uploads, app):
    case = world["case"]
    leader = login_as(world["people"]["leader"])
    before = counts()
    previous = app.config["MAX_UPLOAD_MB"]
    app.config["MAX_UPLOAD_MB"] = 1
    try:
        big = PDF + b"0" * (1024 * 1024 + 10)
        form = answer_form(case.version, files=[("ok.pdf", PDF), ("lớn.pdf", big)])
        r = post_answer(leader, case.id, form)
    finally:
        app.config["MAX_UPLOAD_MB"] = previous
    assert r.status_code == 413
    assert "lớn.pdf" in r.get_data(as_text=True)
    assert counts() == before and stored_files(uploads) == []
    assert reload(case).state == CaseState.OPEN


def test_answering_another_units_case_is_404(world, login_as):
    case = world["case"]
    other = login_as(world["people"]["other_leader"])
    before = counts()
    assert other.get(f"/cases/{case.id}/answer").status_code == 404
    assert post_answer(other, case.id, answer_form(case.version)).status_code == 404
    assert post_answer(other, case.id, answer_form(case.version), "progress").status_code == 404
    assert other.get("/cases/99999999999/answer").status_code == 404
    assert counts() == before


@pytest.mark.parametrize("state", ["accepted", "answered", "withdrawn"])
def test_answering_a_case_that_is_not_open_is_422(world, login_as, state):
    case = world["case"]
    case.state = CaseState(state)
    case.withdrawn_reason = "Không còn căn cứ" if state == "withdrawn" else None
    _db.session.commit()
    leader = login_as(world["people"]["leader"])
    before = counts()
    for kind in ("answer", "progress"):
        r = post_answer(leader, case.id, answer_form(case.version), kind)
        assert r.status_code == 422
        assert reload(case).state == CaseState(state)
    assert counts() == before
    page = leader.get(f"/cases/{case.id}/answer")
    assert page.status_code == 200 and 'name="text"' not in page.get_data(as_text=True)


def test_verifying_ones_own_answer_is_forbidden(world, login_as):
    """The rule is general: whoever wrote the final answer (or in whose name) may not verify."""
    p, case = world["people"], world["case"]
    f.make_case_answer(case, p["member"])
    case.state = CaseState.ANSWERED
    _db.session.commit()
    assert not case.can_verify(p["member"])
    assert case.can_verify(p["lead"])
    with pytest.raises(Forbidden):
        case_ops.accept(p["member"], case, case.version)
    member = login_as(p["member"])
    before = counts()
    for path, data in [
        ("accept", {}),
        ("reject", {"reason": "Không đạt"}),
        ("partly-done", {"reason": "Một phần"}),
    ]:
        r = member.post(f"/cases/{case.id}/{path}", data={**data, "version": str(case.version)})
        assert r.status_code == 403
    assert counts() == before and reload(case).state == CaseState.ANSWERED
    page = member.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/accept" not in page


def test_on_behalf_principal_cannot_verify_either(world):
    p, case = world["people"], world["case"]
    answer = f.make_case_answer(case, p["deputy"], on_behalf_of_id=p["member"].id)
    case.state = CaseState.ANSWERED
    _db.session.commit()
    assert answer.involves(p["member"]) and answer.involves(p["deputy"])
    with pytest.raises(Forbidden):
        case_ops.reject(p["member"], case, "Không đạt", case.version)


@pytest.mark.parametrize("path", ["reject", "partly-done"])
def test_empty_reason_refused(world, login_as, path):
    case = answered(world)
    lead = login_as(world["people"]["lead"])
    before = counts()
    r = lead.post(f"/cases/{case.id}/{path}", data={"reason": "  ", "version": str(case.version)})
    assert r.status_code == 422 and 'id="reason-error"' in r.get_data(as_text=True)
    assert counts() == before and reload(case).state == CaseState.ANSWERED


def test_new_deadline_on_rejection_needs_a_reason_and_the_lead(world, login_as):
    case = answered(world)
    data = {"reason": "Chưa đạt", "version": str(case.version), "due_date": "2026-12-15"}
    lead, member = login_as(world["people"]["lead"]), login_as(world["people"]["member"])
    before = counts()
    r = lead.post(f"/cases/{case.id}/reject", data=data)
    assert r.status_code == 422 and 'id="due_reason-error"' in r.get_data(as_text=True)
    r = member.post(f"/cases/{case.id}/reject", data={**data, "due_reason": "Xin thêm"})
    assert r.status_code == 403
    assert counts() == before
    current = reload(case)
    assert current.state == CaseState.ANSWERED and current.due_date == date(2026, 10, 30)
    # The same deadline sent back unchanged is no change.
    r = member.post(f"/cases/{case.id}/reject", data={**data, "due_date": "2026-10-30"})
    assert r.status_code == 303 and reload(case).due_date == date(2026, 10, 30)


def test_verifying_a_case_that_is_not_answered_is_422(world, login_as):
    case = world["case"]
    lead = login_as(world["people"]["lead"])
    for path, data in [("accept", {}), ("partly-done", {"reason": "x"})]:
        r = lead.post(f"/cases/{case.id}/{path}", data={**data, "version": str(case.version)})
        assert r.status_code == 422
    assert reload(case).state == CaseState.OPEN


# --- who may call each route ----------------------------------------------------------------

ROLES = ["anonymous", "admin", "member", "outsider", "lead", "leader", "leadership"]

# route -> {who: expected status} with valid input (so the decision is the permission's).
ROUTES = {
    ("GET", "answer", "open"): {
        "admin": 403,
        "member": 403,
        "outsider": 403,
        "lead": 403,
        "leader": 200,
        "leadership": 403,
    },
    ("POST", "answer", "open"): {
        "admin": 403,
        "member": 403,
        "outsider": 403,
        "lead": 403,
        "leader": 303,
        "leadership": 403,
    },
    ("POST", "progress", "open"): {
        "admin": 403,
        "member": 403,
        "outsider": 403,
        "lead": 403,
        "leader": 303,
        "leadership": 403,
    },
    ("POST", "partly-done", "answered"): {
        "admin": 303,
        "member": 303,
        "outsider": 403,
        "lead": 303,
        "leader": 403,
        "leadership": 403,
    },
    ("POST", "accept", "answered"): {
        "admin": 303,
        "member": 303,
        "outsider": 403,
        "lead": 303,
        "leader": 403,
        "leadership": 403,
    },
    ("POST", "reject", "answered"): {
        "admin": 303,
        "member": 303,
        "outsider": 403,
        "lead": 303,
        "leader": 403,
        "leadership": 403,
    },
}


@pytest.mark.parametrize(
    ("method", "path", "state", "who"),
    [(*key, who) for key in ROUTES for who in ROLES],
)
def test_route_permissions(world, client, login_as, method, path, state, who):
    case = world["case"]
    if state == "answered":
        answered(world)
    people = world["people"]
    c = client if who == "anonymous" else login_as(people[who])
    expected = SIGN_IN if who == "anonymous" else ROUTES[(method, path, state)][who]
    before = counts()
    url = f"/cases/{case.id}/{path}"
    if method == "GET":
        r = c.get(url)
    elif path in ("answer", "progress"):
        r = post_answer(c, case.id, answer_form(case.version), path)
    else:
        r = c.post(url, data={"reason": "Đã kiểm tra", "version": str(case.version)})
    assert_permission(r, expected)
    if expected in (403, SIGN_IN):
        assert counts() == before
        assert reload(case).state == CaseState(state)
