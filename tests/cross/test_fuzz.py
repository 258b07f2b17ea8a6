"""Fuzz: every form route (POST), every page (GET with query strings) and every API operation
gets generated input with a fixed seed: huge strings, NUL and combining characters, right-to-left
marks, extreme dates and numbers, nested and deep JSON, wrong types, uploads of random bytes, ids
at the edges of the integer range. Each route is tried as several roles, so that the input gets
past the permission check to the validation. Whatever the answer, it is never a server error
(5xx or an exception). Bounded: a few examples per route, on SQLite and PostgreSQL alike.

The fields a form route receives are those of its form in the templates (the `<form>` whose
action names the endpoint), mixed with names taken from every other form; an API operation's
body gets the properties of its OpenAPI request body, mixed with stray ones."""

from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from werkzeug.datastructures import FileStorage, MultiDict

from inspect_app.auth import tokens
from inspect_app.auth.models import LoginAttempt, User
from inspect_app.core.roles import Role
from tests import factories as f
from tests.cross.test_api_schemathesis import _seed

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Per route; FUZZ_EXAMPLES=50 for a longer hunt on a developer's machine.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
ROLES = ("admin", "leadership", "lead_inspector", "unit_leader")
# Mostly the seeded records, sometimes none or the edge of the integer range.
IDS = (1, 1, 1, 2, 2, 3, 4, 0, 2**31 - 1)

NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "e" + "\u0301\u0302\u0303\u0304" * 200,  # one letter with 800 combining marks
    "\u202eGIAO\u202c",  # right-to-left override
    "𝕋𝕙𝕒𝕟𝕙 𝕥𝕣𝕒 🏛️" * 20,
    "Thanh tra tỉnh Hà Giang",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%00%ff%fe",
    "\ud7ff\ue000\uffff",
    "A" * 200_000,
    "9" * 400,
    "-1",
    "0",
    "-0",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "1e309",
    "NaN",
    "Infinity",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "-0001-01-01",
    "2026-01-01T25:61:00",
    "9999-12-31T23:59:59+14:00",
    "1969-12-31",
    "true",
    "null",
    "[]",
    "{}",
    "on",
]
text = st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=40))
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**31 - 1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
)
json_leaf = st.one_of(text, numbers, st.booleans(), st.none())
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
DEEP = "[" * 3000 + "]" * 3000
RAW_BODIES = [DEEP, '{"a":' * 2000 + "1" + "}" * 2000, "", "null", "[]", '"x"', "{", "\x00"]


# --- what the forms send, read from the templates --------------------------------------------

FORM_RE = re.compile(r"<form\b(?P<head>[^>]*)>(?P<body>.*?)</form>", re.S)
ENDPOINT_RE = re.compile(r"url_for\(\s*'([\w.]+)'")
NAME_RE = re.compile(r"""name="([a-z_][a-z0-9_]*)"|\{\{\s*\w+\(\s*'([a-z_][a-z0-9_]*)'""")


def form_fields() -> tuple[dict[str, set[str]], set[str]]:
    """{endpoint: field names of its forms}, and every field name of every form. A form whose
    action is computed (`action="{{ url }}"`) counts for the endpoints of its template folder
    that have no form of their own."""
    by_endpoint: dict[str, set[str]] = {}
    by_folder: dict[str, set[str]] = {}
    every: set[str] = set()
    for path in TEMPLATES.rglob("*.html"):
        for form in FORM_RE.finditer(path.read_text(encoding="utf-8")):
            names = {a or b for a, b in NAME_RE.findall(form["body"])} - {"csrf_token"}
            every |= names
            by_folder.setdefault(path.parent.name, set()).update(names)
            for endpoint in ENDPOINT_RE.findall(form["head"]):
                by_endpoint.setdefault(endpoint, set()).update(names)
    return _Fields(by_endpoint, by_folder), every


class _Fields(dict):
    def __init__(self, by_endpoint, by_folder):
        super().__init__(by_endpoint)
        self.by_folder = by_folder

    def get(self, endpoint, default=()):
        return super().get(endpoint) or self.by_folder.get(endpoint.split(".")[0], default)


