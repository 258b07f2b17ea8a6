"""The reporting circulars' forms as versioned data (`forms/*.json`): each version's in-force
dates, its cut-off rule with its citation, and its tables (rows, columns with their merged
headers and units, and the records each cell counts or sums). A new circular is a new file;
a report keeps the version (and a copy of its definition) it was made with.

A cell's query is data: `record` (inspection, case, payment), `where` (attribute terms: `name`,
`!name`, `name=a|b`, see `queries.RECORD_ATTRIBUTES`), `value` (`count`, `sum:<attribute>`,
`distinct:<attribute>`); a table's and a row's `where` narrow it further.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from inspect_app.core.errors import OperationError

FORMS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "forms")
VALUE_KINDS = ("count", "sum", "distinct")
RECORDS = ("inspection", "case", "payment")


@dataclass(frozen=True)
class FormVersion:
    """One version of the forms: its key ("TT06-2025"), the instrument, in-force dates, the
    periods and cut-off rule, and the tables (as loaded from the data file)."""

    key: str
    instrument: str
    short: str
    effective_from: date
    effective_to: date | None
    cutoff_citation: str
    periods: dict
    tables: tuple[dict, ...]

    def covers(self, day: date) -> bool:
        """Whether the version is in force on `day` (a period is reported under the version in
        force on its cut-off date)."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    @property
    def in_force_text(self) -> str:
        start = self.effective_from.strftime("%d/%m/%Y")
        if self.effective_to is None:
            return _("in force from %(start)s", start=start)
        end = self.effective_to.strftime("%d/%m/%Y")
        return _("in force from %(start)s to %(end)s", start=start, end=end)

    def definition(self) -> dict:
        """The version as plain data (what an issued report keeps)."""
        return {
            "key": self.key,
            "instrument": self.instrument,
            "short": self.short,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "cutoff_citation": self.cutoff_citation,
            "periods": self.periods,
            "tables": list(self.tables),
        }


class DefinitionError(ValueError):
    """A forms file that does not describe its tables correctly (found by `validate`)."""


def _check_terms(terms, where: str) -> None:
    if not isinstance(terms, list) or not all(isinstance(t, str) and t for t in terms):
        raise DefinitionError(f"{where}: 'where' must be a list of terms")


def validate(data: dict) -> None:
    """Refuse a forms file with a missing key, an unknown record or value, or duplicate keys."""
    for key in ("key", "instrument", "short", "effective_from", "cutoff_citation", "periods"):
        if not data.get(key):
            raise DefinitionError(f"{data.get('key')}: '{key}' is required")
    periods = data["periods"]
    for kind, months in periods["kinds"].items():
        if not (
            isinstance(months, list) and len(months) == 2 and 1 <= months[0] <= months[1] <= 12
        ):
            raise DefinitionError(f"{data['key']}: period {kind} needs [first month, last month]")
    codes = set()
    for table in data["tables"]:
        code = table["code"]
        if code in codes:
            raise DefinitionError(f"{data['key']}: table {code} twice")
        codes.add(code)
        _check_terms(table.get("where", []), code)
        row_keys = [r["key"] for r in table["rows"]]
        col_keys = [c["key"] for c in table["columns"]]
        if len(set(row_keys)) != len(row_keys) or len(set(col_keys)) != len(col_keys):
            raise DefinitionError(f"{code}: duplicate row or column key")
        if "total" in row_keys:
            raise DefinitionError(f"{code}: 'total' is the totals row's key")
        for row in table["rows"]:
            _check_terms(row.get("where", []), f"{code}/{row['key']}")
        for col in table["columns"]:
            if col["record"] not in RECORDS:
                raise DefinitionError(f"{code}/{col['key']}: unknown record {col['record']}")
            if col["value"].split(":")[0] not in VALUE_KINDS:
                raise DefinitionError(f"{code}/{col['key']}: unknown value {col['value']}")
            if not (1 <= len(col["head"]) <= 3) or not col.get("unit"):
                raise DefinitionError(f"{code}/{col['key']}: 1 to 3 header lines and a unit")
            _check_terms(col["where"], f"{code}/{col['key']}")


def _parse(data: dict) -> FormVersion:
    validate(data)
    return FormVersion(
        key=data["key"],
        instrument=data["instrument"],
        short=data["short"],
        effective_from=date.fromisoformat(data["effective_from"]),
        effective_to=date.fromisoformat(data["effective_to"]) if data.get("effective_to") else None,
        cutoff_citation=data["cutoff_citation"],
        periods=data["periods"],
        tables=tuple(data["tables"]),
    )


@functools.lru_cache(maxsize=1)
def versions() -> tuple[FormVersion, ...]:
    """Every version of the forms, oldest first (read once per process)."""
    loaded = []
    for name in sorted(os.listdir(FORMS_DIR)):
        if name.endswith(".json"):
            with open(os.path.join(FORMS_DIR, name), encoding="utf-8") as f:
                loaded.append(_parse(json.load(f)))
    return tuple(sorted(loaded, key=lambda v: v.effective_from))


def from_definition(data: dict) -> FormVersion:
    """A version from the copy a report keeps (so an issued report reads its own version)."""
    return _parse(data)


def by_key(key: str) -> FormVersion:
    """The version with this key; 422 with the known keys otherwise."""
    for version in versions():
        if version.key == key:
            return version
    raise OperationError(
        _(
            "There is no form version %(key)s. Known versions: %(known)s.",
            key=key,
            known=", ".join(v.key for v in versions()),
        ),
        field="version",
    )
