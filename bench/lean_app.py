"""The case list's yardstick: a lean implementation of the same page.

The same SQL as our `/cases` (recorded from the product at start-up: the statements one
request of the signed-in user runs, session and user loading included, replayed with their
parameters on a connection of the same database), and a plain Jinja template of the same
markup: the filter form, the counters, the bulk-action form, the 50 rows and the pager, without
the layout (header, navigation, bell), without Flask-Login, Babel or the ORM. The labels are
the product's own words, taken once at start-up. When our page's SQL changes, the yardstick
follows it (it is recorded, not copied); when its markup changes, change `PAGE` below.

    LEAN_PAGES="leadership=bench.leadership:/cases?state=open&per_page=50" \\
        DATABASE_URL=... gunicorn bench.lean_app:app        # GET /leadership

`bench.pages` measures it in-process beside the product (`create_lean_app(url, pages)`), and
`bench.web` under wrk; the issue's target is our list at most 1.25x its CPU.
"""

from __future__ import annotations

import datetime as dt
import os
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from flask import Flask, abort
from jinja2 import Environment
from sqlalchemy import create_engine, event

from bench.datagen import BENCH_PASSWORD


@dataclass
class Recorded:
    """One page of the product: the statements it ran, and the words it shows."""

    statements: list[tuple[str, object]]
    labels: dict
    today: dt.date


def record(url: str, username: str, path: str) -> Recorded:
    """Run `path` once in the product as `username` and keep its SQL with its parameters."""
    from flask_babel import force_locale

    from bench import common
    from inspect_app.cases.models import CaseState, CaseType
    from inspect_app.core import clock
    from inspect_app.extensions import db

    app = common.in_process_app(url)
    client = common.signed_in_client(app, username, BENCH_PASSWORD)
    client.get(path)  # warm: the first request loads what later ones reuse
    with app.app_context():
        engine = db.engine
    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, params, context, executemany):
        statements.append((statement, params))

    event.listen(engine, "before_cursor_execute", keep)
    response = client.get(path)
    event.remove(engine, "before_cursor_execute", keep)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} for {username}")
    with app.test_request_context(), force_locale("vi"):
        labels = {
            "state": {s.value: str(s.label) for s in CaseState},
            "type": {t.value: str(t.label) for t in CaseType},
        }
        today = clock.today()
    with app.app_context():
        db.engine.dispose()
    return Recorded(statements, labels, today)


def _results(connection, statements) -> dict:
    """Replay every statement; keep each result set by what it is (its columns tell)."""
    found: dict = {}
    for statement, params in statements:
        result = connection.exec_driver_sql(statement, params)
        if not result.returns_rows:
            continue
        names = tuple(result.keys())
        rows = [tuple(row) for row in result]
        if "due_date" in names and "number" in names and "title" in names:
            found["cases"] = [dict(zip(names, row, strict=True)) for row in rows]
        elif names[:1] == ("state",):
            found["counters"] = {state: int(n or 0) for state, n in rows}
        elif names[:2] == ("anon_1", "anon_2"):  # overdue: before this month + this month
            found["overdue"] = sum(int(v or 0) for v in rows[0])
        elif names == ("id", "full_name"):
            found["verifiers"] = rows
        elif names == ("id", "name"):
            found["fields" if "field_of_work" in statement else "units"] = rows
        elif names == ("day", "is_working_day"):
            found["holidays"] = rows
    return found


def _overdue_days(due: dt.date, today: dt.date, days_off: list, make_up: list) -> int:
    """Working days from the deadline to today: weekdays, minus days off, plus make-up days."""
    if due >= today:
        return 0
    start, end = due + dt.timedelta(days=1), today
    weeks, extra = divmod((end - start).days + 1, 7)
    weekdays = weeks * 5 + sum(
        1 for i in range(extra) if (start + dt.timedelta(days=i)).weekday() < 5
    )
    off = bisect_right(days_off, end) - bisect_left(days_off, start)
    on = bisect_right(make_up, end) - bisect_left(make_up, start)
    return weekdays - off + on


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


