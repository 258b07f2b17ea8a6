# ruff: noqa: S608 - trigger and backfill SQL built from this module's own names and constants
# (bandit: each such line is marked nosec B608 for the same reason)
"""Running totals of the cases, kept by the database itself (triggers), so that the dashboard's
figures and the case list's counters cost the same whatever the number of cases.

Five small tables, each row a count (or sum) over the cases sharing its key:

- `dashboard_case_month`: cases per responsible unit, state, deadline month (yyyymm), whether
  the deadline is the last day of its month, local closing month (yyyymm; 0 unless accepted or
  withdrawn with a closing time) and timeliness (1 accepted on time, 2 accepted late, 0 other;
  `cases.queries.on_time_clause` / `late_clause`). Gives the monthly trend (overdue at a past
  month end: deadline before the last day of the month) of a part of the units, and the open
  cases due before the ageing window.
- `dashboard_month`: the same without the unit and timeliness: the trend of all units (a few
  hundred rows a year, against thousands per unit).
- `dashboard_case_year`: cases per deadline year, responsible unit, state and timeliness: the
  counters and the compliance per unit (a few hundred rows a year).
- `dashboard_open_day`: open cases per deadline day and responsible unit (0: every unit): the
  overdue cases due this month, and the working-day ageing (only the last weeks are read).
- `dashboard_recovery`: recovery recommendations (not withdrawn) per field of the inspection
  (0: every case, for the per-unit figures), responsible unit (0 with a field: every unit) and
  type: cases, recommended and recovered (sum of the payments), as
  `recovery.queries.recovery_rates` computes them.

Every write path (operations, imports, seeds, bulk SQL, tests' factories) changes them through
triggers on `recommendation`, `recovery_payment` and `inspection_field`: an update subtracts the
row's old contribution and adds the new one. The triggers are created with the tables
(`create_all`) and by the migration that added them; `rebuild()` recomputes everything from
the source tables (the migration's backfill, and the reference the tests compare with).
Rows whose count went back to 0 stay (at most one per key); readers ignore them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from inspect_app.cases.models import RECOVERY_TYPES, CaseState
from inspect_app.core import clock
from inspect_app.extensions import db


def _totals_table(name: str, keys: dict, values: dict, *indexes: sa.Index) -> sa.Table:
    """A table of running totals: its key columns are its primary key (without a rowid in
    SQLite: the key is the row, each total read from its index), its values never null.
    No foreign keys on purpose: a table nothing depends on is emptied after the source tables
    when every table is wiped children first (the tests), so the triggers' last updates land in
    a table that is then emptied too."""
    return sa.Table(
        name,
        db.metadata,
        *(sa.Column(column, kind, primary_key=True) for column, kind in keys.items()),
        *(sa.Column(column, kind, nullable=False) for column, kind in values.items()),
        *indexes,
        sqlite_with_rowid=False,
    )


UNIT, STATE, MONTH = {"unit_id": sa.Integer}, {"state": sa.String(30)}, sa.Integer
COUNT = {"n": sa.Integer}
case_month = _totals_table(
    "dashboard_case_month",
    UNIT
    | STATE
    | {
        "due_month": MONTH,
        "due_last_day": sa.SmallInteger,
        "closed_month": MONTH,
        "timeliness": sa.SmallInteger,
    },
    COUNT,
    # The dashboard reads a year of deadlines: every column, so the index alone answers.
    sa.Index(
        "ix_dashboard_case_month_due",
        "due_month",
        "state",
        "closed_month",
        "due_last_day",
        "timeliness",
        "unit_id",
        "n",
    ),
    # The open cases due before a month, per unit.
    sa.Index("ix_dashboard_case_month_state", "state", "due_month", "unit_id", "n"),
)
month = _totals_table(
    "dashboard_month",
    {"due_month": MONTH} | STATE | {"closed_month": MONTH, "due_last_day": sa.SmallInteger},
    COUNT,
)
case_year = _totals_table(
    "dashboard_case_year",
    {"due_year": sa.Integer} | UNIT | STATE | {"timeliness": sa.SmallInteger},
    COUNT,
)
open_day = _totals_table("dashboard_open_day", {"due_date": sa.Date} | UNIT, COUNT)
recovery = _totals_table(
    "dashboard_recovery",
    {"field_id": sa.Integer} | UNIT | {"type": sa.String(30)},
    {"cases": sa.Integer, "recommended": sa.Numeric(24, 2), "paid": sa.Numeric(24, 2)},
)

TABLES = (case_month, month, case_year, open_day, recovery)
ON_TIME, LATE = 1, 2
# The unit_id of totals over every unit (a field's recovery, a day's open cases): the
# leadership's figures read them instead of a row per unit.
ALL_UNITS = 0
CASES, PAYMENTS, FIELDS = "recommendation", "recovery_payment", "inspection_field"
# The case columns the figures depend on (an update of another column fires nothing).
CASE_COLUMNS = (
    "responsible_unit_id",
    "state",
    "due_date",
    "closed_at",
    "type",
    "amount_vnd",
    "area_m2",
    "inspection_id",
)


def _q(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


_SETTLED = _q((CaseState.ACCEPTED.value, CaseState.WITHDRAWN.value))
_RECOVERY = _q(t.value for t in RECOVERY_TYPES)


class _Sql:
    """The key expressions of a case row `x` (an alias or NEW/OLD) in one dialect."""

    def __init__(self, dialect: str):
        self.pg = dialect == "postgresql"

    def local_date(self, x: str) -> str:
        if self.pg:
            return f"CAST(timezone('{clock.ZONE.key}', {x}.closed_at) AS DATE)"
        # As cases.queries.local_date: the zone has a fixed offset (no daylight saving).
        offset = clock.ZONE.utcoffset(clock.now().replace(tzinfo=None))
        return f"date({x}.closed_at, '{int(offset.total_seconds() // 60):+d} minutes')"

    def month(self, day: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT(YEAR FROM {day}) * 100 + EXTRACT(MONTH FROM {day}) AS INTEGER)"
        return f"CAST(strftime('%Y%m', {day}) AS INTEGER)"

    def last_day(self, x: str) -> str:
        if self.pg:
            nxt = f"EXTRACT(MONTH FROM {x}.due_date + 1) <> EXTRACT(MONTH FROM {x}.due_date)"
        else:
            nxt = f"strftime('%m', {x}.due_date, '+1 day') <> strftime('%m', {x}.due_date)"
        return f"CASE WHEN {nxt} THEN 1 ELSE 0 END"

    def year(self, day: str) -> str:
        if self.pg:
            return f"CAST(EXTRACT(YEAR FROM {day}) AS INTEGER)"
        return f"CAST(strftime('%Y', {day}) AS INTEGER)"

    def timeliness(self, x: str) -> str:
        local = self.local_date(x)
        accepted = f"{x}.state = '{CaseState.ACCEPTED.value}'"
        return (
            f"CASE WHEN {accepted} AND {local} <= {x}.due_date THEN {ON_TIME}"
            f" WHEN {accepted} AND {local} > {x}.due_date THEN {LATE} ELSE 0 END"
        )

    def year_key(self, x: str) -> list[str]:
        """due_year, unit_id, state, timeliness of row `x`."""
        return [
            self.year(f"{x}.due_date"),
            f"{x}.responsible_unit_id",
            f"{x}.state",
            self.timeliness(x),
        ]

    def closed_month(self, x: str) -> str:
        return (
            f"CASE WHEN {x}.state IN ({_SETTLED}) AND {x}.closed_at IS NOT NULL"
            f" THEN {self.month(self.local_date(x))} ELSE 0 END"
        )

    def month_key(self, x: str) -> list[str]:
        """due_month, state, closed_month, due_last_day of row `x`."""
        return [self.month(f"{x}.due_date"), f"{x}.state", self.closed_month(x), self.last_day(x)]

    def case_key(self, x: str) -> list[str]:
        """unit_id, state, due_month, due_last_day, closed_month, timeliness of row `x`."""
        return [
            f"{x}.responsible_unit_id",
            f"{x}.state",
            self.month(f"{x}.due_date"),
            self.last_day(x),
            self.closed_month(x),
            self.timeliness(x),
        ]


def _upsert(table: sa.Table, select_sql: str) -> str:
    keys = [c.name for c in table.primary_key.columns]
    values = [c.name for c in table.columns if c.name not in keys]
    sets = ", ".join(f"{v} = {table.name}.{v} + excluded.{v}" for v in values)
    return (
        f"INSERT INTO {table.name} ({', '.join(keys + values)}) {select_sql}"  # nosec B608
        f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"
    )


# A contribution to one table: SELECTs of its rows, each (the column expressions in the
# table's order: keys, then values; the FROM / WHERE tail), joined by UNION ALL.
Part = tuple[list[str], str]


def _columns(table: sa.Table) -> list[str]:
    keys = [c.name for c in table.primary_key.columns]
    return keys + [c.name for c in table.columns if c.name not in keys]


def _select(table: sa.Table, parts: list[Part]) -> str:
    names = _columns(table)
    return " UNION ALL ".join(
        "SELECT " + ", ".join(f"{e} AS {n}" for e, n in zip(exprs, names, strict=True)) + f" {tail}"
        for exprs, tail in parts
    )


def _summed(table: sa.Table, selects: list[str]) -> str:
    """One statement adding the rows of `selects` (UNION ALL) summed per key, so that a key
    several rows share is written once, and in key order, so that two transactions moving
    cases between the same totals lock their rows in the same order (no deadlock on
    PostgreSQL)."""
    keys = [c.name for c in table.primary_key.columns]
    values = [c.name for c in table.columns if c.name not in keys]
    key_list = ", ".join(keys)
    return _upsert(
        table,
        f"SELECT {key_list}, {', '.join(f'SUM({v})' for v in values)}"  # nosec B608
        f" FROM ({' UNION ALL '.join(selects)}) d"
        f" WHERE 1 = 1 GROUP BY {key_list} ORDER BY {key_list}",
    )


def _change(table: sa.Table, old: list[Part], new: list[Part]) -> str:
    """One statement for a row's update: its old contribution taken away, its new one added."""
    return _summed(table, [_select(table, old), _select(table, new)])


