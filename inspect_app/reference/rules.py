"""Reading deadline rules: every default deadline in the product comes from here."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from inspect_app.core import audit
from inspect_app.core.errors import Conflict, OperationError
from inspect_app.core.memo import forget_on_write, per_request
from inspect_app.extensions import db
from inspect_app.reference.models import DayKind, DeadlineRule, Setting

# Fallbacks used only when an administrator deleted a rule; the seed creates each of them.
FALLBACKS: dict[str, tuple[int, DayKind, str]] = {
    "inspection.onsite.thanh_tra": (45, DayKind.WORKING, "Luật Thanh tra 2022, Điều 47"),
    "inspection.onsite.kiem_tra": (30, DayKind.CALENDAR, "Quy chế làm việc của Thanh tra tỉnh"),
    "case.default": (60, DayKind.CALENDAR, "Kết luận thanh tra"),
    # The conclusion's lifecycle (conclusions.lifecycle).
    "conclusion.assign_drafting": (5, DayKind.WORKING, "Luật Thanh tra số 84/2025/QH15, Điều 34"),
    "conclusion.sign": (15, DayKind.CALENDAR, "Luật Thanh tra số 84/2025/QH15, Điều 36"),
    "conclusion.publish": (10, DayKind.CALENDAR, "Nghị định số 216/2025/NĐ-CP"),
    "conclusion.recommend": (15, DayKind.CALENDAR, "Luật Thanh tra số 84/2025/QH15, Điều 52"),
    "chairman.instruction": (15, DayKind.CALENDAR, "Luật Thanh tra số 84/2025/QH15, Điều 53"),
}


def get_rule(key: str) -> DeadlineRule | None:
    return db.session.execute(
        select(DeadlineRule).where(DeadlineRule.key == key)
    ).scalar_one_or_none()


def rule_for(*keys: str) -> tuple[int, DayKind, str]:
    """(amount, day kind, source) of the first rule found among `keys`, most specific first."""
    rules = {
        r.key: r
        for r in db.session.execute(
            select(DeadlineRule).where(DeadlineRule.key.in_(keys))
        ).scalars()
    }
    for key in keys:
        if key in rules:
            r = rules[key]
            return r.amount, r.day_kind, r.source
    for key in keys:
        if key in FALLBACKS:
            return FALLBACKS[key]
    return FALLBACKS["case.default"]


NEXT_WORKING_DAY = "deadline.next_working_day"
NEXT_WORKING_DAY_SOURCE = "Bộ luật Dân sự số 91/2015/QH13, khoản 5 Điều 148"


def next_working_day_rule() -> tuple[bool, str]:
    """Whether a time limit whose last day is a day off ends at the end of the next working day
    (the rule's amount 1: yes, 0: no; applied when no rule is stored), and its citation."""
    memo = per_request("rules")
    if NEXT_WORKING_DAY not in memo:
        rule = get_rule(NEXT_WORKING_DAY)
        memo[NEXT_WORKING_DAY] = (
            (True, NEXT_WORKING_DAY_SOURCE) if rule is None else (rule.amount > 0, rule.source)
        )
    return memo[NEXT_WORKING_DAY]


def onsite_duration(kind: str) -> tuple[int, DayKind, int | None, str]:
    """Legal on-site duration for an activity kind: (days, day kind, max extension, source)."""
    key = f"inspection.onsite.{kind}"
    rule = get_rule(key)
    if rule is not None:
        return rule.amount, rule.day_kind, rule.extension_max, rule.source
    amount, day_kind, source = FALLBACKS[key]
    return amount, day_kind, None, source


# The overdue levels of the escalation ladder: the rule holding each one's threshold (working
# days overdue) and its default. The ladder is escalation's; its thresholds are reference data,
# checked here whenever an administrator changes one of the rules.
LEVEL_DEFAULTS = {
    "level_1": ("escalation.notice", 1),
    "level_2": ("escalation.urging", 5),
    "level_3": ("escalation.report", 15),
}


def level_thresholds() -> dict[str, int]:
    """Working days overdue for each level, from the rules; refuses out-of-order values."""
    values = {}
    for step, (key, default) in LEVEL_DEFAULTS.items():
        rule = get_rule(key)
        values[step] = rule.amount if rule is not None else default
    ordered = list(values.values())
    if ordered[0] < 1 or ordered != sorted(ordered) or len(set(ordered)) != 3:
        raise OperationError(
            _("The escalation thresholds must be positive and increasing (level 1 < 2 < 3).")
        )
    return values


# The check of implementation (Law 84/2025 Art. 55): working days overdue after which the
# case is due for a decision to check implementation; after the urging letter, at the latest
# when the responsibility proposal (level 3) would be due.
CHECK_DEFAULT = ("escalation.check", 10)


def check_threshold(levels: dict[str, int] | None = None) -> int:
    """Working days overdue for the check step; refuses a value not after the urging letter
    or after the report (level 2 < check <= level 3)."""
    levels = levels or level_thresholds()
    key, default = CHECK_DEFAULT
    rule = get_rule(key)
    value = rule.amount if rule is not None else default
    if not levels["level_2"] < value <= levels["level_3"]:
        raise OperationError(
            _(
                "The check of implementation must come after the urging letter and no later "
                "than the report (level 2 < check <= level 3)."
            )
        )
    return value


def report_waits_for_check() -> bool:
    """Whether the responsibility proposal (level 3) waits for a check result of "partly
    done" or "not done" on the case (the order of Law 84/2025 Art. 55; "0" turns it off)."""
    return _setting(REPORT_AFTER_CHECK) != "0"


def automatic_steps() -> set[str]:
    """The ladder steps the daily sweep takes by itself (one query, none more in a request);
    the others wait for leadership to take them on the case page."""
    stored = _stored_settings()
    return {step for step in LADDER if stored.get(f"{AUTO_PREFIX}{step}", "1") != "0"}


# The thresholds the escalation form edits: form field -> the rule holding it (its amount).
THRESHOLD_RULES = {
    "level_1": LEVEL_DEFAULTS["level_1"][0],
    "level_2": LEVEL_DEFAULTS["level_2"][0],
    "check": CHECK_DEFAULT[0],
    "level_3": LEVEL_DEFAULTS["level_3"][0],
}


def check_ladder_order(values: dict[str, int]) -> None:
    """Refuse thresholds out of the ladder's order: positive, level 1 < 2 < check <= 3."""
    one, two, check, three = (values[k] for k in ("level_1", "level_2", "check", "level_3"))
    if one < 1 or not one < two < three:
        raise OperationError(
            _("The escalation thresholds must be positive and increasing (level 1 < 2 < 3)."),
            field="level_1" if one < 1 else "level_2",
        )
    if not two < check <= three:
        raise OperationError(
            _(
                "The check of implementation must come after the urging letter and no later "
                "than the report (level 2 < check <= level 3)."
            ),
            field="check",
        )


def update_escalation(
    actor, thresholds: dict[str, int], flags: dict[str, bool], versions: dict[str, int]
) -> list[str]:
    """The escalation configuration at once (the administrator's form): the thresholds
    (working days overdue, stored as their rules' amounts), whether level 3 waits for the
    check and which steps are automatic (settings). Everything is checked before anything is
    written; each change is audited. 409 when a rule or setting changed since the form was
    built (`versions`: the rules' by key, the settings' by key, 0 not stored yet); 422 out of
    order. Returns the keys changed."""
    check_ladder_order(thresholds)
    rules = {
        r.key: r
        for r in db.session.execute(
            select(DeadlineRule).where(DeadlineRule.key.in_(THRESHOLD_RULES.values()))
        ).scalars()
    }
    for step, key in THRESHOLD_RULES.items():
        rule = rules.get(key)
        if rule is None:
            raise OperationError(
                _(
                    "The deadline rule of the step “%(step)s” is missing: add it first.",
                    step=LADDER_NAMES[step],
                ),
                field=step,
            )
        if versions.get(key) != rule.version:
            raise Conflict()
    changed = []
    for step, key in THRESHOLD_RULES.items():
        rule, amount = rules[key], thresholds[step]
        if rule.amount == amount:
            continue
        before = {"amount": rule.amount}
        rule.amount = amount
        db.session.flush()
        audit.record(actor, rule, "deadline_rule_updated", before, {"key": key, "amount": amount})
        changed.append(key)
    values = {key: "1" if flags.get(key) else "0" for key in FLAG_SETTINGS}
    changed += update_settings(actor, values, {k: versions.get(k, 0) for k in FLAG_SETTINGS})
    return changed


# --- application settings ------------------------------------------------------------------

APPROVER_CHOICES = ("lead", "leadership", "lead_or_leadership")
MAX_APPROVED_RANGE = (0, 10)

# key -> default value (as stored: text)
# The steps of the escalation ladder (cases.models.LADDER_STEPS, named here: reference is below
# cases) and the setting saying whether the daily sweep takes each one by itself ("1") or
# leaves it to leadership on the case page ("0").
LADDER = ("reminder_7", "reminder_3", "reminder_1", "level_1", "level_2", "check", "level_3")
# What pages call each step.
LADDER_NAMES = {
    "reminder_7": _l("Reminder 7 working days before the deadline"),
    "reminder_3": _l("Reminder 3 working days before the deadline"),
    "reminder_1": _l("Reminder 1 working day before the deadline"),
    "level_1": _l("Overdue notice (level 1)"),
    "level_2": _l("Urging letter (level 2)"),
    "check": _l("Check of implementation"),
    "level_3": _l("Responsibility proposal in the report to the Chairman (level 3)"),
}
AUTO_PREFIX = "escalation.auto."
REPORT_AFTER_CHECK = "escalation.report_after_check"
REPORT_AFTER_CHECK_SOURCE = "Luật Thanh tra số 84/2025/QH15, Điều 55; Nghị định số 216/2025/NĐ-CP"

SETTING_DEFAULTS: dict[str, str] = {
    "extension.approver": "lead_or_leadership",
    "extension.max_approved": "2",
    REPORT_AFTER_CHECK: "1",
    **{f"{AUTO_PREFIX}{step}": "1" for step in LADDER},
}
FLAG_SETTINGS = (REPORT_AFTER_CHECK, *(f"{AUTO_PREFIX}{step}" for step in LADDER))


def setting_rows() -> dict[str, Setting]:
    """The stored settings by key (one query); a missing key means its default."""
    return {s.key: s for s in db.session.execute(select(Setting)).scalars()}


def _stored_settings() -> dict[str, str]:
    """Every stored setting's value by key, read once a request (the table holds a dozen
    rows: one query for all of them costs what one for a key does)."""
    memo = per_request("settings")
    if "all" not in memo:
        memo["all"] = dict(db.session.execute(select(Setting.key, Setting.value)).all())
    return memo["all"]


def _setting(key: str) -> str:
    """A setting's stored value or its default."""
    value = _stored_settings().get(key)
    return value if value is not None else SETTING_DEFAULTS[key]


forget_on_write(Setting, "settings")


def extension_approver() -> str:
    """Who decides extension requests: "lead" (the inspection's team lead), "leadership", or
    "lead_or_leadership"; an administrator always may. A bad stored value means the default."""
    value = _setting("extension.approver")
    return value if value in APPROVER_CHOICES else SETTING_DEFAULTS["extension.approver"]


def extension_max_approved() -> int:
    """How many extensions of one case may be approved (default 2)."""
    try:
        value = int(_setting("extension.max_approved"))
    except ValueError:
        value = int(SETTING_DEFAULTS["extension.max_approved"])
    lo, hi = MAX_APPROVED_RANGE
    return min(max(value, lo), hi)


def update_settings(actor, values: dict[str, str], versions: dict[str, int]) -> list[str]:
    """Store the given settings (admin page); each change audited. `versions` are those the form
    was built on (0: not stored yet); 409 if one changed since, 422 on a bad value."""
    rows = setting_rows()
    for key in values:
        row = rows.get(key)
        if versions.get(key) != (row.version if row else 0):
            raise Conflict()
    for key in values:
        if key in FLAG_SETTINGS and values[key] not in ("0", "1"):
            raise OperationError(_("Not a valid choice."), field=key)
    approver = values.get("extension.approver")
    if approver is not None and approver not in APPROVER_CHOICES:
        raise OperationError(_("Not a valid choice."), field="extension_approver")
    cap = values.get("extension.max_approved")
    if cap is not None:
        lo, hi = MAX_APPROVED_RANGE
        if not cap.isdigit() or not lo <= int(cap) <= hi:
            raise OperationError(
                _("Enter a whole number from %(lo)d to %(hi)d.", lo=lo, hi=hi),
                field="extension_max_approved",
            )
    changed = []
    for key, value in values.items():
        row = rows.get(key)
        before = row.value if row else SETTING_DEFAULTS[key]
        if value == before:
            continue
        if row is None:
            # Two administrators saving the first value at once: the unique key refuses one.
            try:
                with db.session.begin_nested():
                    row = Setting(key=key, value=value)
                    db.session.add(row)
            except IntegrityError:
                raise Conflict() from None
        else:
            row.value = value
        db.session.flush()
        audit.record(actor, row, "setting_changed", {"value": before}, {"key": key, "value": value})
        changed.append(key)
    return changed
