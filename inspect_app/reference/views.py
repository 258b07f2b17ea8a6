"""Pages of the reference feature: fields of work, legal references, deadline rules, holidays.

Administrators change everything; leadership and inspectors may read the legal references and
the deadline rules."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.core import audit, clock, filters
from inspect_app.core.actions import form_action
from inspect_app.core.crud import (
    create_or_edit,
    edit_page,
    record_form,
    record_pages,
    typed_input,
)
from inspect_app.core.errors import OperationError
from inspect_app.core.htmx import redirect_to, render
from inspect_app.core.loading import get_or_404
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import access
from inspect_app.core.roles import READERS, Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.reference import models, operations, queries
from inspect_app.reference import rules as deadline_rules
from inspect_app.reference.calendar import working_days_in_year
from inspect_app.reference.queries import LegalFilters
from inspect_app.reference.schemas import (
    ActiveSchema,
    DeadlineRuleSchema,
    EscalationSchema,
    FieldSchema,
    HolidayConfirmSchema,
    HolidaySchema,
    IssuingBodySchema,
    LegalReferenceSchema,
    SettingsSchema,
)
from inspect_app.units.queries import all_units

bp = Blueprint("reference", __name__, url_prefix="/reference")


register_nav(
    "reference.index",
    _l("Reference data"),
    READERS,
)
register_actions(
    {
        "field_created": _l("Field created"),
        "field_updated": _l("Field updated"),
        "field_activated": _l("Field reactivated"),
        "field_deactivated": _l("Field deactivated"),
        "legal_reference_created": _l("Legal reference created"),
        "legal_reference_updated": _l("Legal reference updated"),
        "legal_reference_activated": _l("Legal reference reinstated"),
        "legal_reference_deactivated": _l("Legal reference withdrawn"),
        "deadline_rule_created": _l("Deadline rule created"),
        "deadline_rule_updated": _l("Deadline rule updated"),
        "holiday_created": _l("Holiday added"),
        "holiday_deleted": _l("Holiday deleted"),
        "holiday_confirmed": _l("Holiday confirmed"),
        "issuing_body_created": _l("Issuing body added"),
        "issuing_body_updated": _l("Issuing body updated"),
    }
)


@bp.route("")
@access(*READERS)
def index():
    """Landing page linking to the reference lists the user may open."""
    return render("reference/index.html")


def _set_active(set_active, form, done, message):
    """Withdraw or reinstate a record: `set_active(data)`, then `done(record)`; an unreadable
    form is a 422 (the error page), a stale version a 409 with the record's current form."""

    def again(status: int, errors: dict):
        if status == 409:
            return form(status, {})
        raise OperationError(_("Invalid request."), status=422)

    return form_action(ActiveSchema(), set_active, page=again, done=done, message=message)


# --- fields of work ------------------------------------------------------------------------


@bp.route("/fields")
@access(Role.ADMIN)
def fields():
    """All fields of work, active first."""
    return render("reference/fields.html", fields=queries.all_fields())


def _field_form(field: models.FieldOfWork | None):
    events = audit.events_for("FieldOfWork", field.id) if field else []
    return record_form("reference/field_form.html", field=field, events=events)


def _field_page(field: models.FieldOfWork | None):
    """The form of a new (`field` None) or existing field of work."""
    return create_or_edit(
        field,
        FieldSchema(),
        operations.create_field,
        operations.update_field,
        form=_field_form(field),
        done=lambda _field: redirect_to("reference.fields"),
        message=lambda saved: _("Field %(name)s saved.", name=saved.name),
    )


@bp.route("/fields/<int:field_id>/active", methods=["POST"])
@access(Role.ADMIN)
def field_active(field_id: int):
    """Deactivate or reactivate a field (fields are never deleted); 404 unknown, 422 bad input."""
    field = get_or_404(models.FieldOfWork, field_id)
    return _set_active(
        lambda data: operations.set_field_active(current_user, field, data["active"]),
        _field_form(field),
        lambda _field: redirect_to("reference.fields"),
        lambda saved: (
            _("Field %(name)s reactivated.", name=saved.name)
            if saved.active
            else _("Field %(name)s deactivated.", name=saved.name)
        ),
    )