PAGE = """\
<div class="pagehead">
  <h1>Kiến nghị</h1>
  <a href="/imports">Nhập sổ theo dõi</a>
</div>
<form class="filters" method="get" action="/cases" hx-get="/cases" hx-target="#case-list" \
hx-push-url="true" hx-trigger="input changed delay:300ms from:input[type=search], change">
  <div class="field"><label for="q">Tìm kiếm</label>
    <input type="search" id="q" name="q" value="" maxlength="100" \
placeholder="Số hiệu, tiêu đề, đơn vị, kết luận hoặc căn cứ pháp lý"></div>
  <div class="field"><label for="f-state">Trạng thái</label>
    <select id="f-state" name="state"><option value="">Tất cả trạng thái</option>
      {% for value, text in labels.state.items() %}<option value="{{ value }}" \
{% if value == state %}selected{% endif %}>{{ text }}</option>{% endfor %}
    </select></div>
  <div class="field"><label for="f-unit">Đơn vị chịu trách nhiệm</label>
    <select id="f-unit" name="unit"><option value="">Tất cả đơn vị</option>
      {% for id, name in units %}<option value="{{ id }}">{{ name }}</option>{% endfor %}
    </select></div>
  <div class="field"><label for="f-field">Lĩnh vực</label>
    <select id="f-field" name="field"><option value="">Tất cả lĩnh vực</option>
      {% for id, name in fields %}<option value="{{ id }}">{{ name }}</option>{% endfor %}
    </select></div>
  <div class="field"><label for="f-type">Loại</label>
    <select id="f-type" name="type"><option value="">Tất cả các loại</option>
      {% for value, text in labels.type.items() %}<option value="{{ value }}">{{ text }}</option>\
{% endfor %}
    </select></div>
  {% if verifiers %}<div class="field"><label for="f-verifier">Người kiểm tra, xác nhận</label>
    <select id="f-verifier" name="verifier"><option value="">Tất cả</option>
      {% for id, name in verifiers %}<option value="{{ id }}">{{ name }}</option>{% endfor %}
    </select></div>{% endif %}
  <div class="field"><label for="f-year">Năm đến hạn</label>
    <input type="number" id="f-year" name="year" min="2000" max="2100" value=""></div>
  <div class="field"><label for="f-sort">Sắp xếp theo</label>
    <select id="f-sort" name="sort"><option value="due" selected>Thời hạn, sớm nhất trước</option>
      <option value="-due">Thời hạn, muộn nhất trước</option><option value="-created">Mới nhất \
trước</option><option value="created">Cũ nhất trước</option></select></div>
  <div class="field"><label><input type="checkbox" name="overdue" value="1"> Chỉ kiến nghị quá \
hạn</label></div>
  <noscript><button class="btn">Lọc</button></noscript>
</form>
<div id="case-list">
<p class="exports">Xuất các kiến nghị này: <a href="/cases/export.xlsx?state={{ state }}" \
download>XLSX</a> · <a href="/cases/export.csv?state={{ state }}" download>CSV</a></p>
<nav class="tiles counters" aria-label="Kiến nghị theo trạng thái">
  {% for value, text in labels.state.items() %}
  <a class="tile" href="/cases?state={{ value }}" hx-get="/cases?state={{ value }}" \
hx-target="#case-list" hx-push-url="true" {% if value == state %}aria-current="true"{% endif %}>
    <span class="big" data-counter="{{ value }}">{{ counters.get(value, 0) }}</span>{{ text }}</a>
  {% endfor %}
  <a class="tile" href="/cases?overdue=1" hx-get="/cases?overdue=1" hx-target="#case-list" \
hx-push-url="true"><span class="big" data-counter="overdue">{{ overdue }}</span>Quá hạn</a>
</nav>
{% if verifiers %}
<form id="bulk-form" class="bulk filters" method="post" action="/cases/bulk">
  <input type="hidden" name="csrf_token" value="{{ csrf }}">
  <input type="hidden" name="state" value="{{ state }}">
  <div class="field"><label for="bulk-action">Thao tác hàng loạt</label>
    <select id="bulk-action" name="action"><option value="remind">Gửi nhắc hạn cho đơn vị</option>\
<option value="verifier">Phân công người kiểm tra, xác nhận</option><option value="export">Xuất \
các kiến nghị đã chọn (CSV)</option></select></div>
  <div class="field"><label for="bulk-note">Lời nhắn (không bắt buộc)</label>
    <input id="bulk-note" name="note" maxlength="1000"></div>
  <div class="field"><label for="bulk-verifier">Người kiểm tra, xác nhận được phân công</label>
    <select id="bulk-verifier" name="verifier_id"><option value="">Chọn…</option>
      {% for id, name in verifiers %}<option value="{{ id }}">{{ name }}</option>{% endfor %}
    </select></div>
  <div class="field"><label><input type="checkbox" name="all" value="1"> Tất cả {{ total }} kiến \
nghị phù hợp bộ lọc</label></div>
  <button class="btn">Thực hiện với các kiến nghị đã chọn</button>
</form>
{% endif %}
<div class="table-wrap">
<table class="table cards">
  <thead><tr>
    {% if verifiers %}<th class="pick"><span class="visually-hidden">Chọn</span></th>{% endif %}
    <th>Số</th><th class="grow">Kiến nghị</th><th>Loại</th><th>Đơn vị chịu trách nhiệm</th>
    <th>Thời hạn</th><th class="state">Trạng thái</th>
  </tr></thead>
  <tbody>
  {% for c in cases %}
    <tr>
      {% if verifiers %}<td class="pick" data-label="Chọn"><input type="checkbox" name="ids" \
value="{{ c.id }}" form="bulk-form" aria-label="{{ c.reference }}"></td>{% endif %}
      <td data-label="Số"><a href="/cases/{{ c.id }}">{{ c.reference }}</a></td>
      <td data-label="Kiến nghị"><a href="/cases/{{ c.id }}">{{ c.title }}</a>
        <br><small class="muted">{{ c.inspection_title }} · {{ c.citation }}</small></td>
      <td data-label="Loại">{{ labels.type[c.type] }}{% if c.amount_vnd %}<br><small>\
{{ c.amount }}</small>{% endif %}</td>
      <td data-label="Đơn vị chịu trách nhiệm">{{ c.unit_name }}</td>
      <td data-label="Thời hạn">{{ c.due }} {% if c.late %}<span class="badge bad">Quá hạn \
{{ c.late }} ngày làm việc</span>{% endif %}</td>
      <td data-label="Trạng thái"><span class="badge {{ badge[c.state] }}">\
{{ labels.state[c.state] }}</span></td>
    </tr>
  {% endfor %}
  </tbody>
</table>
</div>
<nav class="pager" aria-label="Phân trang"><span>Trang 1/{{ pages }}</span>
  <a href="/cases?page=2&amp;state={{ state }}" hx-get="/cases?page=2&amp;state={{ state }}" \
hx-target="#case-list" hx-push-url="true">Trang sau &rarr;</a></nav>
<p class="muted count">{{ total }} bản ghi</p></div>
"""
BADGE = {"open": "info", "answered": "warn", "accepted": "ok", "withdrawn": "muted"}