# --- the data and the actors ----------------------------------------------------------------


@pytest.fixture()
def world(app, db, tmp_path):
    """The schemathesis suite's records, a leadership account, and how to restore the accounts
    (a fuzzed request may deactivate one, change its role or its password)."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    _seed(db)
    f.make_user("leadership")
    db.session.commit()
    users = db.session.execute(select(User).order_by(User.id)).scalars().all()
    saved = [(u.id, u.role, u.unit_id, u.password_hash) for u in users]
    actors = {}
    for role in ROLES:
        actors[role] = next(u for u in users if u.role == Role(role)).id

    def restore() -> None:
        db.session.rollback()
        db.session.execute(delete(LoginAttempt))  # fuzzed sign-ins must not lock anyone out
        for user_id, role, unit_id, password_hash in saved:
            db.session.execute(
                update(User)
                .where(User.id == user_id)
                .values(active=True, role=role, unit_id=unit_id, password_hash=password_hash)
            )
        db.session.commit()

    return actors, restore


def _choices(rule, arg) -> list | None:
    """The values an `any(...)` converter accepts (an export's format), else None."""
    items = getattr(rule._converters.get(arg), "items", None)
    return sorted(items) if items else None


def _fill(rule, draw) -> str:
    values = {}
    for arg in rule.arguments:
        choices = _choices(rule, arg)
        values[arg] = draw(st.sampled_from(choices or IDS))
    if "kind" in values:
        values["kind"] = draw(st.sampled_from(["merge", "split", "rename", "move", "x\x00"]))
    return rule.build(values, append_unknown=False)[1]


def _first_url(rule) -> str:
    """The route for the first seeded records."""
    values = {}
    for arg in rule.arguments:
        choices = _choices(rule, arg)
        values[arg] = choices[0] if choices else ("merge" if arg == "kind" else 1)
    return rule.build(values, append_unknown=False)[1]


def _hypothesis(n: int):
    return settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )


class Failures(dict):
    """The first server error of each route; the statuses of every answer."""

    def __init__(self):
        super().__init__()
        self.statuses: Counter[int] = Counter()

    def report(self) -> str:
        return "\n\n".join(f"{k}:\n{v}" for k, v in sorted(self.items()))

    def assert_reached_the_validation(self, refused: int, done: int) -> None:
        """The fuzz is not vacuous: many requests got past sign-in and permissions to the
        validation (422) or through it."""
        answered = self.statuses
        assert answered[422] >= refused, dict(answered)
        assert sum(n for status, n in answered.items() if status < 300) >= done, dict(answered)

    def check(self, key: str, request: str, call) -> None:
        try:
            response = call()
        except Exception as e:  # an exception in a view is a 500 in production
            self.setdefault(key, f"{request}: {type(e).__name__}: {str(e)[:500]}")
            raise _Stop from None
        self.statuses[response.status_code] += 1
        # /readyz answers 503 by design while the test database has no scheduler heartbeat.
        if response.status_code >= 500 and not key.endswith("home.readyz"):
            self.setdefault(
                key, f"{request}: {response.status_code} {response.get_data(as_text=True)[:500]}"
            )
            raise _Stop


class _Stop(Exception):
    """The first failure of a route: the next route."""


def _run(restore, test) -> None:
    try:
        test()
    except _Stop:
        pass
    finally:
        restore()


def _summary(value) -> str:
    text = repr(value)
    return text if len(text) < 300 else text[:300] + f"... ({len(text)} characters)"


def _allowed(send) -> tuple[str, ...]:
    """The roles an empty request of the route gets past the permission check with (all of
    them when none does, so that the refusals are fuzzed too)."""
    allowed = tuple(role for role in ROLES if send(role).status_code not in (401, 403, 404))
    return allowed or ROLES


class Clients(dict):
    """A signed-in test client per role, signed in when first needed."""

    def __init__(self, db, actors, login_as):
        super().__init__()
        self.db, self.actors, self.login_as = db, actors, login_as

    def of(self, role: str):
        if role not in self:
            self[role] = self.login_as(self.db.session.get(User, self.actors[role]))
        return self[role]


