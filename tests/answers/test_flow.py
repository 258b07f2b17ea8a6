"""The answer loop over HTTP: assign -> notify -> progress reports -> final answer with files
-> notify the lead -> reject with reason -> answer again -> accept; partly done; a deputy
answering on behalf of the unit's leader; the timeline and the files of every step."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from inspect_app.answers.models import AnswerKind, CaseAnswer, Verdict
from inspect_app.cases import operations as case_ops
from inspect_app.cases.models import CaseState
from inspect_app.core.audit import AuditEvent
from inspect_app.core.files import EvidenceFile
from inspect_app.deputies.models import Delegation
from inspect_app.extensions import db as _db
from tests import factories as f
from tests.answers.support import (
    PDF,
    answer_form,
    notes,
    png_bytes,
    post_answer,
    reload,
)


def test_creating_a_case_notifies_the_units_leaders_and_deputy(world):
    p = world["people"]
    case = case_ops.create_case(
        p["lead"],
        world["inspection"],
        {
            "finding_ids": [world["finding"].id],
            "type": "other",
            "title": "Bổ sung quy chế lưu trữ",
            "legal_reference_id": world["ref"].id,
            "severity": "medium",
            "required_action": "Ban hành quy chế",
        },
    )
    _db.session.commit()
    for who in ("leader", "deputy"):
        (note,) = notes(p[who], "case_assigned")
        assert case.reference in note.title and note.link == f"/cases/{case.id}"
    for who in ("other_leader", "parent_leader", "lead", "member"):
        assert notes(p[who], "case_assigned") == []


def test_full_loop(world, login_as, uploads):
    p, case = world["people"], world["case"]
    leader = login_as(p["leader"])

    page = leader.get(f"/cases/{case.id}/answer")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'capture="environment"' in body and "multiple" in body
    assert "Chỉnh lý toàn bộ hồ sơ tồn đọng" in body and "Luật Lưu trữ 2024" in body
    # 30/10/2026 is 21 working days after Thursday 01/10/2026.
    assert "21" in body

    # Two progress reports: the case stays open, the lead gets lower-key notices.
    for n, text in enumerate(["Đã lập kế hoạch chỉnh lý", "Đã chỉnh lý 60% hồ sơ"], start=1):
        version = reload(case).version
        r = post_answer(
            leader,
            case.id,
            answer_form(version, text, None, files=[(f"tiến độ {n}.pdf", PDF)]),
            "progress",
        )
        assert r.status_code == 303, r.get_data(as_text=True)[:500]
        assert reload(case).state == CaseState.OPEN and reload(case).version == version + 1
    assert len(notes(p["lead"], "case_progress")) == 2
    assert notes(p["lead"], "case_answered") == []

    # The final answer with two files: answered, the lead is asked to verify.
    version = reload(case).version
    r = post_answer(
        leader,
        case.id,
        answer_form(version, files=[("biên bản.pdf", PDF), ("ảnh kho.png", png_bytes())]),
    )
    assert r.status_code == 303
    assert reload(case).state == CaseState.ANSWERED
    (note,) = notes(p["lead"], "case_answered")
    assert case.reference in note.title and note.link == f"/cases/{case.id}"
    final = _db.session.execute(
        select(CaseAnswer).where(CaseAnswer.kind == AnswerKind.FINAL)
    ).scalar_one()
    assert final.completion_date == date(2026, 9, 30) and final.author_id == p["leader"].id
    assert final.on_behalf_of_id is None
    assert sorted(e.original_name for e in final.files) == ["biên bản.pdf", "ảnh kho.png"]
    assert all((uploads / e.stored_name).is_file() for e in final.files)

    # Files are served exactly to who may see the case.
    file_id = final.files[0].id
    assert leader.get(f"/evidence/{file_id}").status_code == 200
    lead = login_as(p["lead"])
    assert lead.get(f"/evidence/{file_id}").status_code == 200
    assert login_as(p["other_leader"]).get(f"/evidence/{file_id}").status_code == 404
    png = next(e for e in final.files if e.is_image)
    assert lead.get(f"/evidence/{png.id}/thumb").status_code == 200

    # The team sees the answers and the verification buttons on the case page.
    page = lead.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Đã chỉnh lý 60% hồ sơ" in page and "biên bản.pdf" in page
    assert f"/cases/{case.id}/partly-done" in page and f"/cases/{case.id}/accept" in page

    # Rejected with a reason: open again, deadline kept; the unit's leaders are told.
    r = lead.post(
        f"/cases/{case.id}/reject",
        data={"reason": "Thiếu danh mục hồ sơ đã chỉnh lý", "version": str(reload(case).version)},
    )
    assert r.status_code == 303
    current = reload(case)
    assert current.state == CaseState.OPEN and current.due_date == date(2026, 10, 30)
    _db.session.refresh(final)
    assert final.verdict == Verdict.REJECTED and final.verified_by_id == p["lead"].id
    assert final.verification_note == "Thiếu danh mục hồ sơ đã chỉnh lý"
    for who in ("leader", "deputy"):
        assert len(notes(p[who], "case_rejected")) == 1

    # Answer again, then a team member accepts: the case is done.
    r = post_answer(
        leader,
        case.id,
        answer_form(reload(case).version, "Đã bổ sung danh mục", files=[("danh mục.pdf", PDF)]),
    )
    assert r.status_code == 303 and reload(case).state == CaseState.ANSWERED
    member = login_as(p["member"])
    r = member.post(f"/cases/{case.id}/accept", data={"version": str(reload(case).version)})
    assert r.status_code == 303
    assert reload(case).state == CaseState.ACCEPTED and reload(case).closed_at is not None
    assert len(notes(p["leader"], "case_accepted")) == 1
    assert len(notes(p["lead"], "case_answered")) == 2

    # Every step is on the timeline, in order.
    actions = list(
        _db.session.execute(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "Case", AuditEvent.object_id == case.id)
            .order_by(AuditEvent.id)
        ).scalars()
    )
    assert actions == [
        "case_progress_reported",
        "case_progress_reported",
        "case_answered",
        "case_rejected",
        "case_answered",
        "case_accepted",
    ]
    page = leader.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Thiếu danh mục hồ sơ đã chỉnh lý" in page and "danh mục.pdf" in page
    assert f"/cases/{case.id}/answer" not in page  # nothing left to answer

    # An accepted case cannot be answered any more.
    r = post_answer(leader, case.id, answer_form(reload(case).version))
    assert r.status_code == 422
    assert _db.session.query(CaseAnswer).count() == 4


def test_partly_done_keeps_the_case_open_with_what_was_done(world, login_as):
    p, case = world["people"], world["case"]
    leader = login_as(p["leader"])
    assert post_answer(leader, case.id, answer_form(case.version)).status_code == 303
    lead = login_as(p["lead"])
    r = lead.post(
        f"/cases/{case.id}/partly-done",
        data={
            "reason": "Đã chỉnh lý 80%; còn 300 hồ sơ",
            "version": str(reload(case).version),
            "due_date": "2026-11-30",
            "due_reason": "Khối lượng còn lại lớn",
            **f.deciding_form(),
        },
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:800]
    current = reload(case)
    assert current.state == CaseState.OPEN and current.due_date == date(2026, 11, 30)
    assert current.due_change_reason == "Khối lượng còn lại lớn"
    answer = _db.session.execute(select(CaseAnswer)).scalar_one()
    assert answer.verdict == Verdict.PARTLY_DONE
    assert answer.verification_note == "Đã chỉnh lý 80%; còn 300 hồ sơ"
    (note,) = notes(p["leader"], "case_partly_done")
    assert "30/11/2026" in note.title
    events = [
        e.action
        for e in _db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
        if e.object_type == "Case"
    ]
    assert events[-2:] == ["case_partly_done", "case_deadline_changed"]
    page = leader.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Đã chỉnh lý 80%; còn 300 hồ sơ" in page
    # The unit answers the remainder.
    assert f"/cases/{case.id}/answer" in page


def test_deputy_answers_on_behalf_of_the_leader(world, login_as):
    p, case = world["people"], world["case"]
    deputy = login_as(p["deputy"])
    page = deputy.get(f"/cases/{case.id}/answer").get_data(as_text=True)
    assert "Giám đốc Nguyễn Thị C" in page  # "on behalf of" the principal, before sending
    r = post_answer(deputy, case.id, answer_form(case.version, files=[("kết quả.pdf", PDF)]))
    assert r.status_code == 303
    answer = _db.session.execute(select(CaseAnswer)).scalar_one()
    assert answer.author_id == p["deputy"].id and answer.on_behalf_of_id == p["leader"].id
    event = _db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "case_answered")
    ).scalar_one()
    assert event.actor_id == p["deputy"].id and event.on_behalf_of_id == p["leader"].id
    page = login_as(p["lead"]).get(f"/cases/{case.id}").get_data(as_text=True)
    assert page.count("Giám đốc Nguyễn Thị C") >= 2  # on the answer and on the timeline
    assert "Phó phòng Phạm D" in page

    # The verdict reaches the leader and the deputy who answered.
    r = login_as(p["member"]).post(
        f"/cases/{case.id}/reject",
        data={"reason": "Chưa có quyết định phê duyệt", "version": str(reload(case).version)},
    )
    assert r.status_code == 303
    assert len(notes(p["leader"], "case_rejected")) == 1
    assert len(notes(p["deputy"], "case_rejected")) == 1
    assert notes(p["other_leader"], "case_rejected") == []


def test_a_revoked_or_expired_delegation_gives_no_authority(world, login_as):
    delegation = _db.session.execute(select(Delegation)).scalar_one()
    delegation.ends_on = date(2026, 9, 30)
    _db.session.commit()
    deputy = login_as(world["people"]["deputy"])
    case = world["case"]
    assert deputy.get(f"/cases/{case.id}/answer").status_code == 404
    r = post_answer(deputy, case.id, answer_form(case.version))
    assert r.status_code == 404
    assert reload(case).state == CaseState.OPEN


def test_parent_unit_leader_answers_in_own_name(world, login_as):
    p, case = world["people"], world["case"]
    r = post_answer(login_as(p["parent_leader"]), case.id, answer_form(case.version))
    assert r.status_code == 303
    answer = _db.session.execute(select(CaseAnswer)).scalar_one()
    assert answer.author_id == p["parent_leader"].id and answer.on_behalf_of_id is None


def test_repeated_submission_with_the_same_key_saves_once(world, login_as, uploads):
    p, case = world["people"], world["case"]
    leader = login_as(p["leader"])
    form = answer_form(case.version, idempotency_key="k" * 32, files=[("a.pdf", PDF)])
    assert post_answer(leader, case.id, form).status_code == 303
    again = answer_form(case.version, idempotency_key="k" * 32, files=[("a.pdf", PDF)])
    assert post_answer(leader, case.id, again).status_code == 303
    assert _db.session.query(CaseAnswer).count() == 1
    assert _db.session.query(EvidenceFile).count() == 1
    assert len(list(uploads.iterdir())) == 1
