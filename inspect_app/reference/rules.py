"""Reading deadline rules: every default deadline in the product comes from here."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from inspect_app.extensions import db
from inspect_app.reference.calendar import add_days
from inspect_app.reference.models import DayKind, DeadlineRule

# Fallbacks used only when an administrator deleted a rule; the seed creates each of them.
FALLBACKS: dict[str, tuple[int, DayKind, str]] = {
    "inspection.onsite.thanh_tra": (45, DayKind.CALENDAR, "Luật Thanh tra 2022, Điều 47"),
    "inspection.onsite.kiem_tra": (30, DayKind.CALENDAR, "Quy định nội bộ"),
    "case.default": (60, DayKind.CALENDAR, "Kết luận thanh tra"),
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


def case_due_date(case_type: str, severity: str, start: date) -> date:
    """Default remedial deadline of a case: rule `case.<type>.<severity>`, `case.<type>`, then
    `case.default`, counted from `start` (the conclusion date)."""
    amount, kind, _ = rule_for(f"case.{case_type}.{severity}", f"case.{case_type}", "case.default")
    return add_days(start, amount, kind)


def onsite_duration(kind: str) -> tuple[int, DayKind, int | None, str]:
    """Legal on-site duration for an activity kind: (days, day kind, max extension, source)."""
    key = f"inspection.onsite.{kind}"
    rule = get_rule(key)
    if rule is not None:
        return rule.amount, rule.day_kind, rule.extension_max, rule.source
    amount, day_kind, source = FALLBACKS[key]
    return amount, day_kind, None, source