class _FormValues(HTMLParser):
    """What a browser would send for the page's forms as shown: inputs' values, checked boxes,
    selected (else first) options, textareas' text."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, MultiDict]] = []
        self.values: MultiDict = MultiDict()
        self._select: str | None = None
        self._chosen = False
        self._first: tuple[str, str] | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "form":
            self.values = MultiDict()
            self.forms.append((urlsplit(a.get("action") or "").path, self.values))
        elif tag == "input" and name and name != "csrf_token":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("file", "submit", "button"):
                self.values.add(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._chosen, self._first = name, "multiple" in a, None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first is None and not self._chosen:
                self._first = (self._select, value)
            if "selected" in a:
                self.values.add(self._select, value)
                self._chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.add(name, "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._chosen and self._first:
                self.values.add(*self._first)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values.setlist(self._textarea, [self.values.get(self._textarea, "") + data])


def _shown_form(client, rule, url: str) -> MultiDict | None:
    """The values the route's own page shows in its form (an edit form: valid values)."""
    if "GET" not in rule.methods:
        return None
    response = client.get(url)
    if response.status_code != 200:
        return None
    parser = _FormValues()
    parser.feed(response.get_data(as_text=True))
    own = [values for action, values in parser.forms if action == url and values]
    return own[0] if own else None


def _post_form(failures, rule, own, pool, clients):
    first = _first_url(rule)
    roles = _allowed(lambda role: clients.of(role).post(first))
    shown = {role: _shown_form(clients.of(role), rule, first) for role in roles}

    @_hypothesis(EXAMPLES)
    @given(data=st.data())
    def post_form(data):
        role = data.draw(st.sampled_from(roles))
        if shown[role] and data.draw(st.booleans()):
            # The form as shown, valid, with one or two of its fields made nasty.
            url, form = first, MultiDict(shown[role])
            for name in data.draw(st.lists(st.sampled_from(sorted(form)), min_size=1, max_size=2)):
                form.setlist(name, [data.draw(text)])
        else:
            url, form = _fill(rule, data.draw), MultiDict()
            names = data.draw(st.lists(st.sampled_from(own), unique=True)) if own else []
            names += data.draw(st.lists(st.sampled_from(pool), max_size=3, unique=True))
            for name in names:
                for value in data.draw(st.lists(text, min_size=1, max_size=2)):
                    form.add(name, value)
        if data.draw(st.booleans()) and any(n in own for n in ("file", "files")):
            blob = data.draw(st.binary(max_size=2000))
            name = data.draw(st.sampled_from(["a.pdf", "ảnh.jpg", "x\x00.png", "", "a" * 300]))
            form.add("file" if "file" in own else "files", FileStorage(io.BytesIO(blob), name))
        headers = {"HX-Request": "true"} if data.draw(st.booleans()) else {}
        failures.check(
            rule.endpoint,
            f"POST {url} as {role} {_summary(form)}",
            lambda: clients.of(role).post(url, data=form, headers=headers),
        )

    return post_form


def _get_page(failures, rule, pool, viewer):
    @_hypothesis(2)
    @given(data=st.data())
    def get_page(data):
        url = _fill(rule, data.draw)
        role = data.draw(st.sampled_from(ROLES))
        names = data.draw(st.lists(st.sampled_from(QUERY_NAMES + pool), max_size=5))
        query = {name: data.draw(text)[:2000] for name in names}
        failures.check(
            "GET " + rule.endpoint,
            f"GET {url} as {role} {_summary(query)}",
            lambda: viewer.of(role).get(url, query_string=query),
        )

    return get_page


