"""The dashboard tests' data set (three units with cases of every kind) and the reading of
the page's figures and links, also used by the case list's filter tests."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

from inspect_app.reference.models import Holiday
from tests import factories as f

TODAY = date(2026, 9, 8)  # a Tuesday; 1 and 2 September 2026 are public holidays


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_data_set(db) -> dict:
    """Three units with cases of every kind (see the expected figures in the tests)."""
    db.session.add(Holiday(day=date(2026, 9, 1), name="Nghỉ liền kề Quốc khánh"))
    db.session.add(Holiday(day=date(2026, 9, 2), name="Quốc khánh"))
    unit_a, unit_b, unit_c = f.make_unit("Sở A"), f.make_unit("Sở B"), f.make_unit("Sở C")
    field_1, field_2 = f.make_field("Công chức"), f.make_field("Lưu trữ")
    insp_a = f.make_inspection(state="monitoring", target_unit=unit_a)
    insp_b = f.make_inspection(state="monitoring", target_unit=unit_b)
    insp_b.fields = [field_1]
    insp_c = f.make_inspection(state="monitoring", target_unit=unit_c)

    def case(insp, due, state="open", closed=None, **kw):
        return f.make_case(insp, state=state, due=due, closed_at=closed, **kw)

    cases = {
        # Unit A
        "a1": case(insp_a, date(2026, 8, 31)),  # 4 working days overdue (2 holidays)
        "a2": case(insp_a, date(2026, 9, 7)),  # 1 working day overdue
        # Accepted 23:30 local time on the due date: on time; 00:30 the next day: late.
        "a3": case(insp_a, date(2026, 6, 30), "accepted", utc(2026, 6, 30, 16, 30)),
        "a4": case(insp_a, date(2026, 6, 30), "accepted", utc(2026, 6, 30, 17, 30)),
        "a5": case(insp_a, date(2026, 10, 30)),  # not yet due
        "a6": case(insp_a, date(2026, 4, 15), "accepted", utc(2026, 5, 5, 3)),  # late
        # Unit B (field 1 through its inspection)
        "b1": case(insp_b, date(2026, 8, 13)),  # 16 working days overdue
        "b2": case(insp_b, date(2026, 7, 1)),  # more than 30
        "b3": case(insp_b, date(2026, 8, 1), "answered"),
        "b4": case(insp_b, date(2026, 5, 1), "withdrawn", utc(2026, 5, 10, 3)),
        "b5": case(insp_b, date(2026, 3, 31), "accepted", utc(2026, 3, 20, 3)),
        # Unit C (field 2 through a finding of c2)
        "c1": case(insp_c, date(2026, 9, 30), "accepted", utc(2026, 9, 1, 3)),  # early
        "c2": case(insp_c, date(2026, 8, 27)),  # 6 working days overdue
        "c3": case(insp_c, date(2025, 12, 15)),  # overdue, deadline of the previous year
    }
    finding = f.make_finding(insp_c, field=field_2)
    cases["c2"].findings = [finding]
    db.session.flush()
    return {
        "units": (unit_a, unit_b, unit_c),
        "fields": (field_1, field_2),
        "cases": cases,
    }


class Links(HTMLParser):
    """Anchors of a page: href, text, and the data-figure of the anchor or of a child."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    _value_of: dict | None = None  # the link whose figure element is being read

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            link = {"href": attrs.get("href"), "text": "", "figure": attrs.get("data-figure")}
            self.links.append(link)
            self._open.append(link)
        elif self._open and attrs.get("data-figure"):
            self._open[-1]["figure"] = attrs["data-figure"]
            self._open[-1]["value"] = ""
            self._value_of = self._open[-1]

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            self._open.pop()
        elif tag == "span":
            self._value_of = None

    def handle_data(self, data):
        for link in self._open:
            link["text"] += data
        if self._value_of is not None:
            self._value_of["value"] += data

    def figure(self, name: str) -> dict:
        """The link of a figure, with `text` the number shown."""
        found = [link for link in self.links if link["figure"] == name]
        assert len(found) == 1, (name, found)
        return {**found[0], "text": found[0].get("value", found[0]["text"]).strip()}


def query(href: str) -> dict:
    parts = urlsplit(href)
    assert parts.path == "/cases", href
    return {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}


def counter(html: str, key: str) -> int:
    match = re.search(rf'data-counter="{key}">(\d+)<', html)
    assert match, key
    return int(match.group(1))
