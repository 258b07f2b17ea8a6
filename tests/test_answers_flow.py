"""The answer loop over HTTP: assign -> notify -> progress reports -> final answer with files
-> notify the lead -> reject with reason -> answer again -> accept; partly done; a deputy
answering on behalf of the unit's leader; the timeline and the files of every step."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from inspect_app.answers.models import AnswerKind, CaseAnswer, Verdict
from inspect_app.cases import operations as case_ops
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import clock
from inspect_app.core.audit import AuditEvent
from inspect_app.core.files import EvidenceFile
from inspect_app.core.roles import Role
from inspect_app.deputies.models import Delegation
from inspect_app.extensions import db as _db
from inspect_app.notifications.models import Notification
from inspect_app.units.models import UnitKind
from tests import factories as f
from tests.helpers import uploads_fixture  # noqa: F401

TODAY = date(2026, 10, 1)  # a Thursday
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 300


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def build_world() -> dict:
    """A concluded inspection (lead + member) whose target unit has a leader, a parent unit's
    leader, a deputy from another unit (delegation running today), and one open case."""
    clock.freeze(TODAY)
    parent = f.make_unit("Sở Nội vụ")
    target = f.make_unit("Trung tâm Lưu trữ lịch sử", kind=UnitKind.SERVICE_UNIT, parent=parent)
    other = f.make_unit("Sở Y tế")
    people = {
        "admin": f.make_user(Role.ADMIN),
        "lead": f.make_user(Role.LEAD_INSPECTOR, full_name="Trưởng đoàn Lê Văn A"),
        "member": f.make_user(Role.INSPECTOR, full_name="Thành viên Trần B"),
        "outsider": f.make_user(Role.INSPECTOR),
        "leadership": f.make_user(Role.LEADERSHIP),
        "leader": f.make_user(Role.UNIT_LEADER, unit=target, full_name="Giám đốc Nguyễn Thị C"),
        "parent_leader": f.make_user(Role.UNIT_LEADER, unit=parent),
        "other_leader": f.make_user(Role.UNIT_LEADER, unit=other),
        "deputy": f.make_user(Role.UNIT_LEADER, unit=other, full_name="Phó phòng Phạm D"),
    }
    _db.session.add(
        Delegation(
            principal=people["leader"],
            deputy=people["deputy"],
            unit=target,
            starts_on=date(2026, 9, 1),
            ends_on=date(2026, 12, 31),
            reason="Nghỉ phép",
        )
    )
    inspection = f.make_inspection(
        state="monitoring",
        target_unit=target,
        lead=people["lead"],
        members=[people["member"]],
    )
    finding = f.make_finding(inspection, description="Hồ sơ lưu trữ không đầy đủ")
    ref = f.make_legal_reference(instrument="Luật Lưu trữ 2024", article="10")
    case = f.make_case(
        inspection,
        due=date(2026, 10, 30),
        title="Chỉnh lý hồ sơ lưu trữ",
        legal_reference=ref,
        required_action="Chỉnh lý toàn bộ hồ sơ tồn đọng",
    )
    case.findings = [finding]
    _db.session.commit()
    return {
        "people": people,
        "inspection": inspection,
        "finding": finding,
        "ref": ref,
        "case": case,
        "target": target,
        "other": other,
    }


def answered(world):
    """The case with a final answer by the unit's leader, committed."""
    case = world["case"]
    f.make_case_answer(case, world["people"]["leader"])
    case.state = CaseState.ANSWERED
    _db.session.commit()
    return case


@pytest.fixture(name="world")
def world_fixture(db, uploads):
    """The world of build_world(), with uploads in a folder of the test's own."""
    return build_world()


def answer_form(version, text="Đã chỉnh lý 1.200 hồ sơ", completion="2026-09-30", files=(), **kw):
    data = {"text": text, "version": str(version), **kw}
    if completion is not None:
        data["completion_date"] = completion
    if files:
        data["files"] = [(io.BytesIO(content), name) for name, content in files]
    return data


def post_answer(client, case_id, data, kind="answer"):
    return client.post(f"/cases/{case_id}/{kind}", data=data, content_type="multipart/form-data")


def notes(user, kind=None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(_db.session.execute(stmt.order_by(Notification.id)).scalars())


def reload(case) -> Case:
    _db.session.expire_all()
    return _db.session.get(Case, case.id)


def test_creating_a_case_notifies_the_units_leaders_and_deputy(world):
    p = world["people"]
    case = case_ops.create_case(
        p["lead"],
        world["inspection"],
        {
            "finding_ids": [world["finding"].id],
            "type": "fix_practices",
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
