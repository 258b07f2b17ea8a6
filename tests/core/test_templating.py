"""What every page's layout pays for once instead of each time: a request's translations are
found once (and still follow `force_locale`, the language of a mail's recipient), and the
links that depend on nothing but their endpoint are built once per script root."""

from __future__ import annotations

from flask import render_template_string, url_for
from flask_babel import Domain, force_locale, get_locale, gettext, lazy_gettext

from inspect_app.core import templating


def test_a_request_finds_its_translations_once(app, monkeypatch):
    found = []
    original = Domain.get_translations

    def counting(self):
        found.append(str(get_locale()))
        return original(self)

    monkeypatch.setattr(Domain, "get_translations", counting)
    with app.test_request_context(headers={"Cookie": ""}):
        page = render_template_string("{% for i in range(30) %}{{ _('Open') }}|{% endfor %}")
        assert gettext("Open") == "Đang mở"
        assert str(lazy_gettext("Open")) == "Đang mở"
    assert page.split("|")[0] == "Đang mở"
    assert found == ["vi"]


def test_force_locale_still_switches_the_messages_of_python_and_templates(app):
    with app.test_request_context():
        assert gettext("Open") == "Đang mở"
        with force_locale("en"):
            assert gettext("Open") == "Open"
            assert render_template_string("{{ _('Open') }}") == "Open"
            assert str(lazy_gettext("Open")) == "Open"
        assert gettext("Open") == "Đang mở"
        assert render_template_string("{{ _('Open') }}") == "Đang mở"
    with app.test_request_context(), force_locale("en"):  # forced before the first message
        assert gettext("Open") == "Open"


def test_constant_links_are_built_once_per_script_root_and_others_each_time(app, monkeypatch):
    monkeypatch.setattr(templating, "_CONSTANT_URLS", {})
    with app.test_request_context():
        assert templating.template_url_for("cases.index") == url_for("cases.index") == "/cases"
        assert templating.template_url_for("static", filename="app.css") == url_for(
            "static", filename="app.css"
        )
        # With arguments, a link is built each time and not kept (a case's link, a filter).
        assert templating.template_url_for("cases.detail", case_id=7) == "/cases/7"
        assert templating.template_url_for("cases.index", state="open") == "/cases?state=open"
        external = templating.template_url_for("static", filename="app.css", _external=True)
        assert external.startswith("http://localhost/")
    assert set(templating._CONSTANT_URLS) == {
        ("", "cases.index", None),
        ("", "static", "app.css"),
    }
    # The same app behind a prefix (SCRIPT_NAME) gets its own, prefixed, links.
    with app.test_request_context(base_url="http://localhost/thanhtra/"):
        assert templating.template_url_for("cases.index") == "/thanhtra/cases"
        assert render_template_string("{{ url_for('cases.index') }}") == "/thanhtra/cases"
    with app.test_request_context():
        assert render_template_string("{{ url_for('cases.index') }}") == "/cases"
    # Outside a request (a mail rendered by the scheduler) Flask builds it, as before.
    monkeypatch.setitem(app.config, "SERVER_NAME", "thanhtra.example")
    with app.app_context():
        assert templating.template_url_for("cases.index") == "http://thanhtra.example/cases"
