"""A user's deadlines as an iCalendar feed (RFC 5545), written by hand: one all-day event per
open case the user follows, holding only its reference and title, its deadline and its link."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import load_only

from inspect_app.cases.models import Case, CaseState
from inspect_app.cases.queries import CaseFilters, case_conditions
from inspect_app.extensions import db
from inspect_app.inspections.models import Inspection, inspection_member

MAX_EVENTS = 2000


def deadlines_for(user, today: date) -> list[Case]:
    """The open cases whose deadline `user` follows, earliest first (one query): a unit leader
    their units' (and those they act for), an inspector or lead their inspections', leadership
    and administrators every visible one; at most MAX_EVENTS."""
    conditions = case_conditions(user, CaseFilters(state=CaseState.OPEN.value), today)
    if user.is_inspector:
        on_team = exists().where(
            inspection_member.c.inspection_id == Case.inspection_id,
            inspection_member.c.user_id == user.id,
        )
        leads = select(Inspection.id).where(Inspection.lead_id == user.id)
        conditions.append(or_(Case.inspection_id.in_(leads), on_team))
    stmt = (
        select(Case)
        .options(load_only(Case.inspection_id, Case.number, Case.title, Case.due_date))
        .where(*conditions)
        .order_by(Case.due_date, Case.id)
        .limit(MAX_EVENTS)
    )
    return list(db.session.execute(stmt).scalars())


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (never inside a character)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def to_ics(cases: list[Case], link, name: str, now: datetime, host: str) -> str:
    """The calendar: `link(case)` gives each case's absolute URL; `host` makes UIDs unique."""
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Thanh tra tinh//Inspection case management//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for case in cases:
        lines += [
            "BEGIN:VEVENT",
            f"UID:case-{case.id}-{case.due_date:%Y%m%d}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{case.due_date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{case.due_date + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(f'{case.reference} {case.title}')}",
            f"URL:{link(case)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