# --- issuing bodies -------------------------------------------------------------------------


@bp.route("/bodies")
@access(Role.ADMIN)
def bodies():
    """The bodies issuing activities and documents: letterhead, signer, legal bases."""
    return render("reference/bodies.html", bodies=queries.issuing_bodies())


def _body_page(body: models.IssuingBody | None):
    """The form of a new (`body` None) or existing issuing body."""
    events = audit.events_for("IssuingBody", body.id) if body else []
    return create_or_edit(
        body,
        IssuingBodySchema(),
        operations.create_issuing_body,
        operations.update_issuing_body,
        form=record_form(
            "reference/body_form.html",
            body=body,
            events=events,
            units=all_units(active_only=True),
            kinds=list(models.ActivityKind),
        ),
        done=lambda _body: redirect_to("reference.bodies"),
        message=lambda saved: _("%(name)s saved.", name=saved.display_name),
    )


# --- legal references ----------------------------------------------------------------------


@bp.route("/legal")
@access(*READERS)
def legal():
    """Legal references, searched by text and filtered by state (htmx fragment or page)."""
    chosen = LegalFilters.from_args(request.args, current_user)
    page = paginate(queries.legal_references_stmt(chosen.q, chosen.state))
    return render("reference/legal.html", "reference/_legal_table.html", page=page, filters=chosen)


def _citation_saved(ref: models.LegalReference) -> str:
    return _("Legal reference %(citation)s saved.", citation=ref.citation)


def _legal_form(ref: models.LegalReference | None):
    events = audit.events_for("LegalReference", ref.id) if ref else []
    return record_form("reference/legal_form.html", ref=ref, events=events)


def _legal_page(ref: models.LegalReference | None):
    """The form of a new (`ref` None) or existing legal reference."""
    return create_or_edit(
        ref,
        LegalReferenceSchema(),
        operations.create_legal_reference,
        operations.update_legal_reference,
        form=_legal_form(ref),
        done=lambda _ref: redirect_to("reference.legal"),
        message=_citation_saved,
    )


@bp.route("/legal/<int:ref_id>/active", methods=["POST"])
@access(Role.ADMIN)
def legal_active(ref_id: int):
    """Withdraw or reinstate a legal reference; 404 unknown, 409 stale, 422 bad input."""
    ref = get_or_404(models.LegalReference, ref_id)
    return _set_active(
        lambda data: operations.set_legal_reference_active(
            current_user, ref, data["active"], data.get("version")
        ),
        _legal_form(ref),
        lambda saved: redirect_to("reference.legal_edit", ref_id=saved.id),
        _citation_saved,
    )


# The create and edit pages of fields of work, issuing bodies and legal references.
for _rule, _model, _page, _arg, _name, _what in (
    ("/fields", models.FieldOfWork, _field_page, "field_id", "field", "a field of work"),
    ("/bodies", models.IssuingBody, _body_page, "body_id", "body", "an issuing body"),
    ("/legal", models.LegalReference, _legal_page, "ref_id", "legal", "a legal reference"),
):
    record_pages(
        bp,
        _rule,
        _model,
        _page,
        roles=(Role.ADMIN,),
        arg=_arg,
        names=(f"{_name}_new", f"{_name}_edit"),
        what=_what,
    )


# --- deadline rules ------------------------------------------------------------------------