def create_lean_app(url: str, pages: dict[str, tuple[str, str]]) -> Flask:
    """`pages`: name -> (username, product path); the lean app serves each at `/<name>`."""
    recorded = {name: record(url, user, path) for name, (user, path) in pages.items()}
    engine = create_engine(url)
    template = Environment(autoescape=True).from_string(PAGE)
    app = Flask(__name__)
    app.config["LEAN_ENGINE"] = engine

    @app.route("/healthz")
    def healthz():
        return "ok"

    @app.route("/<name>")
    def page(name: str):
        page = recorded.get(name) or abort(404)
        with engine.connect() as connection:
            found = _results(connection, page.statements)
        days = [(_as_date(d), working) for d, working in found.get("holidays", ())]
        days_off = sorted(d for d, working in days if not working and d.weekday() < 5)
        make_up = sorted(d for d, working in days if working and d.weekday() >= 5)
        for c in found.get("cases", ()):
            due = _as_date(c["due_date"])
            c["reference"] = f"KN-{c['inspection_id']}/{c['number']}"
            c["citation"] = ", ".join(
                ([f"Khoản {c['clause']}"] if c["clause"] else [])
                + [f"Điều {c['article']}", c["instrument"]]
            )
            c["amount"] = f"{int(c['amount_vnd'] or 0):,} ₫".replace(",", ".")
            c["due"] = due.strftime("%d/%m/%Y")
            c["late"] = (
                _overdue_days(due, page.today, days_off, make_up) if c["state"] == "open" else 0
            )
        counters = found.get("counters", {})
        total = counters.get("open", 0)
        return template.render(
            labels=page.labels,
            badge=BADGE,
            state="open",
            csrf="lean",
            units=found.get("units", ()),
            fields=found.get("fields", ()),
            verifiers=found.get("verifiers", ()),
            counters=counters,
            overdue=found.get("overdue", 0),
            cases=found.get("cases", ()),
            total=total,
            pages=max(1, -(-total // 50)),
        )

    return app


def _pages_from_env(value: str) -> dict[str, tuple[str, str]]:
    """ "name=user:/path;name2=user2:/path2" -> {name: (user, path)}."""
    pages = {}
    for item in filter(None, value.split(";")):
        name, _, rest = item.partition("=")
        user, _, path = rest.partition(":")
        pages[name] = (user, path)
    return pages


app = (
    create_lean_app(os.environ["DATABASE_URL"], _pages_from_env(os.environ["LEAN_PAGES"]))
    if os.environ.get("DATABASE_URL") and os.environ.get("LEAN_PAGES")
    else None
)
