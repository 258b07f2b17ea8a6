"""Search as Vietnamese users type: one normaliser (`fold`) for stored texts and typed needles.

"Thu hồi", "THU HOI" and "thu hoi" are the same search: lowercase, diacritics removed, "đ" read
as "d", NFC or NFD input alike, runs of white space as one space. Searchable records keep the
folded text of their searched fields in a `search_text` column (`Searchable`), computed here in
Python, so SQLite and PostgreSQL compare the same strings and give the same hits; PostgreSQL
indexes the column with a trigram GIN index (LIKE '%...%' uses it), SQLite scans it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import ClassVar

from markupsafe import Markup, escape
from sqlalchemy import DDL, Index, Text, bindparam, event, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, mapped_column

from inspect_app.extensions import db

_SPACE = re.compile(r"\s+")
MAX_NEEDLE = 100


# Per character, remembered: a page highlights hundreds of texts (the list's 50 rows, several
# columns each) drawn from a few hundred distinct letters; decomposing each anew cost as much
# as the rest of the page.
@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d"
    if char.isspace():
        return " "
    decomposed = unicodedata.normalize("NFD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold(text: str | None) -> str:
    """The searchable form of `text`: lowercase, no diacritics, "đ" as "d", one space."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    return _SPACE.sub(" ", "".join(map(_fold_char, text))).strip()


def _fold_with_positions(text: str) -> tuple[str, list[int]]:
    """`fold(text)` without the final strip, and for each of its characters the index of the
    character of `text` (taken NFC) it comes from: to find a match back in the original."""
    out: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        if piece == " " and out and out[-1] == " ":
            continue
        for c in piece:
            out.append(c)
            positions.append(index)
    return "".join(out), positions


def highlight(text: str | None, needle: str | None) -> Markup:
    """`text` escaped, each place that matches `needle` the way the search does in <mark>."""
    if not text:
        return Markup("")
    folded_needle = fold(needle)[:MAX_NEEDLE]
    if not folded_needle:
        return escape(text)
    text = unicodedata.normalize("NFC", text)
    if folded_needle not in fold(text):  # most cells of a page: no position map needed
        return escape(text)
    folded, positions = _fold_with_positions(text)
    parts: list[str] = []
    start = 0  # in `text`
    at = folded.find(folded_needle)
    while at != -1:
        begin = positions[at]
        end = positions[at + len(folded_needle) - 1] + 1
        parts.append(escape(text[start:begin]))
        parts.append(Markup("<mark>%s</mark>") % text[begin:end])
        start = end
        at = folded.find(folded_needle, at + len(folded_needle))
    parts.append(escape(text[start:]))
    return Markup("").join(parts)


def matches(column, needle: str):
    """The SQL condition "the folded `column` contains the folded `needle`" (% and _ literal)."""
    return column.contains(fold(needle)[:MAX_NEEDLE], autoescape=True)


class Searchable:
    """A record found by the search: `search_text` is the folded text of `search_source()`,
    kept current whenever the record is inserted or updated through the ORM. Set-based writes
    that bypass the ORM (insert()/update() statements) call `refresh_search_text` after."""

    #: the columns `search_source()` reads: a change to one of them refreshes the text
    SEARCH_FIELDS: ClassVar[tuple[str, ...]] = ()

    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")

    def search_source(self) -> list[str | None]:
        """The texts the search looks in (each model says which)."""
        raise NotImplementedError

    @staticmethod
    def search_index(name: str) -> Index:
        """The trigram GIN index that LIKE '%...%' uses on PostgreSQL (a plain index on
        SQLite, which scans the column anyway)."""
        return Index(
            name,
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )

    def refresh_search(self) -> None:
        self.search_text = fold(" ".join(t for t in self.search_source() if t))


# The trigram operator class comes from PostgreSQL's pg_trgm extension (contrib, shipped with
# the server); the migration creates it too.
event.listen(
    db.metadata,
    "before_create",
    DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)


@event.listens_for(Searchable, "before_insert", propagate=True)
def _fill_search_text(mapper, connection, target) -> None:
    target.refresh_search()


@event.listens_for(Searchable, "before_update", propagate=True)
def _keep_search_text(mapper, connection, target) -> None:
    # Only when a searched field changed: other updates (a state, a version) read nothing more.
    state = sa_inspect(target)
    if any(state.attrs[name].history.has_changes() for name in target.SEARCH_FIELDS):
        target.refresh_search()


def refresh_search_text(model, ids=None, batch: int = 1000) -> int:
    """Recompute `search_text` of `model`'s rows (those of `ids`, or all) from their fields,
    for set-based writes and the migration's backfill; returns how many rows were written."""
    stmt = select(model).order_by(model.id)
    if ids is not None:
        stmt = stmt.where(model.id.in_(list(ids)))
    rows = []
    for obj in db.session.execute(stmt).scalars():
        folded = fold(" ".join(t for t in obj.search_source() if t))
        if folded != obj.search_text:
            rows.append({"b_id": obj.id, "b_text": folded})
    # A table-level UPDATE: the folded text is no change of the record (its version stays).
    table = model.__table__
    write = (
        update(table).where(table.c.id == bindparam("b_id")).values(search_text=bindparam("b_text"))
    )
    for start in range(0, len(rows), batch):
        db.session.execute(write, rows[start : start + batch])
    db.session.expire_all()
    return len(rows)