@bp.route("/rules")
@access(*READERS)
def rules():
    """Every deadline rule with its amount, day kind and legal source."""
    return render("reference/rules.html", rules=queries.all_deadline_rules())


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def rule_edit(rule_id: int):
    """Edit a deadline rule; 404 unknown, 409 stale form, 422 negative or bad input."""
    rule = get_or_404(models.DeadlineRule, rule_id)
    return edit_page(
        DeadlineRuleSchema(),
        lambda data: operations.update_deadline_rule(current_user, rule, data),
        form=record_form(
            "reference/rule_form.html",
            rule=rule,
            kinds=list(models.DayKind),
            events=audit.events_for("DeadlineRule", rule.id),
        ),
        done=lambda _rule: redirect_to("reference.rules"),
        message=lambda saved: _("Deadline rule %(key)s saved.", key=saved.key),
    )


# --- holidays ------------------------------------------------------------------------------


def _year(args) -> int:
    return filters.number(args, "year", 1900, 2200) or clock.today().year


def _holidays_page(year: int, errors: dict, status: int = 200):
    years = sorted(set(queries.holiday_years()) | {year, clock.today().year})
    return render(
        "reference/holidays.html",
        "reference/_holidays_table.html",
        status=status,
        year=year,
        years=years,
        holidays=queries.holidays_in(year),
        working_days=working_days_in_year(year),
        errors=errors,
        form=request.form,
    )


@bp.route("/holidays")
@access(Role.ADMIN)
def holidays():
    """Days off and make-up working days of one year (htmx fragment or page)."""
    return _holidays_page(_year(request.args), {})


@bp.route("/holidays", methods=["POST"])
@access(Role.ADMIN)
def holiday_new():
    """Add a day off or make-up working day; 422 on bad input or an already listed date."""

    def again(status: int, errors: dict):
        day = filters.day(request.form, "day")
        return _holidays_page(day.year if day else _year(request.args), errors, status)

    return form_action(
        HolidaySchema(),
        lambda data: operations.create_holiday(current_user, data),
        page=again,
        done=lambda holiday: redirect_to("reference.holidays", year=holiday.day.year),
        message=lambda holiday: _("%(day)s added.", day=holiday.day.strftime("%d/%m/%Y")),
    )


@bp.route("/holidays/<int:holiday_id>/delete", methods=["POST"])
@access(Role.ADMIN)
def holiday_delete(holiday_id: int):
    """Remove a day from the holiday table; 404 unknown."""
    holiday = get_or_404(models.Holiday, holiday_id)
    year, label = holiday.day.year, holiday.day.strftime("%d/%m/%Y")
    return form_action(
        None,
        lambda _data: operations.delete_holiday(current_user, holiday),
        page=lambda status, errors: _holidays_page(year, errors, status),
        done=lambda _none: redirect_to("reference.holidays", year=year),
        message=_("%(day)s removed.", day=label),
    )


@bp.route("/holidays/<int:holiday_id>/confirm", methods=["POST"])
@access(Role.ADMIN)
def holiday_confirm(holiday_id: int):
    """Confirm a provisional row once announced, with its document; 404 unknown, 422 confirmed
    already or no document."""
    holiday = get_or_404(models.Holiday, holiday_id)
    year, label = holiday.day.year, holiday.day.strftime("%d/%m/%Y")
    return form_action(
        HolidayConfirmSchema(),
        lambda data: operations.confirm_holidays(current_user, [holiday], data.get("document")),
        page=lambda status, errors: _holidays_page(year, errors, status),
        done=lambda _rows: redirect_to("reference.holidays", year=year),
        message=_("%(day)s confirmed.", day=label),
    )


# --- application settings ------------------------------------------------------------------

APPROVER_LABELS = {
    "lead": _l("The inspection's team lead"),
    "leadership": _l("Leadership"),
    "lead_or_leadership": _l("The team lead or leadership"),
}
SETTING_KEYS = ("extension.approver", "extension.max_approved")