def _call_api(failures, client, method, rule, props, params, headers_of):
    key = f"{method} {rule.rule}"
    first = _first_url(rule)
    roles = _allowed(
        lambda role: client.open(
            first, method=method, csrf=False, headers=headers_of[role], json={}
        )
    )

    @_hypothesis(EXAMPLES)
    @given(data=st.data())
    def call(data):
        url = _fill(rule, data.draw)
        role = data.draw(st.sampled_from(roles))
        names = data.draw(st.lists(st.sampled_from(params + QUERY_NAMES), max_size=4))
        query = {n: data.draw(text)[:2000] for n in names}
        kwargs = {"query_string": query, "headers": headers_of[role]}
        if method != "GET":
            shape = data.draw(st.sampled_from(["object", "object", "object", "value", "raw"]))
            if shape == "raw":
                raw = data.draw(st.sampled_from(RAW_BODIES))
            elif shape == "value":
                raw = json.dumps(data.draw(json_value), allow_nan=True)
            else:
                fields = data.draw(st.lists(st.sampled_from(props), unique=True)) if props else []
                extra = data.draw(st.dictionaries(st.text(max_size=8), json_value, max_size=2))
                raw = json.dumps(
                    {**extra, **{n: data.draw(json_value) for n in fields}}, allow_nan=True
                )
            kwargs.update(
                data=raw.encode("utf-8", "surrogatepass"), content_type="application/json"
            )
        failures.check(
            key,
            f"{method} {url} as {role} {_summary(kwargs.get('data'))} {_summary(query)}",
            lambda: client.open(url, method=method, csrf=False, **kwargs),
        )

    return call


# --- the tests --------------------------------------------------------------------------------


def _form_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(("/api/", "/static")):
            continue
        yield rule


def test_forms_and_pages_never_answer_a_server_error(app, db, world, login_as):
    actors, restore = world
    by_endpoint, every = form_fields()
    pool = sorted(every)
    failures = Failures()
    rules = list(_form_rules(app))
    posts = [r for r in rules if "POST" in r.methods]
    gets = [r for r in rules if "GET" in r.methods]
    assert len(posts) >= 50 and len(gets) >= 50

    clients = Clients(db, actors, login_as)
    for rule in posts:
        own = sorted(by_endpoint.get(rule.endpoint, ()))
        _run(restore, _post_form(failures, rule, own, pool, clients))
        if rule.endpoint.startswith("auth."):
            clients.clear()  # sessions may have ended (sign-out, password, deactivation)

    clients.clear()
    for rule in gets:
        _run(restore, _get_page(failures, rule, pool, clients))
    failures.assert_reached_the_validation(refused=150, done=60)
    assert not failures, failures.report()


QUERY_NAMES = [
    "state",
    "unit",
    "field",
    "year",
    "overdue",
    "type",
    "q",
    "sort",
    "page",
    "per_page",
    "as_of",
    "from",
    "to",
    "period_start",
    "period_end",
    "next",
    "lang",
    "format",
]


def _resolve(doc: dict, schema: dict | None) -> dict:
    while schema and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema or {}


def test_api_operations_never_answer_a_server_error(app, db, world):
    actors, restore = world
    headers_of = {}
    for role, user_id in actors.items():
        _token, secret = tokens.create_token(db.session.get(User, user_id), f"fuzz {role}")
        headers_of[role] = {"Authorization": f"Bearer {secret}"}
    db.session.commit()
    doc = app.test_client().get("/api/v1/openapi.json", headers=headers_of["admin"]).get_json()
    rules = {
        (rule.rule, method): rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    operations = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            flask_path = re.sub(r"\{(\w+)\}", r"<int:\1>", path)
            # (a string parameter, such as a reporting period "2026-Q1", has no converter)
            rule = rules.get((flask_path, method.upper())) or rules.get(
                (re.sub(r"\{(\w+)\}", r"<\1>", path), method.upper())
            )
            assert rule is not None, f"{method} {path} has no route"
            body = _resolve(
                doc,
                (op.get("requestBody") or {})
                .get("content", {})
                .get("application/json", {})
                .get("schema"),
            )
            props = sorted(body.get("properties", {}))
            params = sorted(p["name"] for p in op.get("parameters", []) if p.get("in") == "query")
            operations.append((method.upper(), rule, props, params))
    assert len(operations) >= 60
    failures = Failures()
    client = app.test_client()

    for method, rule, props, params in operations:
        _run(restore, _call_api(failures, client, method, rule, props, params, headers_of))
    failures.assert_reached_the_validation(refused=60, done=100)
    assert not failures, failures.report()
