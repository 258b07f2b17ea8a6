"""The permission matrix: every route of the application, every role plus anonymous, one
declared table of expected outcomes for a representative request.

A route missing from TABLE fails `test_every_route_is_in_the_table` (add one line). The unit
leader of the matrix leads *another* unit than the one the records belong to, so every record
URL doubles as a cross-unit isolation check (URL guessing answers 404, never the record).
Requests are representative: GET for pages, an empty form or JSON body for actions (refused
roles must be refused before anything is read or changed; allowed roles get the form back
with 422, a 404 for a record they cannot see, or the refusal of the object-level check).
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from functools import cached_property
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from inspect_app.core import clock
from inspect_app.core.permissions import PUBLIC
from inspect_app.core.roles import Role
from tests import factories as f

ROLES = (
    "anonymous",
    "admin",
    "inspector",
    "lead_inspector",
    "unit_leader",
    "leadership",
    "chairman",
    "clerk",
)
STAFF = ("admin", "inspector", "lead_inspector", "leadership")
READERS = (*STAFF, "chairman")  # the Chairman reads what the staff read, and changes nothing
SIGN_IN = "sign-in"  # a page sends anonymous visitors to the login page (302)


def expect(allowed=STAFF, ok=200, others=403, anonymous=SIGN_IN, **per_role) -> dict:
    """{role: status}: `ok` for the allowed roles, `others` for the rest, overrides by name."""
    if allowed == "all":
        allowed = ROLES[1:]
    table = {role: (ok if role in allowed else others) for role in ROLES[1:]}
    table["anonymous"] = anonymous
    table.update(per_role)
    return table


def api(allowed=STAFF, ok=200, others=403, **per_role) -> dict:
    """The same for /api/v1: anonymous callers get a 401 problem, never a redirect."""
    return expect(allowed, ok, others, anonymous=401, **per_role)


EVERYONE = ROLES[1:]
ADMIN = ("admin",)
LEADS = ("admin", "lead_inspector")
DECIDERS = ("admin", "inspector", "lead_inspector")
TEAM = ("inspector", "lead_inspector")
CREATORS = ("admin", "lead_inspector", "leadership")
LEADERSHIP = ("leadership",)
UNIT_LEADER = ("unit_leader",)
ADMIN_OR_UNIT_LEADER = ("admin", "unit_leader")
ADMIN_OR_LEADERSHIP = ("admin", "leadership")
# Who records a conclusion's lifecycle step (the team lead of the inspection: the matrix's lead
# inspector leads another one, so 403); the Chairman only the instruction (403 otherwise).
RECORDERS = ("admin", "lead_inspector", "leadership", "chairman")
REGISTRARS = ("admin", "clerk")  # the clerk (văn thư) and administrators register documents
STAT_READERS = (*READERS, "clerk")  # periodic reports: the readers, and the clerk who sends them

# endpoint: (method, path, expected). Paths name records with {placeholders} (see `_Records`).
TABLE: dict[str, tuple[str, str, dict]] = {
    "analytics.add_suggestion": ("POST", "/analytics/suggestions", expect(LEADS, ok=422)),
    "analytics.export": ("GET", "/analytics/export.{fmt}", expect(READERS)),
    "analytics.index": ("GET", "/analytics", expect(READERS)),
    "answers.answer": ("GET", "/cases/{case_id}/answer", expect(UNIT_LEADER, ok=404)),
    "answers.progress": ("POST", "/cases/{case_id}/progress", expect(UNIT_LEADER, ok=404)),
    "api.analytics_figures": ("GET", "/api/v1/analytics", api(READERS)),
    "api.statistics_period": ("GET", "/api/v1/statistics/2025-Y", api(READERS)),
    "api.calendar_year": ("GET", "/api/v1/calendar/2026", api(EVERYONE)),
    "api.answer_final": ("POST", "/api/v1/cases/{case_id}/answer", api(UNIT_LEADER, ok=404)),
    "api.answer_progress": ("POST", "/api/v1/cases/{case_id}/progress", api(UNIT_LEADER, ok=404)),
    "api.case_answers": ("GET", "/api/v1/cases/{case_id}/answers", api(EVERYONE, unit_leader=404)),
    "api.case_extensions": (
        "GET",
        "/api/v1/cases/{case_id}/extensions",
        api(EVERYONE, unit_leader=404),
    ),
    "api.delegation": (
        "GET",
        "/api/v1/deputies/{delegation_id}",
        api(ADMIN_OR_UNIT_LEADER, ok=200, unit_leader=404),
    ),
    "api.delegation_create": ("POST", "/api/v1/deputies", api(UNIT_LEADER, ok=422)),
    "api.delegation_revoke": (
        "POST",
        "/api/v1/deputies/{delegation_id}/revoke",
        api(ADMIN_OR_UNIT_LEADER, ok=422, unit_leader=404),
    ),
    "api.deputies": ("GET", "/api/v1/deputies", api(ADMIN_OR_UNIT_LEADER)),
    "api.document": ("GET", "/api/v1/documents/{document_id}", api(EVERYONE, unit_leader=404)),
    "api.document_csv": (
        "GET",
        "/api/v1/documents/{document_id}/csv",
        api(EVERYONE, unit_leader=404),
    ),
    "api.document_sign": (
        "POST",
        "/api/v1/documents/{document_id}/sign",
        api(ADMIN_OR_LEADERSHIP, ok=422, unit_leader=404),
    ),
    "api.document_register": (
        "POST",
        "/api/v1/documents/{document_id}/register",
        api(REGISTRARS, ok=422),
    ),
    "api.document_docx": (
        "GET",
        "/api/v1/documents/{document_id}/docx",
        api(EVERYONE, unit_leader=404),
    ),
    "api.document_pdf": (
        "GET",
        "/api/v1/documents/{document_id}/pdf",
        api(EVERYONE, unit_leader=404),
    ),
    "api.document_signature": (
        "GET",
        "/api/v1/documents/{document_id}/signature",
        api(EVERYONE, ok=404, unit_leader=404),
    ),
    "api.document_final": (
        "POST",
        "/api/v1/documents/{document_id}/final",
        api(REGISTRARS, ok=422),
    ),
    "api.document_xlsx": (
        "GET",
        "/api/v1/documents/{document_id}/xlsx",
        api(EVERYONE, unit_leader=404),
    ),
    "api.documents_list": ("GET", "/api/v1/documents", api(EVERYONE)),
    "api.extension": ("GET", "/api/v1/extensions/{ext_id}", api(EVERYONE, unit_leader=404)),
    "api.extension_approve": (
        "POST",
        "/api/v1/extensions/{ext_id}/approve",
        api(ADMIN_OR_LEADERSHIP, ok=422),
    ),
    "api.extension_ask": ("POST", "/api/v1/cases/{case_id}/extensions", api(UNIT_LEADER, ok=404)),
    "api.extension_cancel": (
        "POST",
        "/api/v1/extensions/{ext_id}/cancel",
        api(UNIT_LEADER, ok=404),
    ),
    "api.extension_refuse": (
        "POST",
        "/api/v1/extensions/{ext_id}/refuse",
        api(ADMIN_OR_LEADERSHIP, ok=422),
    ),
    "api.extensions": ("GET", "/api/v1/extensions", api()),
    "api.conclusions": ("GET", "/api/v1/conclusions", api(EVERYONE)),
    "api.conclusion": (
        "GET",
        "/api/v1/conclusions/{inspection_id}",
        api(EVERYONE, unit_leader=404),
    ),
    "api.conclusion_assign_drafting": (
        "POST",
        "/api/v1/conclusions/{inspection_id}/assign_drafting",
        api(RECORDERS, ok=422, lead_inspector=403, chairman=403),
    ),
    "api.conclusion_draft": (
        "POST",
        "/api/v1/conclusions/{inspection_id}/draft",
        api(RECORDERS, ok=422, lead_inspector=403, chairman=403),
    ),
    "api.conclusion_appraise": (
        "POST",
        "/api/v1/conclusions/{inspection_id}/appraise",
        api(RECORDERS, ok=422, lead_inspector=403, chairman=403),
    ),
    "api.conclusion_publish": (
        "POST",
        "/api/v1/conclusions/{inspection_id}/publish",
        api(RECORDERS, ok=422, lead_inspector=403, chairman=403),
    ),
    "api.conclusion_recommend": (
        "POST",
        "/api/v1/conclusions/{inspection_id}/recommend",
        api(RECORDERS, ok=422, lead_inspector=403, chairman=403),
    ),
    "api.conclusion_instruct": (
        "POST",
        "/api/v1/conclusions/{inspection_id}/instruct",
        api(RECORDERS, ok=422, lead_inspector=403),
    ),
    "inspections.conclusion_step": (
        "POST",
        "/inspections/{inspection_id}/conclusion/publish",
        expect(RECORDERS, ok=422, lead_inspector=403, chairman=403),
    ),
    "api.implementation_checks": ("GET", "/api/v1/implementation-checks", api(EVERYONE)),
    "api.implementation_check": (
        "GET",
        "/api/v1/implementation-checks/{check_id}",
        api(EVERYONE, unit_leader=404),
    ),
    "api.implementation_check_create": (
        "POST",
        "/api/v1/implementation-checks",
        api(CREATORS, ok=422),
    ),
    "api.implementation_check_minutes": (
        "POST",
        "/api/v1/implementation-checks/{check_id}/minutes",
        api(CREATORS, ok=422),
    ),
    "api.implementation_check_results": (
        "POST",
        "/api/v1/implementation-checks/{check_id}/results",
        api(CREATORS, ok=422),
    ),
    "implementation_checks.index": ("GET", "/implementation-checks", expect("all")),
    "implementation_checks.new": ("GET", "/implementation-checks/new", expect(CREATORS)),
    "implementation_checks.detail": (
        "GET",
        "/implementation-checks/{check_id}",
        expect(EVERYONE, unit_leader=404),
    ),
    "implementation_checks.minutes": (
        "POST",
        "/implementation-checks/{check_id}/minutes",
        expect(CREATORS, ok=422),
    ),
    "implementation_checks.minutes_paper": (
        "GET",
        "/implementation-checks/{check_id}/minutes.pdf",
        expect(CREATORS),
    ),
    "implementation_checks.results": (
        "POST",
        "/implementation-checks/{check_id}/results",
        expect(CREATORS, ok=422),
    ),
    "api.unit_events_list": ("GET", "/api/v1/unit-events", api(ADMIN)),
    "api.unit_history": ("GET", "/api/v1/units/{unit_id}/history", api(EVERYONE, unit_leader=404)),
    "api.case": ("GET", "/api/v1/cases/{case_id}", api(EVERYONE, unit_leader=404)),
    "api.case_decisions": (
        "GET",
        "/api/v1/cases/{case_id}/decisions",
        api(EVERYONE, unit_leader=404),
    ),
    "api.inspection_decisions": (
        "GET",
        "/api/v1/inspections/{inspection_id}/decisions",
        api(EVERYONE, unit_leader=404),
    ),
    "api.case_accept": ("POST", "/api/v1/cases/{case_id}/accept", api(DECIDERS, ok=422)),
    "api.case_create": ("POST", "/api/v1/inspections/{inspection_id}/cases", api(LEADS, ok=422)),
    "api.case_deadline": ("POST", "/api/v1/cases/{case_id}/deadline", api(LEADS, ok=422)),
    "api.case_partly_done": ("POST", "/api/v1/cases/{case_id}/partly-done", api(DECIDERS, ok=422)),
    "api.case_reject": ("POST", "/api/v1/cases/{case_id}/reject", api(DECIDERS, ok=422)),
    "api.case_withdraw": ("POST", "/api/v1/cases/{case_id}/withdraw", api(CREATORS, ok=422)),
    "api.case_verifier": ("POST", "/api/v1/cases/{case_id}/verifier", api(CREATORS, ok=422)),
    "api.case_payments": (
        "GET",
        "/api/v1/cases/{recovery_case_id}/payments",
        api(EVERYONE, unit_leader=404),
    ),
    "api.payment_create": (  # the team, an admin or the unit: the matrix's admin only here
        "POST",
        "/api/v1/cases/{recovery_case_id}/payments",
        api(ADMIN, ok=422, unit_leader=404),
    ),
    "api.cases": ("GET", "/api/v1/cases", api(EVERYONE)),
    "api.docs": ("GET", "/api/v1/docs", api(EVERYONE)),
    "api.evidence": ("GET", "/api/v1/evidence/{evidence_id}", api(EVERYONE, unit_leader=404)),
    "api.evidence_download": (
        "GET",
        "/api/v1/evidence/{evidence_id}/download",
        api(EVERYONE, unit_leader=404),
    ),
    "api.finding": ("GET", "/api/v1/findings/{finding_id}", api(EVERYONE, unit_leader=404)),
    "api.finding_create": (
        "POST",
        "/api/v1/inspections/{inspection_id}/findings",
        api(TEAM, ok=403),
    ),
    "api.findings": ("GET", "/api/v1/findings", api(READERS)),
    "api.inspection": (
        "GET",
        "/api/v1/inspections/{inspection_id}",
        api(EVERYONE, unit_leader=404),
    ),
    "api.inspection_close": (
        "POST",
        "/api/v1/inspections/{inspection_id}/close",
        api(ok=409, inspector=403, lead_inspector=403),
    ),
    "api.inspection_conclude": (
        "POST",
        "/api/v1/inspections/{inspection_id}/conclude",
        api(ok=422),
    ),
    "api.inspection_create": ("POST", "/api/v1/inspections", api(CREATORS, ok=422)),
    "api.inspection_end_onsite": (
        "POST",
        "/api/v1/inspections/{inspection_id}/end-onsite",
        api(ok=403, admin=409),
    ),
    "api.inspection_extension": (
        "POST",
        "/api/v1/inspections/{inspection_id}/extension",
        api(ok=422),
    ),
    "api.inspection_monitoring": (
        "POST",
        "/api/v1/inspections/{inspection_id}/monitoring",
        api(ok=409, inspector=403, lead_inspector=403),
    ),
    "api.inspection_report": (
        "POST",
        "/api/v1/inspections/{inspection_id}/report",
        api(ok=403, admin=409),
    ),
    "api.inspection_start": (
        "POST",
        "/api/v1/inspections/{inspection_id}/start",
        api(ok=403, admin=409),
    ),
    "api.inspection_update": ("PUT", "/api/v1/inspections/{inspection_id}", api(ok=403, admin=422)),
    "api.inspections": ("GET", "/api/v1/inspections", api(EVERYONE)),
    "api.me": ("GET", "/api/v1/me", api(EVERYONE)),
    "api.notification_read": (
        "POST",
        "/api/v1/notifications/{note_id}/read",
        api(EVERYONE, ok=404),
    ),
    "api.notifications": ("GET", "/api/v1/notifications", api(EVERYONE)),
    "api.notifications_read_all": ("POST", "/api/v1/notifications/read-all", api(EVERYONE)),
    "api.notifications_unread": ("GET", "/api/v1/notifications/unread", api(EVERYONE)),
    "api.openapi": ("GET", "/api/v1/openapi.json", api(EVERYONE)),
    "api.plan": ("GET", "/api/v1/plans/{plan_id}", api(READERS)),
    "api.plan_approve": ("POST", "/api/v1/plans/{plan_id}/approve", api(LEADERSHIP, ok=422)),
    "api.plan_create": ("POST", "/api/v1/plans", api(LEADS, ok=422)),
    "api.plan_item_create": ("POST", "/api/v1/plans/{plan_id}/items", api(LEADS, ok=422)),
    "api.plan_return": ("POST", "/api/v1/plans/{plan_id}/return", api(LEADERSHIP, ok=422)),
    "api.plan_submit": ("POST", "/api/v1/plans/{plan_id}/submit", api(LEADS, ok=422)),
    "api.plan_update": ("PUT", "/api/v1/plans/{plan_id}", api(LEADS, ok=422)),
    "api.plans": ("GET", "/api/v1/plans", api(READERS)),
    "api.unit": ("GET", "/api/v1/units/{unit_id}", api(EVERYONE, unit_leader=404)),
    "api.unit_create": ("POST", "/api/v1/units", api(ADMIN, ok=422)),
    "api.unit_update": ("PUT", "/api/v1/units/{unit_id}", api(ADMIN, ok=422)),
    "api.units": ("GET", "/api/v1/units", api(EVERYONE)),
    "api.user": ("GET", "/api/v1/users/{user_id}", api(ADMIN)),
    "api.user_create": ("POST", "/api/v1/users", api(ADMIN, ok=422)),
    "api.users": ("GET", "/api/v1/users", api(ADMIN)),
    "auth.change_password": ("GET", "/account/password", expect(EVERYONE)),
    "auth.language": ("POST", "/language", expect(EVERYONE, ok=303, anonymous=303)),
    "auth.login": ("GET", "/login", expect(EVERYONE, ok=302, anonymous=200)),
    "auth.logout": ("POST", "/logout", expect(EVERYONE, ok=303)),
    "auth.token_revoke": ("POST", "/account/tokens/{token_id}/revoke", expect(EVERYONE, ok=404)),
    "auth.tokens": ("GET", "/account/tokens", expect(EVERYONE)),
    "auth.calendar_feed": ("GET", "/account/calendar", expect(EVERYONE)),
    "auth.calendar_feed_revoke": ("POST", "/account/calendar/revoke", expect(EVERYONE, ok=303)),
    "auth.account_sessions": ("GET", "/account/sessions", expect(EVERYONE)),
    # Another user's session: not found, but an administrator may end it.
    "auth.account_session_end": (
        "POST",
        "/account/sessions/{session_id}/end",
        expect(EVERYONE, ok=404, admin=303),
    ),
    "auth.account_sessions_end_all": (
        "POST",
        "/account/sessions/end-all",
        expect(EVERYONE, ok=303),
    ),
    "auth.user_sessions_end_all": (
        "POST",
        "/admin/users/{user_id}/sessions/end-all",
        expect(ADMIN, ok=303),
    ),
    "auth.user_active": ("POST", "/admin/users/{user_id}/active", expect(ADMIN, ok=303)),
    "auth.user_edit": ("GET", "/admin/users/{user_id}", expect(ADMIN)),
    "auth.user_new": ("GET", "/admin/users/new", expect(ADMIN)),
    "auth.user_password": ("POST", "/admin/users/{user_id}/password", expect(ADMIN, ok=422)),
    "auth.users": ("GET", "/admin/users", expect(ADMIN)),
    "cases.accept": ("POST", "/cases/{case_id}/accept", expect(DECIDERS, ok=422)),
    "cases.record_payment": (
        "POST",
        "/cases/{recovery_case_id}/payments",
        expect(DECIDERS, ok=422, unit_leader=404),
    ),
    "cases.verify_payment": (  # verified already: 422; only the team or an admin verifies
        "POST",
        "/cases/{recovery_case_id}/payments/{payment_id}/verify",
        expect(ADMIN, ok=422),
    ),
    "cases.change_deadline": ("POST", "/cases/{case_id}/deadline", expect(LEADS, ok=422)),
    "cases.detail": ("GET", "/cases/{case_id}", expect(EVERYONE, unit_leader=404)),
    "cases.export": ("GET", "/cases/export.{fmt}", expect(EVERYONE)),
    "cases.bulk": ("POST", "/cases/bulk", expect(STAFF, ok=422)),
    "cases.index": ("GET", "/cases", expect(EVERYONE)),
    "cases.calendar_feed": (
        "GET",
        "/cases/calendar/ical_unknown.ics",
        expect(EVERYONE, ok=404, anonymous=404),
    ),
    "cases.new": ("GET", "/cases/new/{inspection_id}", expect(LEADS, lead_inspector=403)),
    "cases.partly_done": ("POST", "/cases/{case_id}/partly-done", expect(DECIDERS, ok=422)),
    "cases.pdf": ("GET", "/cases/{case_id}/pdf", expect(EVERYONE, unit_leader=404)),
    "cases.reject": ("POST", "/cases/{case_id}/reject", expect(DECIDERS, ok=422)),
    "cases.withdraw": ("POST", "/cases/{case_id}/withdraw", expect(CREATORS, ok=422)),
    "cases.escalate": (
        "POST",
        "/cases/{case_id}/escalate",
        expect(ADMIN_OR_LEADERSHIP, ok=422),
    ),
    "cases.assign_verifier": ("POST", "/cases/{case_id}/verifier", expect(CREATORS, ok=422)),
    "dashboard.index": ("GET", "/dashboard", expect((*CREATORS, "chairman"))),
    "deputies.create": ("POST", "/deputies", expect(UNIT_LEADER, ok=422)),
    "deputies.index": ("GET", "/deputies", expect(ADMIN_OR_UNIT_LEADER)),
    "deputies.revoke": (
        "POST",
        "/deputies/{delegation_id}/revoke",
        expect(ADMIN_OR_UNIT_LEADER, ok=422, unit_leader=404),
    ),
    "extension_requests.approve": (
        "POST",
        "/extensions/{ext_id}/approve",
        expect(ADMIN_OR_LEADERSHIP, ok=422),
    ),
    "extension_requests.ask": ("POST", "/extensions/cases/{case_id}", expect(UNIT_LEADER, ok=404)),
    "extension_requests.cancel": (
        "POST",
        "/extensions/{ext_id}/cancel",
        expect(UNIT_LEADER, ok=404),
    ),
    "extension_requests.case_section": (
        "GET",
        "/extensions/cases/{case_id}",
        expect(EVERYONE, unit_leader=404),
    ),
    "extension_requests.index": ("GET", "/extensions", expect()),
    "extension_requests.refuse": (
        "POST",
        "/extensions/{ext_id}/refuse",
        expect(ADMIN_OR_LEADERSHIP, ok=422),
    ),
    "findings.add_evidence": ("POST", "/findings/{finding_id}/evidence", expect(TEAM, ok=422)),
    "findings.conclusion_file": (
        "GET",
        "/inspections/{inspection_id}/conclusion-file",
        expect(CREATORS, lead_inspector=403),
    ),
    "findings.delete": ("POST", "/findings/{finding_id}/delete", expect(TEAM, ok=403)),
    "findings.detail": ("GET", "/findings/{finding_id}", expect(EVERYONE, unit_leader=404)),
    "findings.duplicate": ("POST", "/findings/{finding_id}/duplicate", expect(TEAM, ok=403)),
    "findings.edit": ("GET", "/findings/{finding_id}/edit", expect(TEAM, ok=403)),
    "findings.evidence": ("GET", "/evidence/{evidence_id}", expect(EVERYONE, unit_leader=404)),
    "findings.export": ("GET", "/findings/export.{fmt}", expect(READERS)),
    "findings.index": ("GET", "/findings", expect(READERS)),
    "findings.new": ("GET", "/inspections/{inspection_id}/findings/new", expect(TEAM, ok=403)),
    "findings.remove_evidence": ("POST", "/evidence/{evidence_id}/delete", expect(TEAM, ok=403)),
    "findings.thumbnail": ("GET", "/evidence/{evidence_id}/thumb", expect(EVERYONE, ok=404)),
    "home.healthz": ("GET", "/healthz", expect(EVERYONE, anonymous=200)),
    "home.index": ("GET", "/", expect(EVERYONE)),
    "home.jobs": ("GET", "/admin/jobs", expect(ADMIN)),
    # No scheduler heartbeat and no migrated schema in the matrix's database: not ready.
    "home.readyz": ("GET", "/readyz", expect(EVERYONE, ok=503, anonymous=503)),
    # Tracker imports: administrators and the leadership; an unknown upload token is a 404.
    "imports.check": ("POST", "/imports/check", expect(ADMIN_OR_LEADERSHIP, ok=422)),
    "imports.index": ("GET", "/imports", expect(ADMIN_OR_LEADERSHIP)),
    "imports.recheck": ("POST", "/imports/x.y/check", expect(ADMIN_OR_LEADERSHIP, ok=404)),
    "imports.report": ("GET", "/imports/x.y/report.xlsx", expect(ADMIN_OR_LEADERSHIP, ok=404)),
    "imports.run": ("POST", "/imports/x.y/run", expect(ADMIN_OR_LEADERSHIP, ok=404)),
    "imports.template": ("GET", "/imports/template.xlsx", expect(ADMIN_OR_LEADERSHIP)),
    "home.search": ("GET", "/search", expect(EVERYONE)),
    "inspections.close": (
        "POST",
        "/inspections/{inspection_id}/close",
        expect(ok=409, inspector=403, lead_inspector=403),
    ),
    "inspections.conclude": ("GET", "/inspections/{inspection_id}/conclude", expect(ok=409)),
    "inspections.detail": (
        "GET",
        "/inspections/{inspection_id}",
        expect(EVERYONE, unit_leader=404),
    ),
    "inspections.edit": ("GET", "/inspections/{inspection_id}/edit", expect(ok=403, admin=200)),
    "inspections.end_onsite": ("GET", "/inspections/{inspection_id}/end-onsite", expect(ok=409)),
    "inspections.extension": ("GET", "/inspections/{inspection_id}/extension", expect(ok=409)),
    "inspections.export": ("GET", "/inspections/export.{fmt}", expect(EVERYONE)),
    "inspections.index": ("GET", "/inspections/", expect(EVERYONE)),
    "inspections.monitoring": (
        "POST",
        "/inspections/{inspection_id}/monitoring",
        expect(ok=409, inspector=403, lead_inspector=403),
    ),
    "inspections.new": ("GET", "/inspections/new", expect(CREATORS)),
    "inspections.report": (
        "POST",
        "/inspections/{inspection_id}/report",
        expect(ok=403, admin=409),
    ),
    "inspections.start": ("POST", "/inspections/{inspection_id}/start", expect(ok=403, admin=409)),
    "notifications.bell": ("GET", "/notifications/bell", expect(EVERYONE)),
    "notifications.index": ("GET", "/notifications", expect(EVERYONE)),
    "notifications.read": ("POST", "/notifications/{note_id}/read", expect(EVERYONE, ok=404)),
    "notifications.read_all": ("POST", "/notifications/read-all", expect(EVERYONE, ok=303)),
    "notifications.set_preference": ("POST", "/notifications/preference", expect(EVERYONE, ok=422)),
    "plans.approve": ("POST", "/plans/{plan_id}/approve", expect(LEADERSHIP, ok=422)),
    "plans.detail": ("GET", "/plans/{plan_id}", expect(READERS)),
    "plans.edit": ("GET", "/plans/{plan_id}/edit", expect(LEADS)),
    "plans.export": ("GET", "/plans/export.{fmt}", expect(READERS)),
    "plans.index": ("GET", "/plans", expect(READERS)),
    "plans.item_edit": ("GET", "/plans/{plan_id}/items/{item_id}", expect(LEADS)),
    "plans.item_new": ("GET", "/plans/{plan_id}/items/new", expect(LEADS)),
    "plans.item_remove": (
        "POST",
        "/plans/{plan_id}/items/{item_id}/remove",
        expect(LEADS, ok=303, lead_inspector=404),
    ),
    "plans.new": ("GET", "/plans/new", expect(LEADS)),
    "plans.return_to_draft": ("POST", "/plans/{plan_id}/return", expect(LEADERSHIP, ok=422)),
    "plans.submit": ("POST", "/plans/{plan_id}/submit", expect(LEADS, ok=422)),
    "reference.field_active": (
        "POST",
        "/reference/fields/{field_id}/active",
        expect(ADMIN, ok=422),
    ),
    "reference.field_edit": ("GET", "/reference/fields/{field_id}", expect(ADMIN)),
    "reference.field_new": ("GET", "/reference/fields/new", expect(ADMIN)),
    "reference.fields": ("GET", "/reference/fields", expect(ADMIN)),
    "reference.holiday_delete": (
        "POST",
        "/reference/holidays/{holiday_id}/delete",
        expect(ADMIN, ok=303),
    ),
    "reference.holiday_new": ("POST", "/reference/holidays", expect(ADMIN, ok=422)),
    "reference.holiday_confirm": (  # the matrix's row is confirmed already: 422
        "POST",
        "/reference/holidays/{holiday_id}/confirm",
        expect(ADMIN, ok=422),
    ),
    "reference.holidays": ("GET", "/reference/holidays", expect(ADMIN)),
    "reference.index": ("GET", "/reference", expect(READERS)),
    "reference.legal": ("GET", "/reference/legal", expect(READERS)),
    "reference.legal_active": ("POST", "/reference/legal/{ref_id}/active", expect(ADMIN, ok=422)),
    "reference.legal_edit": ("GET", "/reference/legal/{ref_id}", expect(ADMIN)),
    "reference.legal_new": ("GET", "/reference/legal/new", expect(ADMIN)),
    "reference.rule_edit": ("GET", "/reference/rules/{rule_id}", expect(ADMIN)),
    "reference.rules": ("GET", "/reference/rules", expect(READERS)),
    "reference.settings": ("GET", "/reference/settings", expect(ADMIN)),
    "reference.escalation": ("GET", "/reference/escalation", expect(ADMIN)),
    "reference.bodies": ("GET", "/reference/bodies", expect(ADMIN)),
    "reference.body_new": ("GET", "/reference/bodies/new", expect(ADMIN)),
    "reference.body_edit": ("GET", "/reference/bodies/{body_id}", expect(ADMIN)),
    "reports.conclusion_paper": (
        "GET",
        "/reports/conclusion/{inspection_id}.docx",
        expect(CREATORS),
    ),
    "reports.csv": ("GET", "/reports/{document_id}/csv", expect(EVERYONE, unit_leader=404)),
    "reports.detail": ("GET", "/reports/{document_id}", expect(EVERYONE, unit_leader=404)),
    "reports.docx": ("GET", "/reports/{document_id}/docx", expect(EVERYONE, unit_leader=404)),
    "reports.edit": ("POST", "/reports/{document_id}/edit", expect(CREATORS, ok=422)),
    "reports.export": ("GET", "/reports/export.{fmt}", expect(EVERYONE)),
    "reports.index": ("GET", "/reports", expect(EVERYONE)),
    # A unit leader signs only for a body they head; another's draft is not theirs to see.
    "reports.sign": (
        "POST",
        "/reports/{document_id}/sign",
        expect(ADMIN_OR_LEADERSHIP, ok=422, unit_leader=404),
    ),
    "reports.register": ("POST", "/reports/{document_id}/register", expect(REGISTRARS, ok=422)),
    "reports.registers": ("GET", "/reports/registers", expect(REGISTRARS)),
    "reports.final": ("POST", "/reports/{document_id}/final", expect(REGISTRARS, ok=422)),
    "reports.new": ("GET", "/reports/new", expect(CREATORS)),
    "reports.pdf": ("GET", "/reports/{document_id}/pdf", expect(EVERYONE, unit_leader=404)),
    "reports.refresh": ("POST", "/reports/{document_id}/refresh", expect(CREATORS, ok=422)),
    "reports.xlsx": ("GET", "/reports/{document_id}/xlsx", expect(EVERYONE, unit_leader=404)),
    # Periodic reports: staff and the Chairman read the figures and drill down; the clerk opens
    # the reports (to dispatch them) but not the live figures; the Chief Inspector, deputies and
    # administrators generate them; unit leaders never see the province's figures.
    "statistics.index": ("GET", "/statistics", expect(READERS)),
    "dashboard.periodic": (
        "GET",
        "/dashboard/periodic",
        expect(("admin", "lead_inspector", "leadership", "chairman")),
    ),
    "statistics.generate": ("POST", "/statistics/generate", expect(ADMIN_OR_LEADERSHIP, ok=422)),
    "statistics.report": ("GET", "/statistics/reports/{periodic_id}", expect(STAT_READERS)),
    "statistics.regenerate": (
        "POST",
        "/statistics/reports/{periodic_id}/regenerate",
        expect(ADMIN_OR_LEADERSHIP, ok=422),
    ),
    "statistics.report_cell": (
        "GET",
        "/statistics/reports/{periodic_id}/cells/01-TTr/total/total",
        expect(READERS),
    ),
    "statistics.cell": ("GET", "/statistics/cells/2025-Y/03-TTr/total/cases_due", expect(READERS)),
    "statistics.annex": (
        "GET",
        "/statistics/reports/{periodic_id}/annex.xlsx",
        expect(STAT_READERS),
    ),
    "units.edit": ("GET", "/admin/units/{unit_id}", expect(ADMIN)),
    "units.index": ("GET", "/admin/units", expect(ADMIN)),
    "units.new": ("GET", "/admin/units/new", expect(ADMIN)),
    "units.reorganise": ("GET", "/admin/units/reorganise", expect(ADMIN)),
    "units.reorganise_kind": ("GET", "/admin/units/reorganise/{kind}", expect(ADMIN)),
    "units.unit_event": ("GET", "/admin/units/reorganise/events/{event_id}", expect(ADMIN)),
}


class _Records(dict):
    """The records a path names, each made when the path first names it (`format_map`): one
    of each kind, belonging to unit A (the matrix's unit leader leads unit B). The owner's
    notification is always there: a unit leader's page must not show it."""

    def __init__(self, db, app, tmp_path):
        super().__init__(filename="app.css", fmt="csv", kind="merge")
        app.config["UPLOAD_FOLDER"] = str(tmp_path)
        self.db = db
        self["note_id"]  # noqa: B018 - made now

    def __missing__(self, key):
        made = getattr(self, f"_{key}")()
        self.db.session.flush()
        self[key] = value = getattr(made, "id", made)
        return value

    def _add(self, row):
        self.db.session.add(row)
        return row

    @cached_property
    def unit_a(self):
        return f.make_unit()

    @cached_property
    def owner(self):
        return f.make_user("inspector", unit=self.unit_a)

    @cached_property
    def lead(self):
        return f.make_user("lead_inspector")

    @cached_property
    def follow_up(self):
        """An inspection under follow-up with a case still open (it can't be closed: 409)."""
        inspection = f.make_inspection("monitoring", target_unit=self.unit_a, lead=self.lead)
        return inspection, f.make_case(inspection=inspection, state="open")

    @property
    def inspection(self):
        return self.follow_up[0]

    @property
    def open_case(self):
        return self.follow_up[1]

    @cached_property
    def finding(self):
        onsite = f.make_inspection("in_progress", target_unit=self.unit_a, lead=self.lead)
        return f.make_finding(inspection=onsite)

    @cached_property
    def case(self):
        case = f.make_case(inspection=self.inspection, state="answered")
        f.make_case_answer(case, f.make_user("unit_leader", unit=self.unit_a))
        return case

    @cached_property
    def item(self):
        return f.make_plan_item(
            plan=f.make_plan(), target_unit=self.unit_a, fields=[f.make_field()]
        )

    @cached_property
    def recovery(self):
        return _recovery(self.db, self.inspection, self.lead, self.owner)

    def _unit_id(self):
        return self.unit_a

    def _user_id(self):
        return self.owner

    def _inspection_id(self):
        return self.inspection

    def _finding_id(self):
        return self.finding

    def _evidence_id(self):
        from inspect_app.findings import operations as finding_operations

        upload = FileStorage(io.BytesIO(b"%PDF-1.4\n%m\n"), "bb.pdf", "application/pdf")
        return finding_operations.add_evidence(self.lead, self.finding, upload)

    def _case_id(self):
        return self.case

    def _ref_id(self):
        return self.case.legal_reference_id

    def _plan_id(self):
        return self.item.plan

    def _item_id(self):
        return self.item

    def _field_id(self):
        return self.item.fields[0]

    def _note_id(self):
        from inspect_app.notifications.operations import notify

        return notify(self.owner, "test", "Thông báo")

    def _token_id(self):
        from inspect_app.auth import tokens

        return tokens.create_token(self.owner, "matrix")[0]

    def _session_id(self):
        from inspect_app.auth import sessions

        sessions.start(self.owner, "matrix", "127.0.0.1")
        return sessions.active_for(self.owner)[0]

    def _ext_id(self):
        from inspect_app.extension_requests.models import ExtensionRequest

        case = self.open_case
        return self._add(
            ExtensionRequest(
                case_id=case.id,
                requested_date=case.due_date + timedelta(days=30),
                previous_due_date=case.due_date,
                reason="Cần thêm thời gian",
                requested_by_id=f.make_user("unit_leader", unit=self.unit_a).id,
            )
        )

    def _delegation_id(self):
        from inspect_app.deputies.models import Delegation

        return self._add(
            Delegation(
                principal_id=f.make_user("unit_leader", unit=self.unit_a).id,
                deputy_id=f.make_user("unit_leader", unit=self.unit_a).id,
                unit_id=self.unit_a.id,
                starts_on=clock.today(),
                ends_on=clock.today() + timedelta(days=10),
            )
        )

    def _event_id(self):
        from inspect_app.units.models import UnitEvent, UnitEventKind

        event = UnitEvent(
            kind=UnitEventKind.RENAME,
            effective_date=clock.today(),
            decision_reference="1/QĐ-UBND",
        )
        return self._add(event)

    def _holiday_id(self):
        from inspect_app.reference.models import Holiday

        return self._add(Holiday(day=date(2031, 12, 24), name="Ngày thử"))

    def _rule_id(self):
        from inspect_app.reference.models import DayKind, DeadlineRule

        rule = DeadlineRule(
            key="matrix.rule",
            label="Thời hạn thử",
            amount=30,
            day_kind=DayKind.WORKING,
            source="Luật",
        )
        return self._add(rule)

    def _document_id(self):
        return f.make_urging_letter(self.open_case, clock.today())

    def _check_id(self):
        from inspect_app.implementation_checks.operations import create_check

        today = clock.today()
        lead = self.lead
        return create_check(
            lead, self.inspection, [self.open_case.id], lead.id, [], today, today
        ).id

    def _recovery_case_id(self):
        return self.recovery[0]

    def _payment_id(self):
        return self.recovery[1]

    def _periodic_id(self):
        from inspect_app.statistics.operations import generate

        return generate(None, "2025-Y")

    def _body_id(self):
        from inspect_app.reference.models import IssuingBody
        from inspect_app.reference.seed import seed_issuing_bodies

        seed_issuing_bodies()
        return self.db.session.execute(select(IssuingBody.id).limit(1)).scalar_one()


def _recovery(db, inspection, lead, owner):
    """A recovery case with one verified payment (verifying again: 422)."""
    from decimal import Decimal

    from inspect_app.recovery.models import RecoveryPayment

    case = f.make_case(inspection=inspection, type="recovery", amount_vnd=Decimal(1_000_000))
    payment = RecoveryPayment(
        case_id=case.id,
        paid_on=clock.today(),
        amount_vnd=Decimal(400_000),
        document_number="PT-01",
        recorded_by_id=owner.id,
        recorded_at=clock.now(),
        verified_by_id=lead.id,
        verified_at=clock.now(),
    )
    db.session.add(payment)
    db.session.flush()
    return case, payment


def _client(role, app, login_as):
    if role == "anonymous":
        return app.test_client()
    if role == "unit_leader":
        return login_as(Role.UNIT_LEADER, unit=f.make_unit())
    return login_as(role)


def _call(c, method: str, path: str):
    if method == "GET":
        return c.get(path)
    if path.startswith("/api/"):
        return c.open(path, method=method, json={})
    return c.open(path, method=method, data={})


@pytest.mark.parametrize("endpoint", sorted(TABLE))
def test_permission_matrix(app, db, login_as, tmp_path, endpoint):
    method, template, expected = TABLE[endpoint]
    path = template.format_map(_Records(db, app, tmp_path))
    db.session.commit()
    assert app.url_map.bind("localhost").match(path, method=method)[0] == endpoint
    outcomes = {}
    for role in ROLES:
        r = _call(_client(role, app, login_as), method, path)
        status = r.status_code
        if status == 302 and urlsplit(r.headers["Location"]).path == "/login":
            status = SIGN_IN
        outcomes[role] = status
        if role == "unit_leader" and status == 200 and "{" in template:
            body = r.get_data(as_text=True)
            assert "Thông báo" not in body
    assert outcomes == expected


def test_every_route_is_in_the_table(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    missing = sorted(routes - set(TABLE))
    assert missing == [], "add these endpoints to TABLE in tests/cross/test_permission_matrix.py"
    assert sorted(set(TABLE) - routes) == [], "these TABLE entries name no route any more"


def test_every_public_route_is_declared_public_in_the_table(app):
    for endpoint, (_method, _path, expected) in TABLE.items():
        declared = getattr(app.view_functions.get(endpoint), "_access", frozenset())
        if PUBLIC not in declared:
            assert expected["anonymous"] in (SIGN_IN, 401, 400, 404, 405), endpoint