def _settings_page(status: int, errors: dict):
    rows = deadline_rules.setting_rows()
    events = [
        e for key in SETTING_KEYS if key in rows for e in audit.events_for("Setting", rows[key].id)
    ]
    return render(
        "reference/settings.html",
        status=status,
        approver=deadline_rules.extension_approver(),
        max_approved=deadline_rules.extension_max_approved(),
        approver_version=rows[SETTING_KEYS[0]].version if SETTING_KEYS[0] in rows else 0,
        max_approved_version=rows[SETTING_KEYS[1]].version if SETTING_KEYS[1] in rows else 0,
        choices=APPROVER_LABELS,
        bounds=deadline_rules.MAX_APPROVED_RANGE,
        errors=errors,
        form=typed_input(status),
        events=sorted(events, key=lambda e: e.id),
    )


@bp.route("/settings", methods=["GET", "POST"])
@access(Role.ADMIN)
def settings():
    """Application settings (who approves extensions, how many); 409 stale, 422 bad input."""
    return edit_page(
        SettingsSchema(),
        lambda data: deadline_rules.update_settings(
            current_user,
            {
                "extension.approver": data["extension_approver"],
                "extension.max_approved": data["extension_max_approved"],
            },
            {
                "extension.approver": data["approver_version"],
                "extension.max_approved": data["max_approved_version"],
            },
        ),
        form=_settings_page,
        done=lambda _changed: redirect_to("reference.settings"),
        message=lambda changed: _("Settings saved.") if changed else _("Nothing was changed."),
    )


# --- the escalation ladder's configuration ---------------------------------------------------


def _escalation_page(status: int, errors: dict):
    """The form with each threshold's rule (amount, citation), the flags, their versions."""
    keys = list(deadline_rules.THRESHOLD_RULES.values())
    rules = {r.key: r for r in queries.all_deadline_rules() if r.key in keys}
    settings = deadline_rules.setting_rows()
    events = [
        e
        for key in deadline_rules.FLAG_SETTINGS
        if key in settings
        for e in audit.events_for("Setting", settings[key].id)
    ]
    events += [e for r in rules.values() for e in audit.events_for("DeadlineRule", r.id)]
    return render(
        "reference/escalation.html",
        status=status,
        steps=deadline_rules.LADDER,
        step_names=deadline_rules.LADDER_NAMES,
        thresholds={
            step: rules.get(key) for step, key in deadline_rules.THRESHOLD_RULES.items()
        },
        automatic=deadline_rules.automatic_steps(),
        report_after_check=deadline_rules.report_waits_for_check(),
        report_source=deadline_rules.REPORT_AFTER_CHECK_SOURCE,
        setting_versions={k: settings[k].version if k in settings else 0
                          for k in deadline_rules.FLAG_SETTINGS},
        errors=errors,
        form=typed_input(status),
        events=sorted(events, key=lambda e: e.id),
    )  # fmt: skip


def _save_escalation(data: dict) -> list[str]:
    steps = deadline_rules.THRESHOLD_RULES
    flags = {deadline_rules.REPORT_AFTER_CHECK: data["report_after_check"]}
    flags |= {f"{deadline_rules.AUTO_PREFIX}{s}": data[f"auto_{s}"] for s in deadline_rules.LADDER}
    versions = {key: data[f"v_{step}"] for step, key in steps.items()}
    versions[deadline_rules.REPORT_AFTER_CHECK] = data["v_report_after_check"]
    versions |= {
        f"{deadline_rules.AUTO_PREFIX}{s}": data[f"v_auto_{s}"] for s in deadline_rules.LADDER
    }
    return deadline_rules.update_escalation(
        current_user, {step: data[f"threshold_{step}"] for step in steps}, flags, versions
    )


@bp.route("/escalation", methods=["GET", "POST"])
@access(Role.ADMIN)
def escalation():
    """The escalation ladder's configuration: thresholds with their citations, whether the
    report waits for the check, which steps are automatic; 409 stale, 422 out of order."""
    return edit_page(
        EscalationSchema(),
        _save_escalation,
        form=_escalation_page,
        done=lambda _changed: redirect_to("reference.escalation"),
        message=lambda changed: _("Settings saved.") if changed else _("Nothing was changed."),
    )
