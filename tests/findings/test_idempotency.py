"""The server side of the idempotency key of the "log a finding" form (offline sync retries).

Same key, same author and inspection: the first finding is answered (303 to it, or 204 with
HX-Redirect for the offline script's htmx-style request), nothing is created twice, files of the
retry are not added. A key used by someone else, or for another inspection, is a 409.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

import inspect_app.models  # noqa: F401 - every model mapped before the imports below use them
from inspect_app.core import clock
from inspect_app.core.roles import Role
from inspect_app.extensions import db as _db
from inspect_app.findings import operations
from inspect_app.findings.models import EvidenceFile, Finding
from inspect_app.reference.models import Severity
from tests import factories
from tests.factories import png_bytes
from tests.findings.support import NOW, form, team

KEY = "2f1c8e0a-5b7d-4c3e-9a61-0d2b7f4e8c19"  # what crypto.randomUUID() makes


@pytest.fixture(autouse=True)
def _frozen(uploads):
    with clock.frozen(NOW):
        yield uploads


def url(inspection) -> str:
    return f"/inspections/{inspection.id}/findings/new"


def count(model=Finding) -> int:
    return _db.session.execute(select(func.count()).select_from(model)).scalar()


def with_photo(**kw) -> dict:
    return {**form(**kw), "files": [(io.BytesIO(png_bytes()), "anh.png")]}


def test_same_key_twice_answers_the_first_finding(login_as, db):
    inspection, member = team()
    c = login_as(member)
    first = c.post(url(inspection), data=with_photo(idempotency_key=KEY))
    assert first.status_code == 303
    again = c.post(url(inspection), data=with_photo(idempotency_key=KEY, description="khác hẳn"))
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert count() == 1 and count(EvidenceFile) == 1
    finding = _db.session.execute(select(Finding)).scalar_one()
    assert finding.idempotency_key == KEY
    assert finding.description == form()["description"]


def test_offline_sync_request_gets_hx_redirect_to_the_same_finding(login_as, db):
    inspection, member = team()
    c = login_as(member)
    headers = {"HX-Request": "true"}
    first = c.post(url(inspection), data=with_photo(idempotency_key=KEY), headers=headers)
    again = c.post(url(inspection), data=with_photo(idempotency_key=KEY), headers=headers)
    finding = _db.session.execute(select(Finding)).scalar_one()
    for response in (first, again):
        assert response.status_code == 204
        assert response.headers["HX-Redirect"] == f"/findings/{finding.id}"
    assert count() == 1 and count(EvidenceFile) == 1


def test_retry_after_the_inspection_closed_still_answers_the_finding(login_as, db):
    """A capture kept offline may be retried after its first send got through and the
    inspection moved on: the retry is answered, not refused."""
    inspection, member = team(state="concluded")
    finding = Finding(
        inspection_id=inspection.id,
        author_id=member.id,
        description="Ghi khi còn làm việc tại chỗ",
        observed_at=clock.now(),
        severity=Severity.MEDIUM,
        idempotency_key=KEY,
    )
    _db.session.add(finding)
    _db.session.commit()
    again = login_as(member).post(url(inspection), data=form(idempotency_key=KEY))
    assert again.status_code == 303
    assert again.headers["Location"] == f"/findings/{finding.id}"
    assert count() == 1


def test_concurrent_retry_hits_the_unique_key_and_answers_the_winner(login_as, db, monkeypatch):
    """Two sends of one capture race: the loser's insert fails on the unique key, is rolled
    back, and is answered with the winner's finding (no 500, no second row, no orphan file)."""
    inspection, member = team()
    c = login_as(member)
    c.post(url(inspection), data=form(idempotency_key=KEY))
    winner = _db.session.execute(select(Finding)).scalar_one()
    real_existing = operations._existing
    calls = []

    def existing_not_yet_visible(key):
        calls.append(key)
        return None if len(calls) == 1 else real_existing(key)

    monkeypatch.setattr(operations, "_existing", existing_not_yet_visible)
    r = c.post(url(inspection), data=with_photo(idempotency_key=KEY))
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    assert r.headers["Location"] == f"/findings/{winner.id}"
    assert len(calls) == 2
    assert count() == 1 and count(EvidenceFile) == 0


def test_key_of_another_author_is_a_conflict_and_changes_nothing(login_as, db):
    inspection, member = team()
    other = factories.make_user(Role.INSPECTOR)
    inspection.members.append(other)
    _db.session.commit()
    login_as(member).post(url(inspection), data=form(idempotency_key=KEY))
    r = login_as(other).post(url(inspection), data=with_photo(idempotency_key=KEY))
    assert r.status_code == 409
    assert count() == 1 and count(EvidenceFile) == 0


def test_key_reused_for_another_inspection_is_a_conflict(login_as, db):
    inspection, member = team()
    second = factories.make_inspection(state="in_progress", members=[member])
    _db.session.commit()
    c = login_as(member)
    c.post(url(inspection), data=form(idempotency_key=KEY))
    r = c.post(url(second), data=form(idempotency_key=KEY))
    assert r.status_code == 409
    assert count() == 1


@pytest.mark.parametrize("key", ["short", "x" * 65, "abc\x00defgh"])
def test_malformed_key_is_422(login_as, db, key):
    inspection, member = team()
    r = login_as(member).post(url(inspection), data=form(idempotency_key=key))
    assert r.status_code == 422
    assert count() == 0


def test_each_form_page_carries_a_fresh_key(login_as, db):
    inspection, member = team()
    c = login_as(member)
    pages = [c.get(url(inspection)).get_data(as_text=True) for _ in range(2)]
    keys = [p.split('name="idempotency_key" value="', 1)[1].split('"', 1)[0] for p in pages]
    assert len(keys[0]) >= 8 and keys[0] != keys[1]
    assert all("data-offline-queue" in p for p in pages)
