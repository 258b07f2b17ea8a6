"""Extensions created unbound and bound to the app in create_app."""

from __future__ import annotations

import sqlite3
from functools import cached_property
from types import SimpleNamespace

from flask import g
from flask_babel import Babel, Domain
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
htmx = Htmx()
csrf = CSRFProtect()


def _babel_context() -> SimpleNamespace | None:
    """The namespace Flask-Babel keeps on `g` (locale, translations), None outside an app
    context. Two lookups of `g`, where Flask-Babel's own helper makes three."""
    try:
        return g._flask_babel
    except AttributeError:
        g._flask_babel = SimpleNamespace()
        return g._flask_babel
    except RuntimeError:  # no app context
        return None


class RequestDomain(Domain):
    """Flask-Babel's message domain, with a request's translations found once a request.

    Flask-Babel 4 finds them again for every message (six lookups of `g` and the locale
    selector's cache key): a case list of 85 messages and 60 lazy labels spent about 1.5 ms of
    its 10 there. They are kept in `babel_translations`, the attribute `force_locale` (the
    recipient's language of a mail) sets aside and restores, and `refresh` clears.
    """

    def get_translations(self):
        ctx = _babel_context()
        if ctx is None:
            return super().get_translations()
        translations = getattr(ctx, "babel_translations", None)
        if translations is None:
            translations = ctx.babel_translations = super().get_translations()
        return translations


class RequestBabel(Babel):
    """Flask-Babel with `RequestDomain`, its templates' `_` and `ngettext` reading it directly."""

    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)

    def init_app(self, app, *args, **kwargs):
        super().init_app(app, *args, **kwargs)

        def translations():
            return self.domain_instance.get_translations()

        app.jinja_env.install_gettext_callables(
            gettext=lambda s: translations().ugettext(s),
            ngettext=lambda s, p, n: translations().ungettext(s, p, n),
            pgettext=lambda c, s: translations().upgettext(c, s),
            npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
            newstyle=True,
        )


babel = RequestBabel()
# Shared by every worker when CACHE_TYPE is RedisCache (see config.Config).
cache = Cache()
limiter = Limiter(key_func=get_remote_address)


SQLITE_BUSY_MS = 30_000


@event.listens_for(Engine, "connect")
def _sqlite_connection(dbapi_connection, _record) -> None:
    """Two things every SQLite connection needs (other drivers are untouched):

    - SQLite's built-in lower() folds ASCII only; searches must fold "Đ" and "Ấ" too, as
      PostgreSQL does, so it is replaced.
    - A write transaction starts with BEGIN IMMEDIATE, taking the write lock (waiting up to
      the driver's busy timeout) before it reads. With the default deferred BEGIN, a request
      that read under a shared lock and then wants to write while another worker commits is
      refused at once with "database is locked": SQLite will not wait where waiting could
      deadlock. Reads outside a transaction are unaffected.
    - The wait for the write lock is 30 s (the driver's default is 5 s): issuing a document
      holds it while the PDF is drawn, signed and time-stamped, and a request queued behind it
      should wait, not fail.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(
            "lower", 1, lambda s: s.lower() if isinstance(s, str) else s, deterministic=True
        )
        dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        dbapi_connection.isolation_level = "IMMEDIATE"


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint(conn, _name) -> None:
    """A SAVEPOINT outside a transaction opens a deferred one in SQLite, and the driver then
    sends no BEGIN IMMEDIATE before the first write: a savepoint that reads before it writes
    (an insert guarded by a unique key) would be refused as locked, as above. Open the write
    transaction first, waiting for the lock like any other write."""
    dbapi_connection = conn.connection.driver_connection
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN IMMEDIATE")
