"""The unit's answers on a case: progress reports, then the final answer that moves the case
to answered. A deputy answers on behalf of the leader they stand in for; every answer is
audited on the case and announced to the inspection's lead."""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from inspect_app.answers.models import AnswerKind, CaseAnswer
from inspect_app.cases.models import Case, CaseState
from inspect_app.core import audit, clock
from inspect_app.core.errors import Forbidden, OperationError
from inspect_app.core.files import store_upload
from inspect_app.core.models import check_version
from inspect_app.deputies.queries import Authority
from inspect_app.extensions import db
from inspect_app.notifications.operations import notify

FILE_FIELDS = ("original_name", "content_type", "size", "sha256")
MAX_FILES = 20


def replayed(actor, case: Case, key: str | None) -> CaseAnswer | None:
    """The answer an earlier submission with this key created (a double click, a retry)."""
    if not key:
        return None
    found = db.session.execute(
        select(CaseAnswer).where(CaseAnswer.idempotency_key == key)
    ).scalar_one_or_none()
    if found is not None and (found.author_id != actor.id or found.case_id != case.id):
        raise OperationError(_("This form was already used for another answer."), status=409)
    return found


def _check_answerable(actor, case: Case, version: int | None) -> Authority:
    authority = case.unit_authority(actor)
    if not authority.allowed:
        raise Forbidden(_("Only the leaders of the responsible unit or their deputies can answer."))
    check_version(case, version)
    if case.state == CaseState.ACCEPTED:
        raise OperationError(_("This case has been accepted and is closed: it cannot be answered."))
    if case.state == CaseState.WITHDRAWN:
        raise OperationError(_("This case has been withdrawn: it cannot be answered."))
    if case.state == CaseState.ANSWERED:
        raise OperationError(
            _(
                "The final answer has been sent and awaits verification by %(team)s.",
                team=case.inspection.kind.term("team_in_text"),
            )
        )
    return authority


def _text(data: dict) -> str:
    text = (data.get("text") or "").strip()
    if not text:
        raise OperationError(_("Describe what your unit has done."), field="text")
    return text


def _completion_date(data: dict) -> date:
    completed = data.get("completion_date")
    if completed is None:
        raise OperationError(
            _("Give the date on which the work was completed."), field="completion_date"
        )
    if completed > clock.today():
        raise OperationError(
            _("The completion date cannot be in the future."), field="completion_date"
        )
    return completed


def _create(actor, case: Case, kind: AnswerKind, data: dict, files, authority):
    if len(files) > MAX_FILES:
        raise OperationError(
            _("Attach at most %(num)d files at a time.", num=MAX_FILES), field="files"
        )
    answer = CaseAnswer(
        case_id=case.id,
        kind=kind,
        text=_text(data),
        completion_date=_completion_date(data) if kind == AnswerKind.FINAL else None,
        author_id=actor.id,
        on_behalf_of_id=getattr(authority.on_behalf_of, "id", None),
        idempotency_key=data.get("idempotency_key") or None,
        created_at=clock.now(),
    )
    # A concurrent retry with the same key fails here on the unique key; the view answers it
    # with `replayed` after rolling back.
    db.session.add(answer)
    db.session.flush()
    stored = [store_upload(f, actor, answer_id=answer.id) for f in files]
    # Every answer changes the case's version, so that two people answering (or answering and
    # verifying) from the same page cannot both succeed.
    case.updated_at = clock.now()
    flag_modified(case, "updated_at")
    return answer, stored


def _audit(actor, case, answer, stored, action, authority, before=None):
    after = {
        "answer_id": answer.id,
        "kind": answer.kind,
        "completion_date": answer.completion_date,
        "files": [audit.snapshot(f, FILE_FIELDS) for f in stored],
    }
    if before is not None:
        after["state"] = case.state
    audit.record(
        actor,
        case,
        action,
        before=before,
        after=after,
        note=answer.text,
        on_behalf_of=authority.on_behalf_of,
    )


def _notify_lead(case: Case, kind: str, actor) -> None:
    lead = case.inspection.lead
    if lead is None or not lead.active or lead.id == actor.id:
        return
    with force_locale(lead.locale):
        if kind == "case_answered":
            title = _("Case %(ref)s has been answered: please verify.", ref=case.reference)
        else:
            title = _("Progress report on case %(ref)s.", ref=case.reference)
        notify(lead, kind, title, body=case.title, link=case.path)


def add_progress_report(actor, case: Case, data: dict, files=()) -> CaseAnswer:
    """The unit reports progress on an open case (it stays open); the lead is told.

    A repeated submission with the same idempotency key returns the first report.
    Raises 403 (not the unit's leader or deputy), 409 (stale), 422 (state, text, file), 413."""
    replay = replayed(actor, case, data.get("idempotency_key"))
    if replay is not None:
        return replay
    authority = _check_answerable(actor, case, data.get("version"))
    answer, stored = _create(actor, case, AnswerKind.PROGRESS, data, list(files), authority)
    db.session.flush()
    _audit(actor, case, answer, stored, "case_progress_reported", authority)
    _notify_lead(case, "case_progress", actor)
    return answer


def submit_final_answer(actor, case: Case, data: dict, files=()) -> CaseAnswer:
    """The unit's final answer with its completion date: open -> answered; the lead is told.

    A repeated submission with the same idempotency key returns the first answer.
    Raises 403 (not the unit's leader or deputy), 409 (stale), 422 (state, text, date, file),
    413 (file too large)."""
    replay = replayed(actor, case, data.get("idempotency_key"))
    if replay is not None:
        return replay
    authority = _check_answerable(actor, case, data.get("version"))
    before = {"state": case.state}
    answer, stored = _create(actor, case, AnswerKind.FINAL, data, list(files), authority)
    case.state = CaseState.ANSWERED
    db.session.flush()
    _audit(actor, case, answer, stored, "case_answered", authority, before=before)
    _notify_lead(case, "case_answered", actor)
    return answer