def _of_each(table: sa.Table, parts: list[Part], x: str, rows: str) -> str:
    """The contributions of every row of transition table `rows` (PostgreSQL), each row
    named `x` as in a row trigger."""
    parts_sql = _select(table, parts)
    return f"SELECT part.* FROM {rows} {x} CROSS JOIN LATERAL ({parts_sql}) part"  # nosec B608


def _recovery_qualifies(x: str) -> str:
    return f"{x}.type IN ({_RECOVERY}) AND {x}.state <> '{CaseState.WITHDRAWN.value}'"


def _recommended(x: str) -> str:
    return f"COALESCE({x}.amount_vnd, 0) + COALESCE({x}.area_m2, 0)"


def _paid_of(case_id: str) -> str:
    return (
        f"(SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0)"  # nosec B608
        f" FROM {PAYMENTS} p WHERE p.case_id = {case_id})"
    )


def _case_parts(sql: _Sql, x: str, sign: int) -> dict[sa.Table, list[Part]]:
    """The contribution (sign 1) or its removal (-1) of case row `x`, per table."""
    qualifies = _recovery_qualifies(x)
    money = [f"{sign} * ({_recommended(x)})", f"{sign} * {_paid_of(x + '.id')}"]
    is_open = f"WHERE {x}.state = '{CaseState.OPEN.value}'"
    return {
        case_month: [([*sql.case_key(x), str(sign)], "WHERE 1 = 1")],
        month: [([*sql.month_key(x), str(sign)], "WHERE 1 = 1")],
        case_year: [([*sql.year_key(x), str(sign)], "WHERE 1 = 1")],
        open_day: [
            ([f"{x}.due_date", f"{x}.responsible_unit_id", str(sign)], is_open),
            ([f"{x}.due_date", str(ALL_UNITS), str(sign)], is_open),
        ],
        recovery: [
            (
                ["0", f"{x}.responsible_unit_id", f"{x}.type", str(sign), *money],
                f"WHERE {qualifies}",
            ),
            (
                ["i.field_id", "u.unit_id", f"{x}.type", str(sign), *money],
                f"FROM {FIELDS} i, (SELECT {x}.responsible_unit_id AS unit_id UNION ALL"
                f" SELECT {ALL_UNITS}) u"
                f" WHERE i.inspection_id = {x}.inspection_id AND {qualifies}",
            ),
        ],
    }


