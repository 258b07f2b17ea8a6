"""Versions of cached data sets: a token per data set (e.g. the dashboard's figures), kept in the
shared cache (extensions.cache, Redis in production) and replaced after every commit that wrote
to one of the tables the data set is computed from. Cache keys carry the token, so entries of
the old one are never read again, by any worker or process, and expire on their own.

A feature declares its data set with `watch(app, name, tables)`; the session notes the tables
each transaction writes (ORM flushes and INSERT/UPDATE/DELETE statements alike) and, once the
transaction has committed, replaces the tokens of the data sets it touched. Bumped after the
commit, never before: a reader that computed from the old rows stored its result under the old
token."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from inspect_app.extensions import cache, db

WRITTEN = "written_tables"  # session.info: the tables written by the current transaction


def init_app(app: Flask) -> None:
    app.extensions["cache_versions"] = {}
    for name, listener in (
        ("before_flush", _note_flush),
        ("do_orm_execute", _note_statement),
        ("after_commit", _bump_after_commit),
        ("after_soft_rollback", _forget),
    ):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)


def watch(app: Flask, name: str, tables: Iterable[str]) -> None:
    """Data set `name` is computed from `tables`: a commit writing to any of them renews it."""
    app.extensions["cache_versions"][name] = frozenset(tables)


def version(name: str) -> str:
    """The current token of data set `name` (a new one when the cache has none, e.g. after a
    Redis restart: nothing stored before can then be taken for current)."""
    key = f"version:{name}"
    token = cache.get(key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(key, token, timeout=0):  # another worker set one first: use it
            token = cache.get(key) or token
    return token


def bump(name: str) -> None:
    """Renew data set `name`: every entry keyed with its previous token is out of date."""
    cache.set(f"version:{name}", uuid.uuid4().hex, timeout=0)


def _written(session: Session) -> set[str]:
    return session.info.setdefault(WRITTEN, set())


# Columns that stamp a row's change (when, and the optimistic lock) without being data any set
# is computed from: a row whose only change is its stamp (a progress report touches its case
# so that two concurrent writes conflict) renews no data set.
STAMPS = frozenset({"updated_at", "version"})


def _note_flush(session: Session, _context, _instances) -> None:
    written = _written(session)
    for obj in (*session.new, *session.deleted):
        written.update(t.name for t in inspect(obj).mapper.tables)
    for obj in session.dirty:
        state = inspect(obj)
        changed = {a.key for a in state.attrs if a.history.has_changes()}
        if changed - STAMPS:
            written.update(t.name for t in state.mapper.tables)


def _note_statement(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and getattr(table, "name", None):
            _written(state.session).add(table.name)


def _bump_after_commit(session: Session) -> None:
    written = session.info.pop(WRITTEN, None)
    if not written or not has_app_context():
        return
    for name, tables in current_app.extensions.get("cache_versions", {}).items():
        if written & tables:
            bump(name)


def _forget(session: Session, previous: SessionTransaction) -> None:
    """A rolled-back transaction changed nothing (a savepoint's rollback keeps the outer
    transaction's tables: they may still commit)."""
    if not previous.nested:
        session.info.pop(WRITTEN, None)
