"""Geometry of the server-rendered SVG charts (no JavaScript chart library).

The templates draw what these functions lay out; numbers stay in the data tables next to the
charts, so a chart is never the only way to read a figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def nice_max(value: int) -> int:
    """A round upper bound for an axis: 1, 2, 5, 10, 20, 50 ... at least `value`."""
    if value <= 1:
        return 1
    magnitude = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


@dataclass
class Bar:
    label: str
    value: int
    href: str
    x: float
    y: float
    width: float
    height: float


@dataclass
class HBar(Bar):
    """A bar of the horizontal chart with its SVG numbers written out once ("%.1f"): the
    chart has a bar per unit, and formatting them in the template was most of its time."""

    short: str = ""  # the label cut to 28 characters ("…" at the end)
    mid: str = ""  # the bar's vertical middle
    length: str = ""  # its width
    value_x: str = ""  # where its value is written


def _short(label: str, length: int = 28) -> str:
    """The label cut in its middle to `length` characters: units' names often differ only at
    the end ("Trung tâm Dịch vụ thuộc Sở Y tế", "... thuộc Sở Xây dựng")."""
    if len(label) <= length:
        return label
    head = label[: (length - 1) * 2 // 5].rstrip()
    tail: list[str] = []
    for word in reversed(label.split()):  # whole words from the end, as many as fit
        if len(" ".join([word, *tail])) > length - 1 - len(head):
            break
        tail.insert(0, word)
    return head + "…" + " ".join(tail)


@dataclass
class HBarChart:
    width: int
    height: int
    label_width: int
    bars: list[HBar] = field(default_factory=list)


def horizontal_bars(items: list[tuple[str, int, str]], width: int = 560) -> HBarChart:
    """One bar per (label, value, href), longest bar = the largest value, labels on the left."""
    row, label_width, pad = 32, 240, 56  # labels of 28 letters and values of 5 digits fit
    chart = HBarChart(width=width, height=max(row * len(items), row), label_width=label_width)
    top = max((value for _, value, _ in items), default=0) or 1
    span = width - label_width - pad
    for i, (label, value, href) in enumerate(items):
        length = span * value / top
        y, height = i * row + 5, row - 10
        chart.bars.append(
            HBar(
                label,
                value,
                href,
                label_width,
                y,
                length,
                height,
                short=_short(label),
                mid=f"{y + height / 2:.1f}",
                length=f"{length:.1f}",
                value_x=f"{label_width + length + 6:.1f}",
            )
        )
    return chart


@dataclass
class TrendPoint:
    label: str
    x: float
    due: Bar
    accepted: Bar
    overdue_y: float | None


@dataclass
class TrendChart:
    width: int
    height: int
    left: int
    bottom: float
    ticks: list[tuple[int, float]]
    points: list[TrendPoint]
    line: str  # polyline points of "overdue at month end"


def trend_chart(months, label, hrefs, width: int = 720, height: int = 260) -> TrendChart:
    """Bars for cases due and accepted, a line for overdue at month end, per month."""
    left, top, bottom_pad = 44, 12, 28
    bottom = height - bottom_pad
    values = [m.due for m in months] + [m.accepted for m in months]
    values += [m.overdue for m in months if m.overdue is not None]
    top_value = nice_max(max(values, default=0))
    plot_height = bottom - top
    group = (width - left - 8) / max(len(months), 1)
    bar_width = min(group / 3, 18)

    def y(value: int) -> float:
        return bottom - plot_height * value / top_value

    points = []
    for i, month in enumerate(months):
        x = left + group * i + group / 2
        due_href, accepted_href = hrefs(month)
        due = Bar(label(month), month.due, due_href, x - bar_width, y(month.due), bar_width, 0)
        due.height = bottom - due.y
        accepted = Bar(label(month), month.accepted, accepted_href, x, y(month.accepted), 0, 0)
        accepted.width, accepted.height = bar_width, bottom - accepted.y
        overdue_y = y(month.overdue) if month.overdue is not None else None
        points.append(TrendPoint(label(month), x, due, accepted, overdue_y))
    line = " ".join(f"{p.x:.1f},{p.overdue_y:.1f}" for p in points if p.overdue_y is not None)
    ticks = [(v, y(v)) for v in sorted({0, top_value // 2, top_value})]
    return TrendChart(width, height, left, bottom, ticks, points, line)