def _payment_parts(x: str, sign: int) -> dict[sa.Table, list[Part]]:
    """Payment row `x` added to (or taken from) its case's recovered totals."""
    amount = f"{sign} * ({_recommended(x)})"
    qualifies = _recovery_qualifies("c")
    return {
        recovery: [
            (
                ["0", "c.responsible_unit_id", "c.type", "0", "0", amount],
                f"FROM {CASES} c WHERE c.id = {x}.case_id AND {qualifies}",
            ),
            (
                ["i.field_id", "u.unit_id", "c.type", "0", "0", amount],
                f"FROM {CASES} c JOIN {FIELDS} i ON i.inspection_id = c.inspection_id"  # nosec B608
                f" JOIN (SELECT {x}.case_id AS case_id, c2.responsible_unit_id AS unit_id"
                f" FROM {CASES} c2 WHERE c2.id = {x}.case_id"
                f" UNION ALL SELECT {x}.case_id, {ALL_UNITS}) u ON u.case_id = c.id"
                f" WHERE c.id = {x}.case_id AND {qualifies}",
            ),
        ]
    }


def _field_parts(x: str, sign: int) -> dict[sa.Table, list[Part]]:
    """The recovery cases of an inspection added to (or taken from) one of its fields."""
    return {
        recovery: [
            (
                [
                    f"{x}.field_id",
                    "u.unit_id",
                    "c.type",
                    f"{sign} * COUNT(*)",
                    f"{sign} * SUM({_recommended('c')})",
                    f"{sign} * SUM({_paid_of('c.id')})",
                ],
                f"FROM {CASES} c JOIN (SELECT DISTINCT responsible_unit_id AS id,"  # nosec B608
                f" responsible_unit_id AS unit_id FROM {CASES}"
                f" WHERE inspection_id = {x}.inspection_id"
                f" UNION ALL SELECT DISTINCT responsible_unit_id, {ALL_UNITS} FROM {CASES}"
                f" WHERE inspection_id = {x}.inspection_id) u ON u.id = c.responsible_unit_id"
                f" WHERE c.inspection_id = {x}.inspection_id"
                f" AND {_recovery_qualifies('c')} GROUP BY u.unit_id, c.type",
            )
        ]
    }


