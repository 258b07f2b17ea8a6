"""Pages of the reference feature: fields of work, legal references, deadline rules, holidays.

Administrators change everything; leadership and inspectors may read the legal references and
the deadline rules."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from inspect_app.core import audit, clock
from inspect_app.core.errors import OperationError
from inspect_app.core.forms import load_form
from inspect_app.core.htmx import render
from inspect_app.core.loading import get_or_404
from inspect_app.core.pagination import paginate
from inspect_app.core.permissions import access
from inspect_app.core.roles import Role
from inspect_app.core.templating import register_actions, register_nav
from inspect_app.extensions import db
from inspect_app.reference import operations, queries
from inspect_app.reference.models import DayKind, DeadlineRule, FieldOfWork, Holiday, LegalReference
from inspect_app.reference.schemas import (
    ActiveSchema,
    DeadlineRuleSchema,
    FieldSchema,
    HolidaySchema,
    LegalReferenceSchema,
)

bp = Blueprint("reference", __name__, url_prefix="/reference")

READERS = (Role.ADMIN, Role.LEADERSHIP, Role.INSPECTOR, Role.LEAD_INSPECTOR)

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
    }
)


def _errors_of(e: OperationError) -> dict:
    return {e.field or "_schema": [str(e.message)]}


@bp.route("")
@access(*READERS)
def index():
    """Landing page linking to the reference lists the user may open."""
    return render("reference/index.html")


# --- fields of work ------------------------------------------------------------------------


@bp.route("/fields")
@access(Role.ADMIN)
def fields():
    """All fields of work, active first."""
    return render("reference/fields.html", fields=queries.all_fields())


def _field_form(field: FieldOfWork | None, errors: dict, status: int = 200):
    return render(
        "reference/field_form.html",
        status=status,
        field=field,
        errors=errors,
        form=request.form,
        events=audit.events_for("FieldOfWork", field.id) if field else [],
    )


def _field_save(field: FieldOfWork | None):
    data, errors = load_form(FieldSchema())
    if data:
        try:
            if field is None:
                field = operations.create_field(current_user, data)
            else:
                operations.update_field(current_user, field, data)
        except OperationError as e:
            db.session.rollback()
            errors = _errors_of(e)
        else:
            db.session.commit()
            flash(_("Field %(name)s saved.", name=field.name), "success")
            return redirect(url_for("reference.fields"), 303)
    return _field_form(field, errors, 422)


@bp.route("/fields/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def field_new():
    """Create a field of work (422 with messages on bad input)."""
    return _field_save(None) if request.method == "POST" else _field_form(None, {})


@bp.route("/fields/<int:field_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def field_edit(field_id: int):
    """Edit a field of work (404 unknown, 422 bad input)."""
    field = get_or_404(FieldOfWork, field_id)
    return _field_save(field) if request.method == "POST" else _field_form(field, {})


@bp.route("/fields/<int:field_id>/active", methods=["POST"])
@access(Role.ADMIN)
def field_active(field_id: int):
    """Deactivate or reactivate a field (fields are never deleted); 404 unknown, 422 bad input."""
    field = get_or_404(FieldOfWork, field_id)
    data, errors = load_form(ActiveSchema())
    if not data:
        raise OperationError(_("Invalid request."), status=422)
    operations.set_field_active(current_user, field, data["active"])
    db.session.commit()
    message = _("Field %(name)s reactivated.") if field.active else _("Field %(name)s deactivated.")
    flash(message % {"name": field.name}, "success")
    return redirect(url_for("reference.fields"), 303)


# --- legal references ----------------------------------------------------------------------


@bp.route("/legal")
@access(*READERS)
def legal():
    """Legal references, searched by text and filtered by state (htmx fragment or page)."""
    q = (request.args.get("q") or "").replace("\x00", "").strip()[:100]
    state = request.args.get("state") or ""
    if state not in ("active", "inactive", "all"):
        state = "active"
    if current_user.role != Role.ADMIN:
        state = "active"
    page = paginate(queries.legal_references_stmt(q, state))
    filters = {"q": q, "state": state}
    return render("reference/legal.html", "reference/_legal_table.html", page=page, filters=filters)


def _legal_form(ref: LegalReference | None, errors: dict, status: int = 200, form=None):
    return render(
        "reference/legal_form.html",
        status=status,
        ref=ref,
        errors=errors,
        form=request.form if form is None else form,
        events=audit.events_for("LegalReference", ref.id) if ref else [],
    )


def _legal_save(ref: LegalReference | None):
    data, errors = load_form(LegalReferenceSchema())
    if data:
        try:
            if ref is None:
                ref = operations.create_legal_reference(current_user, data)
            else:
                operations.update_legal_reference(current_user, ref, data)
        except OperationError as e:
            db.session.rollback()
            if e.status == 409:
                flash(str(e.message), "error")
                return _legal_form(db.session.get(LegalReference, ref.id), {}, 409, form={})
            errors = _errors_of(e)
        else:
            db.session.commit()
            flash(_("Legal reference %(citation)s saved.", citation=ref.citation), "success")
            return redirect(url_for("reference.legal"), 303)
    return _legal_form(ref, errors, 422)


@bp.route("/legal/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def legal_new():
    """Create a legal reference (422 with messages on bad input or a duplicate citation)."""
    return _legal_save(None) if request.method == "POST" else _legal_form(None, {})


@bp.route("/legal/<int:ref_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def legal_edit(ref_id: int):
    """Edit a legal reference; 404 unknown, 409 stale form, 422 bad input."""
    ref = get_or_404(LegalReference, ref_id)
    return _legal_save(ref) if request.method == "POST" else _legal_form(ref, {})


@bp.route("/legal/<int:ref_id>/active", methods=["POST"])
@access(Role.ADMIN)
def legal_active(ref_id: int):
    """Withdraw or reinstate a legal reference; 404 unknown, 409 stale, 422 bad input."""
    ref = get_or_404(LegalReference, ref_id)
    data, errors = load_form(ActiveSchema())
    if not data:
        raise OperationError(_("Invalid request."), status=422)
    operations.set_legal_reference_active(current_user, ref, data["active"], data.get("version"))
    db.session.commit()
    flash(_("Legal reference %(citation)s saved.", citation=ref.citation), "success")
    return redirect(url_for("reference.legal_edit", ref_id=ref.id), 303)


# --- deadline rules ------------------------------------------------------------------------


@bp.route("/rules")
@access(*READERS)
def rules():
    """Every deadline rule with its amount, day kind and legal source."""
    return render("reference/rules.html", rules=queries.all_deadline_rules())


def _rule_form(rule: DeadlineRule, errors: dict, status: int = 200, form=None):
    return render(
        "reference/rule_form.html",
        status=status,
        rule=rule,
        kinds=list(DayKind),
        errors=errors,
        form=request.form if form is None else form,
        events=audit.events_for("DeadlineRule", rule.id),
    )


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def rule_edit(rule_id: int):
    """Edit a deadline rule; 404 unknown, 409 stale form, 422 negative or bad input."""
    rule = get_or_404(DeadlineRule, rule_id)
    if request.method == "GET":
        return _rule_form(rule, {})
    data, errors = load_form(DeadlineRuleSchema())
    if data:
        try:
            operations.update_deadline_rule(current_user, rule, data)
        except OperationError as e:
            db.session.rollback()
            if e.status == 409:
                flash(str(e.message), "error")
                return _rule_form(db.session.get(DeadlineRule, rule_id), {}, 409, form={})
            errors = _errors_of(e)
        else:
            db.session.commit()
            flash(_("Deadline rule %(key)s saved.", key=rule.key), "success")
            return redirect(url_for("reference.rules"), 303)
    return _rule_form(rule, errors, 422)


# --- holidays ------------------------------------------------------------------------------


def _year_arg() -> int:
    try:
        year = int(request.args.get("year", ""))
    except ValueError:
        year = clock.today().year
    return min(max(year, 1900), 2200)


def _holidays_page(year: int, errors: dict, status: int = 200, form=None):
    years = sorted(set(queries.holiday_years()) | {year, clock.today().year})
    return render(
        "reference/holidays.html",
        "reference/_holidays_table.html",
        status=status,
        year=year,
        years=years,
        holidays=queries.holidays_in(year),
        errors=errors,
        form=form or {},
    )


@bp.route("/holidays")
@access(Role.ADMIN)
def holidays():
    """Days off and make-up working days of one year (htmx fragment or page)."""
    return _holidays_page(_year_arg(), {})


@bp.route("/holidays", methods=["POST"])
@access(Role.ADMIN)
def holiday_new():
    """Add a day off or make-up working day; 422 on bad input or an already listed date."""
    data, errors = load_form(HolidaySchema())
    if data:
        try:
            holiday = operations.create_holiday(current_user, data)
        except OperationError as e:
            db.session.rollback()
            errors = _errors_of(e)
        else:
            db.session.commit()
            flash(_("%(day)s added.", day=holiday.day.strftime("%d/%m/%Y")), "success")
            return redirect(url_for("reference.holidays", year=holiday.day.year), 303)
    year = data["day"].year if data else _year_arg()
    return _holidays_page(year, errors, 422, form=request.form)


@bp.route("/holidays/<int:holiday_id>/delete", methods=["POST"])
@access(Role.ADMIN)
def holiday_delete(holiday_id: int):
    """Remove a day from the holiday table; 404 unknown."""
    holiday = get_or_404(Holiday, holiday_id)
    year = holiday.day.year
    label = holiday.day.strftime("%d/%m/%Y")
    operations.delete_holiday(current_user, holiday)
    db.session.commit()
    flash(_("%(day)s removed.", day=label), "success")
    return redirect(url_for("reference.holidays", year=year), 303)


# --- application settings ------------------------------------------------------------------


def _settings_page(errors: dict, status: int = 200, form=None, notice: str | None = None):
    from inspect_app.reference import rules as rules_mod

    rows = rules_mod.setting_rows()
    keys = ("extension.approver", "extension.max_approved")
    events = []
    for key in keys:
        if key in rows:
            events += audit.events_for("Setting", rows[key].id)
    return render(
        "reference/settings.html",
        status=status,
        approver=rules_mod.extension_approver(),
        max_approved=rules_mod.extension_max_approved(),
        approver_version=rows["extension.approver"].version if keys[0] in rows else 0,
        max_approved_version=rows["extension.max_approved"].version if keys[1] in rows else 0,
        choices=APPROVER_LABELS,
        bounds=rules_mod.MAX_APPROVED_RANGE,
        errors=errors,
        form=form if form is not None else {},
        notice=notice,
        events=sorted(events, key=lambda e: e.id),
    )


APPROVER_LABELS = {
    "lead": _l("The inspection's team lead"),
    "leadership": _l("Leadership"),
    "lead_or_leadership": _l("The team lead or leadership"),
}


@bp.route("/settings", methods=["GET", "POST"])
@access(Role.ADMIN)
def settings():
    """Application settings (who approves extensions, how many); 409 stale, 422 bad input."""
    from inspect_app.extension_requests.schemas import SettingsSchema
    from inspect_app.reference.rules import update_settings

    if request.method == "GET":
        return _settings_page({})
    data, errors = load_form(SettingsSchema())
    if data:
        try:
            changed = update_settings(
                current_user,
                {
                    "extension.approver": data["extension_approver"],
                    "extension.max_approved": data["extension_max_approved"],
                },
                {
                    "extension.approver": data["approver_version"],
                    "extension.max_approved": data["max_approved_version"],
                },
            )
        except OperationError as e:
            db.session.rollback()
            if e.status == 409:
                return _settings_page({}, 409, notice=str(e.message))
            errors = _errors_of(e)
        else:
            db.session.commit()
            flash(
                _("Settings saved.") if changed else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("reference.settings"), 303)
    return _settings_page(errors, 422, form=request.form)
