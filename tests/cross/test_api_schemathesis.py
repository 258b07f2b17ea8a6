"""schemathesis against the OpenAPI document: for every operation, bounded examples generated
from the schema are sent with an administrator's token; no server error, and every response
(status, content type, body) matches the document. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from inspect_app.auth import tokens
from tests import factories as f

# Positive data only: the document describes what the forms accept, but whether a valid-looking
# request is *allowed* depends on state (409) and rules the schema cannot express (422); those
# refusals are checked for shape, not forbidden. Invalid data is covered by test_api_endpoints.
CONFIG = {
    "generation": {"mode": "positive", "max-examples": 4},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
}

MAX_EXAMPLES = 6

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _seed(db) -> str:
    """A little of everything, so that ids 1..n exist and lists have rows; the admin's token."""
    admin = f.make_user("admin")
    unit = f.make_unit()
    lead = f.make_user("lead_inspector")
    member = f.make_user("inspector")
    f.make_user("unit_leader", unit=unit)
    inspection = f.make_inspection("monitoring", target_unit=unit, lead=lead, members=[member])
    f.make_inspection("in_progress", target_unit=unit, lead=lead)
    finding = f.make_finding(inspection=inspection)
    case = f.make_case(inspection=inspection, state="answered")
    case.findings = [finding]
    f.make_case(inspection=inspection, state="open")
    f.make_plan_item(plan=f.make_plan(), fields=[f.make_field()])
    from inspect_app.notifications.operations import notify

    notify(admin, "test", "Thông báo thử")
    _seed_round_two(db, unit, case)
    _token, secret = tokens.create_token(admin, "schemathesis")
    db.session.commit()
    return secret


def _seed_round_two(db, unit, answered) -> None:
    """An answer, a pending extension request, a delegation, an urging letter draft and a
    reorganisation, so that the newer operations meet real records."""
    from datetime import date, timedelta

    from inspect_app.core import clock
    from inspect_app.deputies.models import Delegation
    from inspect_app.extension_requests.models import ExtensionRequest
    from inspect_app.units.models import UnitEvent, UnitEventKind

    leader, deputy = f.make_user("unit_leader", unit=unit), f.make_user("unit_leader", unit=unit)
    f.make_case_answer(answered, leader)
    late = f.make_case(
        inspection=answered.inspection, state="open", due=clock.today() - timedelta(days=15)
    )
    db.session.add_all(
        [
            ExtensionRequest(
                case_id=late.id,
                requested_date=late.due_date + timedelta(days=30),
                previous_due_date=late.due_date,
                reason="Chờ kinh phí",
                requested_by_id=leader.id,
            ),
            Delegation(
                principal_id=leader.id,
                deputy_id=deputy.id,
                unit_id=unit.id,
                starts_on=clock.today(),
                ends_on=clock.today() + timedelta(days=10),
            ),
            UnitEvent(
                kind=UnitEventKind.RENAME,
                effective_date=date(2026, 1, 1),
                decision_reference="1/QĐ",
            ),
        ]
    )
    f.make_urging_letter(late, clock.today())


def _existing_ids(case):
    """Aim most path ids at the seeded records (ids 1..4), so that actions really run."""
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and value % 5:
            case.path_parameters[name] = value % 4 + 1
    return case


def test_api_matches_its_document(app, db, tmp_path):
    """Every operation of the document, a few generated examples each (fixed seed)."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path)  # an issued document stores its PDF
    secret = _seed(db)
    headers = {"Authorization": f"Bearer {secret}"}
    config = SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, config=config, headers=headers
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    failures: dict[str, str] = {}
    for operation in operations:

        @given(case=operation.as_strategy().map(_existing_ids))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as e:  # collect every operation's failure, then report them all
            db.session.rollback()
            failures[operation.label] = str(e)[:2000]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