# PostgreSQL's statement triggers see the statement's rows as these transition tables, each
# row named as NEW / OLD in a row trigger.
OLD_ROWS, NEW_ROWS = "old_rows", "new_rows"
OLD_ROW, NEW_ROW = "old_row", "new_row"


def _triggers(sql: _Sql) -> list[tuple[str, str, str, list[str], str]]:
    """(name, table, event, statements, rows) of every trigger: an insert adds the rows'
    contribution, a delete takes it away, an update does both in one statement per table.
    `rows` names the transition table a statement trigger reads ("" for a row trigger).

    Updates run for each row that changed a watched column (`UPDATE OF`), on both databases.
    On PostgreSQL inserts and deletes run once per statement over its transition table: row by
    row, the thousand rows of one bulk insert updated the same few total rows a thousand times
    in one transaction, each update slower than the last (every version of a row stays until
    the transaction ends: 10,000 imported cases took 20 s). Updates stay row triggers there:
    a statement trigger can't name the columns it watches, so every update of a case (the
    sweep's escalation steps) would pay for its transition tables (the sweep of 100,000 cases
    took 10% longer)."""
    columns = ", ".join(CASE_COLUMNS)
    payment_columns = "case_id, amount_vnd, area_m2"
    result = []
    for table, prefix, build, update_of in (
        (CASES, "dash_case", lambda x, s: _case_parts(sql, x, s), columns),
        (PAYMENTS, "dash_payment", _payment_parts, payment_columns),
        (FIELDS, "dash_field", _field_parts, "inspection_id, field_id"),
    ):
        added, removed = build("NEW", 1), build("OLD", -1)
        if sql.pg:  # (NEW and OLD are PL/pgSQL's variables: a row of a transition table has
            # a name of its own)
            inserted = [
                _summed(t, [_of_each(t, p, NEW_ROW, NEW_ROWS)])
                for t, p in build(NEW_ROW, 1).items()
            ]
            deleted = [
                _summed(t, [_of_each(t, p, OLD_ROW, OLD_ROWS)])
                for t, p in build(OLD_ROW, -1).items()
            ]
            seen = (NEW_ROWS, OLD_ROWS)
        else:
            inserted = [_upsert(t, _select(t, p)) for t, p in added.items()]
            deleted = [_upsert(t, _select(t, p)) for t, p in removed.items()]
            seen = ("", "")
        result += [
            (f"{prefix}_ins", table, "INSERT", inserted, seen[0]),
            (f"{prefix}_del", table, "DELETE", deleted, seen[1]),
            (
                f"{prefix}_upd",
                table,
                f"UPDATE OF {update_of}",
                [_change(t, removed[t], added[t]) for t in added],
                "",
            ),
        ]
    return result


def trigger_names() -> set[str]:
    """The names of the triggers (the same on both databases)."""
    return {name for name, *_rest in _triggers(_Sql("sqlite"))}


def trigger_ddl(dialect: str) -> list[str]:
    """The statements creating (or replacing) the triggers on `dialect`."""
    sql = _Sql(dialect)
    out = []
    for name, table, when, statements, rows in _triggers(sql):
        body = "; ".join(statements)
        if sql.pg:
            out.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
                f" BEGIN {body}; RETURN NULL; END $$"
            )
            out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            if rows:
                kind = "NEW" if rows == NEW_ROWS else "OLD"
                each = f"REFERENCING {kind} TABLE AS {rows} FOR EACH STATEMENT"
            else:
                each = "FOR EACH ROW"
            out.append(
                f"CREATE TRIGGER {name} AFTER {when} ON {table} {each} EXECUTE FUNCTION {name}()"
            )
        else:
            out.append(f"DROP TRIGGER IF EXISTS {name}")
            out.append(f"CREATE TRIGGER {name} AFTER {when} ON {table} BEGIN {body}; END")
    return out


def drop_ddl(dialect: str) -> list[str]:
    out = []
    for name, table, *_rest in _triggers(_Sql(dialect)):
        if dialect == "postgresql":
            out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            out.append(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            out.append(f"DROP TRIGGER IF EXISTS {name}")
    return out


def fresh_rows(dialect: str) -> dict[str, str]:
    """Per table, the SELECT computing its rows from the source tables."""
    sql = _Sql(dialect)
    key = sql.case_key("c")
    return {
        case_month.name: f"SELECT {', '.join(key)}, COUNT(*) FROM {CASES} c"  # nosec B608
        f" GROUP BY {', '.join(key)}",
        month.name: f"SELECT {', '.join(sql.month_key('c'))}, COUNT(*) FROM {CASES} c"  # nosec B608
        f" GROUP BY {', '.join(sql.month_key('c'))}",
        case_year.name: f"SELECT {', '.join(sql.year_key('c'))}, COUNT(*) FROM {CASES} c"  # nosec B608
        f" GROUP BY {', '.join(sql.year_key('c'))}",
        open_day.name: f"SELECT c.due_date, c.responsible_unit_id, COUNT(*) FROM {CASES} c"  # nosec B608
        f" WHERE c.state = '{CaseState.OPEN.value}' GROUP BY c.due_date, c.responsible_unit_id"
        f" UNION ALL SELECT c.due_date, {ALL_UNITS}, COUNT(*) FROM {CASES} c"
        f" WHERE c.state = '{CaseState.OPEN.value}' GROUP BY c.due_date",
        recovery.name: f"SELECT f.field_id, c.responsible_unit_id, c.type, COUNT(*),"  # nosec B608
        f" SUM({_recommended('c')}), SUM({_paid_of('c.id')})"
        f" FROM {CASES} c JOIN (SELECT 0 AS field_id, id AS inspection_id FROM inspection"
        f" UNION ALL SELECT field_id, inspection_id FROM {FIELDS}) f"
        f" ON f.inspection_id = c.inspection_id WHERE {_recovery_qualifies('c')}"
        f" GROUP BY f.field_id, c.responsible_unit_id, c.type"
        f" UNION ALL SELECT f.field_id, {ALL_UNITS}, c.type, COUNT(*),"
        f" SUM({_recommended('c')}), SUM({_paid_of('c.id')})"
        f" FROM {CASES} c JOIN {FIELDS} f ON f.inspection_id = c.inspection_id"
        f" WHERE {_recovery_qualifies('c')} GROUP BY f.field_id, c.type",
    }


def rebuild(connection) -> None:
    """Recompute the three tables from the cases, payments and inspection fields."""
    for table in TABLES:
        connection.execute(table.delete())
    for name, select_sql in fresh_rows(connection.dialect.name).items():
        table = {t.name: t for t in TABLES}[name]
        columns = ", ".join(c.name for c in table.columns)
        connection.exec_driver_sql(f"INSERT INTO {name} ({columns}) {select_sql}")


@event.listens_for(db.metadata, "after_create")
def _create_triggers(target, connection, **kw) -> None:
    for statement in trigger_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


@event.listens_for(db.metadata, "before_drop")
def _drop_triggers(target, connection, **kw) -> None:
    names = set(sa.inspect(connection).get_table_names())
    if {CASES, PAYMENTS, FIELDS} <= names:
        for statement in drop_ddl(connection.dialect.name):
            connection.exec_driver_sql(statement)
