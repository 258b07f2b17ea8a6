"""The dashboard's running totals (dashboard.rollup): cases per unit, state and deadline month,
the same for all units, per deadline year, open cases per deadline day, recovery totals per
field; kept by triggers on recommendation, recovery_payment and inspection_field, and built
here from the existing rows.

Revision ID: 4c1d2e3f5a60
Revises: a3c9e2f41b07
Create Date: 2026-12-01 19:40:00

The trigger and backfill SQL below is a copy of what `inspect_app.dashboard.rollup` generated
when this revision was written (the revision must not change when the module does).
"""

import sqlalchemy as sa
from alembic import op

revision = "4c1d2e3f5a60"
down_revision = "a3c9e2f41b07"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = ['DROP TRIGGER IF EXISTS dash_case_ins',
 'CREATE TRIGGER dash_case_ins AFTER INSERT ON recommendation BEGIN INSERT INTO '
 'dashboard_case_month (unit_id, state, due_month, due_last_day, closed_month, timeliness, n) '
 "SELECT NEW.responsible_unit_id AS unit_id, NEW.state AS state, CAST(strftime('%Y%m', "
 "NEW.due_date) AS INTEGER) AS due_month, CASE WHEN strftime('%m', NEW.due_date, '+1 day') <> "
 "strftime('%m', NEW.due_date) THEN 1 ELSE 0 END AS due_last_day, CASE WHEN NEW.state IN "
 "('accepted', 'withdrawn') AND NEW.closed_at IS NOT NULL THEN CAST(strftime('%Y%m', "
 "date(NEW.closed_at, '+420 minutes')) AS INTEGER) ELSE 0 END AS closed_month, CASE WHEN NEW.state "
 "= 'accepted' AND date(NEW.closed_at, '+420 minutes') <= NEW.due_date THEN 1 WHEN NEW.state = "
 "'accepted' AND date(NEW.closed_at, '+420 minutes') > NEW.due_date THEN 2 ELSE 0 END AS "
 'timeliness, 1 AS n WHERE 1 = 1 ON CONFLICT (unit_id, state, due_month, due_last_day, '
 'closed_month, timeliness) DO UPDATE SET n = dashboard_case_month.n + excluded.n; INSERT INTO '
 "dashboard_month (due_month, state, closed_month, due_last_day, n) SELECT CAST(strftime('%Y%m', "
 "NEW.due_date) AS INTEGER) AS due_month, NEW.state AS state, CASE WHEN NEW.state IN ('accepted', "
 "'withdrawn') AND NEW.closed_at IS NOT NULL THEN CAST(strftime('%Y%m', date(NEW.closed_at, '+420 "
 "minutes')) AS INTEGER) ELSE 0 END AS closed_month, CASE WHEN strftime('%m', NEW.due_date, '+1 "
 "day') <> strftime('%m', NEW.due_date) THEN 1 ELSE 0 END AS due_last_day, 1 AS n WHERE 1 = 1 ON "
 'CONFLICT (due_month, state, closed_month, due_last_day) DO UPDATE SET n = dashboard_month.n + '
 'excluded.n; INSERT INTO dashboard_case_year (due_year, unit_id, state, timeliness, n) SELECT '
 "CAST(strftime('%Y', NEW.due_date) AS INTEGER) AS due_year, NEW.responsible_unit_id AS unit_id, "
 "NEW.state AS state, CASE WHEN NEW.state = 'accepted' AND date(NEW.closed_at, '+420 minutes') <= "
 "NEW.due_date THEN 1 WHEN NEW.state = 'accepted' AND date(NEW.closed_at, '+420 minutes') > "
 'NEW.due_date THEN 2 ELSE 0 END AS timeliness, 1 AS n WHERE 1 = 1 ON CONFLICT (due_year, unit_id, '
 'state, timeliness) DO UPDATE SET n = dashboard_case_year.n + excluded.n; INSERT INTO '
 'dashboard_open_day (due_date, unit_id, n) SELECT NEW.due_date AS due_date, '
 "NEW.responsible_unit_id AS unit_id, 1 AS n WHERE NEW.state = 'open' UNION ALL SELECT "
 "NEW.due_date AS due_date, 0 AS unit_id, 1 AS n WHERE NEW.state = 'open' ON CONFLICT (due_date, "
 'unit_id) DO UPDATE SET n = dashboard_open_day.n + excluded.n; INSERT INTO dashboard_recovery '
 '(field_id, unit_id, type, cases, recommended, paid) SELECT 0 AS field_id, '
 'NEW.responsible_unit_id AS unit_id, NEW.type AS type, 1 AS cases, 1 * (COALESCE(NEW.amount_vnd, '
 '0) + COALESCE(NEW.area_m2, 0)) AS recommended, 1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, '
 '0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = NEW.id) AS paid WHERE '
 "NEW.type IN ('recovery', 'recovery_assets', 'recovery_land') AND NEW.state <> 'withdrawn' UNION "
 'ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, NEW.type AS type, 1 AS cases, 1 * '
 '(COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS recommended, 1 * (SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = NEW.id) AS paid FROM inspection_field i, (SELECT NEW.responsible_unit_id AS '
 'unit_id UNION ALL SELECT 0) u WHERE i.inspection_id = NEW.inspection_id AND NEW.type IN '
 "('recovery', 'recovery_assets', 'recovery_land') AND NEW.state <> 'withdrawn' ON CONFLICT "
 '(field_id, unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + excluded.cases, '
 'recommended = dashboard_recovery.recommended + excluded.recommended, paid = '
 'dashboard_recovery.paid + excluded.paid; END',
 'DROP TRIGGER IF EXISTS dash_case_del',
 'CREATE TRIGGER dash_case_del AFTER DELETE ON recommendation BEGIN INSERT INTO '
 'dashboard_case_month (unit_id, state, due_month, due_last_day, closed_month, timeliness, n) '
 "SELECT OLD.responsible_unit_id AS unit_id, OLD.state AS state, CAST(strftime('%Y%m', "
 "OLD.due_date) AS INTEGER) AS due_month, CASE WHEN strftime('%m', OLD.due_date, '+1 day') <> "
 "strftime('%m', OLD.due_date) THEN 1 ELSE 0 END AS due_last_day, CASE WHEN OLD.state IN "
 "('accepted', 'withdrawn') AND OLD.closed_at IS NOT NULL THEN CAST(strftime('%Y%m', "
 "date(OLD.closed_at, '+420 minutes')) AS INTEGER) ELSE 0 END AS closed_month, CASE WHEN OLD.state "
 "= 'accepted' AND date(OLD.closed_at, '+420 minutes') <= OLD.due_date THEN 1 WHEN OLD.state = "
 "'accepted' AND date(OLD.closed_at, '+420 minutes') > OLD.due_date THEN 2 ELSE 0 END AS "
 'timeliness, -1 AS n WHERE 1 = 1 ON CONFLICT (unit_id, state, due_month, due_last_day, '
 'closed_month, timeliness) DO UPDATE SET n = dashboard_case_month.n + excluded.n; INSERT INTO '
 "dashboard_month (due_month, state, closed_month, due_last_day, n) SELECT CAST(strftime('%Y%m', "
 "OLD.due_date) AS INTEGER) AS due_month, OLD.state AS state, CASE WHEN OLD.state IN ('accepted', "
 "'withdrawn') AND OLD.closed_at IS NOT NULL THEN CAST(strftime('%Y%m', date(OLD.closed_at, '+420 "
 "minutes')) AS INTEGER) ELSE 0 END AS closed_month, CASE WHEN strftime('%m', OLD.due_date, '+1 "
 "day') <> strftime('%m', OLD.due_date) THEN 1 ELSE 0 END AS due_last_day, -1 AS n WHERE 1 = 1 ON "
 'CONFLICT (due_month, state, closed_month, due_last_day) DO UPDATE SET n = dashboard_month.n + '
 'excluded.n; INSERT INTO dashboard_case_year (due_year, unit_id, state, timeliness, n) SELECT '
 "CAST(strftime('%Y', OLD.due_date) AS INTEGER) AS due_year, OLD.responsible_unit_id AS unit_id, "
 "OLD.state AS state, CASE WHEN OLD.state = 'accepted' AND date(OLD.closed_at, '+420 minutes') <= "
 "OLD.due_date THEN 1 WHEN OLD.state = 'accepted' AND date(OLD.closed_at, '+420 minutes') > "
 'OLD.due_date THEN 2 ELSE 0 END AS timeliness, -1 AS n WHERE 1 = 1 ON CONFLICT (due_year, '
 'unit_id, state, timeliness) DO UPDATE SET n = dashboard_case_year.n + excluded.n; INSERT INTO '
 'dashboard_open_day (due_date, unit_id, n) SELECT OLD.due_date AS due_date, '
 "OLD.responsible_unit_id AS unit_id, -1 AS n WHERE OLD.state = 'open' UNION ALL SELECT "
 "OLD.due_date AS due_date, 0 AS unit_id, -1 AS n WHERE OLD.state = 'open' ON CONFLICT (due_date, "
 'unit_id) DO UPDATE SET n = dashboard_open_day.n + excluded.n; INSERT INTO dashboard_recovery '
 '(field_id, unit_id, type, cases, recommended, paid) SELECT 0 AS field_id, '
 'OLD.responsible_unit_id AS unit_id, OLD.type AS type, -1 AS cases, -1 * '
 '(COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS recommended, -1 * (SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 "WHERE p.case_id = OLD.id) AS paid WHERE OLD.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND OLD.state <> 'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id "
 'AS unit_id, OLD.type AS type, -1 AS cases, -1 * (COALESCE(OLD.amount_vnd, 0) + '
 'COALESCE(OLD.area_m2, 0)) AS recommended, -1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + '
 'COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = OLD.id) AS paid FROM '
 'inspection_field i, (SELECT OLD.responsible_unit_id AS unit_id UNION ALL SELECT 0) u WHERE '
 "i.inspection_id = OLD.inspection_id AND OLD.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND OLD.state <> 'withdrawn' ON CONFLICT (field_id, unit_id, type) DO UPDATE "
 'SET cases = dashboard_recovery.cases + excluded.cases, recommended = '
 'dashboard_recovery.recommended + excluded.recommended, paid = dashboard_recovery.paid + '
 'excluded.paid; END',
 'DROP TRIGGER IF EXISTS dash_case_upd',
 'CREATE TRIGGER dash_case_upd AFTER UPDATE OF responsible_unit_id, state, due_date, closed_at, '
 'type, amount_vnd, area_m2, inspection_id ON recommendation BEGIN INSERT INTO '
 'dashboard_case_month (unit_id, state, due_month, due_last_day, closed_month, timeliness, n) '
 'SELECT unit_id, state, due_month, due_last_day, closed_month, timeliness, SUM(n) FROM (SELECT '
 "OLD.responsible_unit_id AS unit_id, OLD.state AS state, CAST(strftime('%Y%m', OLD.due_date) AS "
 "INTEGER) AS due_month, CASE WHEN strftime('%m', OLD.due_date, '+1 day') <> strftime('%m', "
 "OLD.due_date) THEN 1 ELSE 0 END AS due_last_day, CASE WHEN OLD.state IN ('accepted', "
 "'withdrawn') AND OLD.closed_at IS NOT NULL THEN CAST(strftime('%Y%m', date(OLD.closed_at, '+420 "
 "minutes')) AS INTEGER) ELSE 0 END AS closed_month, CASE WHEN OLD.state = 'accepted' AND "
 "date(OLD.closed_at, '+420 minutes') <= OLD.due_date THEN 1 WHEN OLD.state = 'accepted' AND "
 "date(OLD.closed_at, '+420 minutes') > OLD.due_date THEN 2 ELSE 0 END AS timeliness, -1 AS n "
 'WHERE 1 = 1 UNION ALL SELECT NEW.responsible_unit_id AS unit_id, NEW.state AS state, '
 "CAST(strftime('%Y%m', NEW.due_date) AS INTEGER) AS due_month, CASE WHEN strftime('%m', "
 "NEW.due_date, '+1 day') <> strftime('%m', NEW.due_date) THEN 1 ELSE 0 END AS due_last_day, CASE "
 "WHEN NEW.state IN ('accepted', 'withdrawn') AND NEW.closed_at IS NOT NULL THEN "
 "CAST(strftime('%Y%m', date(NEW.closed_at, '+420 minutes')) AS INTEGER) ELSE 0 END AS "
 "closed_month, CASE WHEN NEW.state = 'accepted' AND date(NEW.closed_at, '+420 minutes') <= "
 "NEW.due_date THEN 1 WHEN NEW.state = 'accepted' AND date(NEW.closed_at, '+420 minutes') > "
 'NEW.due_date THEN 2 ELSE 0 END AS timeliness, 1 AS n WHERE 1 = 1) d WHERE 1 = 1 GROUP BY '
 'unit_id, state, due_month, due_last_day, closed_month, timeliness ORDER BY unit_id, state, '
 'due_month, due_last_day, closed_month, timeliness ON CONFLICT (unit_id, state, due_month, '
 'due_last_day, closed_month, timeliness) DO UPDATE SET n = dashboard_case_month.n + excluded.n; '
 'INSERT INTO dashboard_month (due_month, state, closed_month, due_last_day, n) SELECT due_month, '
 "state, closed_month, due_last_day, SUM(n) FROM (SELECT CAST(strftime('%Y%m', OLD.due_date) AS "
 "INTEGER) AS due_month, OLD.state AS state, CASE WHEN OLD.state IN ('accepted', 'withdrawn') AND "
 "OLD.closed_at IS NOT NULL THEN CAST(strftime('%Y%m', date(OLD.closed_at, '+420 minutes')) AS "
 "INTEGER) ELSE 0 END AS closed_month, CASE WHEN strftime('%m', OLD.due_date, '+1 day') <> "
 "strftime('%m', OLD.due_date) THEN 1 ELSE 0 END AS due_last_day, -1 AS n WHERE 1 = 1 UNION ALL "
 "SELECT CAST(strftime('%Y%m', NEW.due_date) AS INTEGER) AS due_month, NEW.state AS state, CASE "
 "WHEN NEW.state IN ('accepted', 'withdrawn') AND NEW.closed_at IS NOT NULL THEN "
 "CAST(strftime('%Y%m', date(NEW.closed_at, '+420 minutes')) AS INTEGER) ELSE 0 END AS "
 "closed_month, CASE WHEN strftime('%m', NEW.due_date, '+1 day') <> strftime('%m', NEW.due_date) "
 'THEN 1 ELSE 0 END AS due_last_day, 1 AS n WHERE 1 = 1) d WHERE 1 = 1 GROUP BY due_month, state, '
 'closed_month, due_last_day ORDER BY due_month, state, closed_month, due_last_day ON CONFLICT '
 '(due_month, state, closed_month, due_last_day) DO UPDATE SET n = dashboard_month.n + excluded.n; '
 'INSERT INTO dashboard_case_year (due_year, unit_id, state, timeliness, n) SELECT due_year, '
 "unit_id, state, timeliness, SUM(n) FROM (SELECT CAST(strftime('%Y', OLD.due_date) AS INTEGER) AS "
 'due_year, OLD.responsible_unit_id AS unit_id, OLD.state AS state, CASE WHEN OLD.state = '
 "'accepted' AND date(OLD.closed_at, '+420 minutes') <= OLD.due_date THEN 1 WHEN OLD.state = "
 "'accepted' AND date(OLD.closed_at, '+420 minutes') > OLD.due_date THEN 2 ELSE 0 END AS "
 "timeliness, -1 AS n WHERE 1 = 1 UNION ALL SELECT CAST(strftime('%Y', NEW.due_date) AS INTEGER) "
 'AS due_year, NEW.responsible_unit_id AS unit_id, NEW.state AS state, CASE WHEN NEW.state = '
 "'accepted' AND date(NEW.closed_at, '+420 minutes') <= NEW.due_date THEN 1 WHEN NEW.state = "
 "'accepted' AND date(NEW.closed_at, '+420 minutes') > NEW.due_date THEN 2 ELSE 0 END AS "
 'timeliness, 1 AS n WHERE 1 = 1) d WHERE 1 = 1 GROUP BY due_year, unit_id, state, timeliness '
 'ORDER BY due_year, unit_id, state, timeliness ON CONFLICT (due_year, unit_id, state, timeliness) '
 'DO UPDATE SET n = dashboard_case_year.n + excluded.n; INSERT INTO dashboard_open_day (due_date, '
 'unit_id, n) SELECT due_date, unit_id, SUM(n) FROM (SELECT OLD.due_date AS due_date, '
 "OLD.responsible_unit_id AS unit_id, -1 AS n WHERE OLD.state = 'open' UNION ALL SELECT "
 "OLD.due_date AS due_date, 0 AS unit_id, -1 AS n WHERE OLD.state = 'open' UNION ALL SELECT "
 "NEW.due_date AS due_date, NEW.responsible_unit_id AS unit_id, 1 AS n WHERE NEW.state = 'open' "
 "UNION ALL SELECT NEW.due_date AS due_date, 0 AS unit_id, 1 AS n WHERE NEW.state = 'open') d "
 'WHERE 1 = 1 GROUP BY due_date, unit_id ORDER BY due_date, unit_id ON CONFLICT (due_date, '
 'unit_id) DO UPDATE SET n = dashboard_open_day.n + excluded.n; INSERT INTO dashboard_recovery '
 '(field_id, unit_id, type, cases, recommended, paid) SELECT field_id, unit_id, type, SUM(cases), '
 'SUM(recommended), SUM(paid) FROM (SELECT 0 AS field_id, OLD.responsible_unit_id AS unit_id, '
 'OLD.type AS type, -1 AS cases, -1 * (COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS '
 'recommended, -1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) '
 "FROM recovery_payment p WHERE p.case_id = OLD.id) AS paid WHERE OLD.type IN ('recovery', "
 "'recovery_assets', 'recovery_land') AND OLD.state <> 'withdrawn' UNION ALL SELECT i.field_id AS "
 'field_id, u.unit_id AS unit_id, OLD.type AS type, -1 AS cases, -1 * (COALESCE(OLD.amount_vnd, 0) '
 '+ COALESCE(OLD.area_m2, 0)) AS recommended, -1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) '
 '+ COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = OLD.id) AS paid FROM '
 'inspection_field i, (SELECT OLD.responsible_unit_id AS unit_id UNION ALL SELECT 0) u WHERE '
 "i.inspection_id = OLD.inspection_id AND OLD.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND OLD.state <> 'withdrawn' UNION ALL SELECT 0 AS field_id, "
 'NEW.responsible_unit_id AS unit_id, NEW.type AS type, 1 AS cases, 1 * (COALESCE(NEW.amount_vnd, '
 '0) + COALESCE(NEW.area_m2, 0)) AS recommended, 1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, '
 '0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = NEW.id) AS paid WHERE '
 "NEW.type IN ('recovery', 'recovery_assets', 'recovery_land') AND NEW.state <> 'withdrawn' UNION "
 'ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, NEW.type AS type, 1 AS cases, 1 * '
 '(COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS recommended, 1 * (SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = NEW.id) AS paid FROM inspection_field i, (SELECT NEW.responsible_unit_id AS '
 'unit_id UNION ALL SELECT 0) u WHERE i.inspection_id = NEW.inspection_id AND NEW.type IN '
 "('recovery', 'recovery_assets', 'recovery_land') AND NEW.state <> 'withdrawn') d WHERE 1 = 1 "
 'GROUP BY field_id, unit_id, type ORDER BY field_id, unit_id, type ON CONFLICT (field_id, '
 'unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + excluded.cases, recommended = '
 'dashboard_recovery.recommended + excluded.recommended, paid = dashboard_recovery.paid + '
 'excluded.paid; END',
 'DROP TRIGGER IF EXISTS dash_payment_ins',
 'CREATE TRIGGER dash_payment_ins AFTER INSERT ON recovery_payment BEGIN INSERT INTO '
 'dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT 0 AS field_id, '
 'c.responsible_unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS recommended, 1 * '
 '(COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS paid FROM recommendation c WHERE '
 "c.id = NEW.case_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 0 AS "
 'cases, 0 AS recommended, 1 * (COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS paid '
 'FROM recommendation c JOIN inspection_field i ON i.inspection_id = c.inspection_id JOIN (SELECT '
 'NEW.case_id AS case_id, c2.responsible_unit_id AS unit_id FROM recommendation c2 WHERE c2.id = '
 'NEW.case_id UNION ALL SELECT NEW.case_id, 0) u ON u.case_id = c.id WHERE c.id = NEW.case_id AND '
 "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' ON "
 'CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + '
 'excluded.cases, recommended = dashboard_recovery.recommended + excluded.recommended, paid = '
 'dashboard_recovery.paid + excluded.paid; END',
 'DROP TRIGGER IF EXISTS dash_payment_del',
 'CREATE TRIGGER dash_payment_del AFTER DELETE ON recovery_payment BEGIN INSERT INTO '
 'dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT 0 AS field_id, '
 'c.responsible_unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS recommended, -1 * '
 '(COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS paid FROM recommendation c WHERE '
 "c.id = OLD.case_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 0 AS "
 'cases, 0 AS recommended, -1 * (COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS paid '
 'FROM recommendation c JOIN inspection_field i ON i.inspection_id = c.inspection_id JOIN (SELECT '
 'OLD.case_id AS case_id, c2.responsible_unit_id AS unit_id FROM recommendation c2 WHERE c2.id = '
 'OLD.case_id UNION ALL SELECT OLD.case_id, 0) u ON u.case_id = c.id WHERE c.id = OLD.case_id AND '
 "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' ON "
 'CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + '
 'excluded.cases, recommended = dashboard_recovery.recommended + excluded.recommended, paid = '
 'dashboard_recovery.paid + excluded.paid; END',
 'DROP TRIGGER IF EXISTS dash_payment_upd',
 'CREATE TRIGGER dash_payment_upd AFTER UPDATE OF case_id, amount_vnd, area_m2 ON recovery_payment '
 'BEGIN INSERT INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT '
 'field_id, unit_id, type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT 0 AS field_id, '
 'c.responsible_unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS recommended, -1 * '
 '(COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS paid FROM recommendation c WHERE '
 "c.id = OLD.case_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 0 AS "
 'cases, 0 AS recommended, -1 * (COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS paid '
 'FROM recommendation c JOIN inspection_field i ON i.inspection_id = c.inspection_id JOIN (SELECT '
 'OLD.case_id AS case_id, c2.responsible_unit_id AS unit_id FROM recommendation c2 WHERE c2.id = '
 'OLD.case_id UNION ALL SELECT OLD.case_id, 0) u ON u.case_id = c.id WHERE c.id = OLD.case_id AND '
 "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' UNION ALL "
 'SELECT 0 AS field_id, c.responsible_unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS '
 'recommended, 1 * (COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS paid FROM '
 "recommendation c WHERE c.id = NEW.case_id AND c.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND c.state <> 'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id "
 'AS unit_id, c.type AS type, 0 AS cases, 0 AS recommended, 1 * (COALESCE(NEW.amount_vnd, 0) + '
 'COALESCE(NEW.area_m2, 0)) AS paid FROM recommendation c JOIN inspection_field i ON '
 'i.inspection_id = c.inspection_id JOIN (SELECT NEW.case_id AS case_id, c2.responsible_unit_id AS '
 'unit_id FROM recommendation c2 WHERE c2.id = NEW.case_id UNION ALL SELECT NEW.case_id, 0) u ON '
 "u.case_id = c.id WHERE c.id = NEW.case_id AND c.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND c.state <> 'withdrawn') d WHERE 1 = 1 GROUP BY field_id, unit_id, type "
 'ORDER BY field_id, unit_id, type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = '
 'dashboard_recovery.cases + excluded.cases, recommended = dashboard_recovery.recommended + '
 'excluded.recommended, paid = dashboard_recovery.paid + excluded.paid; END',
 'DROP TRIGGER IF EXISTS dash_field_ins',
 'CREATE TRIGGER dash_field_ins AFTER INSERT ON inspection_field BEGIN INSERT INTO '
 'dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT NEW.field_id AS '
 'field_id, u.unit_id AS unit_id, c.type AS type, 1 * COUNT(*) AS cases, 1 * '
 'SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)) AS recommended, 1 * SUM((SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = c.id)) AS paid FROM recommendation c JOIN (SELECT DISTINCT responsible_unit_id '
 'AS id, responsible_unit_id AS unit_id FROM recommendation WHERE inspection_id = '
 'NEW.inspection_id UNION ALL SELECT DISTINCT responsible_unit_id, 0 FROM recommendation WHERE '
 'inspection_id = NEW.inspection_id) u ON u.id = c.responsible_unit_id WHERE c.inspection_id = '
 "NEW.inspection_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' GROUP BY u.unit_id, c.type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases "
 '= dashboard_recovery.cases + excluded.cases, recommended = dashboard_recovery.recommended + '
 'excluded.recommended, paid = dashboard_recovery.paid + excluded.paid; END',
 'DROP TRIGGER IF EXISTS dash_field_del',
 'CREATE TRIGGER dash_field_del AFTER DELETE ON inspection_field BEGIN INSERT INTO '
 'dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT OLD.field_id AS '
 'field_id, u.unit_id AS unit_id, c.type AS type, -1 * COUNT(*) AS cases, -1 * '
 'SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)) AS recommended, -1 * SUM((SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = c.id)) AS paid FROM recommendation c JOIN (SELECT DISTINCT responsible_unit_id '
 'AS id, responsible_unit_id AS unit_id FROM recommendation WHERE inspection_id = '
 'OLD.inspection_id UNION ALL SELECT DISTINCT responsible_unit_id, 0 FROM recommendation WHERE '
 'inspection_id = OLD.inspection_id) u ON u.id = c.responsible_unit_id WHERE c.inspection_id = '
 "OLD.inspection_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' GROUP BY u.unit_id, c.type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases "
 '= dashboard_recovery.cases + excluded.cases, recommended = dashboard_recovery.recommended + '
 'excluded.recommended, paid = dashboard_recovery.paid + excluded.paid; END',
 'DROP TRIGGER IF EXISTS dash_field_upd',
 'CREATE TRIGGER dash_field_upd AFTER UPDATE OF inspection_id, field_id ON inspection_field BEGIN '
 'INSERT INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT '
 'field_id, unit_id, type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT OLD.field_id AS '
 'field_id, u.unit_id AS unit_id, c.type AS type, -1 * COUNT(*) AS cases, -1 * '
 'SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)) AS recommended, -1 * SUM((SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = c.id)) AS paid FROM recommendation c JOIN (SELECT DISTINCT responsible_unit_id '
 'AS id, responsible_unit_id AS unit_id FROM recommendation WHERE inspection_id = '
 'OLD.inspection_id UNION ALL SELECT DISTINCT responsible_unit_id, 0 FROM recommendation WHERE '
 'inspection_id = OLD.inspection_id) u ON u.id = c.responsible_unit_id WHERE c.inspection_id = '
 "OLD.inspection_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' GROUP BY u.unit_id, c.type UNION ALL SELECT NEW.field_id AS field_id, u.unit_id AS "
 'unit_id, c.type AS type, 1 * COUNT(*) AS cases, 1 * SUM(COALESCE(c.amount_vnd, 0) + '
 'COALESCE(c.area_m2, 0)) AS recommended, 1 * SUM((SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + '
 'COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = c.id)) AS paid FROM '
 'recommendation c JOIN (SELECT DISTINCT responsible_unit_id AS id, responsible_unit_id AS unit_id '
 'FROM recommendation WHERE inspection_id = NEW.inspection_id UNION ALL SELECT DISTINCT '
 'responsible_unit_id, 0 FROM recommendation WHERE inspection_id = NEW.inspection_id) u ON u.id = '
 "c.responsible_unit_id WHERE c.inspection_id = NEW.inspection_id AND c.type IN ('recovery', "
 "'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' GROUP BY u.unit_id, c.type) d "
 'WHERE 1 = 1 GROUP BY field_id, unit_id, type ORDER BY field_id, unit_id, type ON CONFLICT '
 '(field_id, unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + excluded.cases, '
 'recommended = dashboard_recovery.recommended + excluded.recommended, paid = '
 'dashboard_recovery.paid + excluded.paid; END']

SQLITE_DROP = ['DROP TRIGGER IF EXISTS dash_case_ins',
 'DROP TRIGGER IF EXISTS dash_case_del',
 'DROP TRIGGER IF EXISTS dash_case_upd',
 'DROP TRIGGER IF EXISTS dash_payment_ins',
 'DROP TRIGGER IF EXISTS dash_payment_del',
 'DROP TRIGGER IF EXISTS dash_payment_upd',
 'DROP TRIGGER IF EXISTS dash_field_ins',
 'DROP TRIGGER IF EXISTS dash_field_del',
 'DROP TRIGGER IF EXISTS dash_field_upd']

SQLITE_FRESH = {'dashboard_case_month': "SELECT c.responsible_unit_id, c.state, CAST(strftime('%Y%m', "
                         "c.due_date) AS INTEGER), CASE WHEN strftime('%m', c.due_date, '+1 "
                         "day') <> strftime('%m', c.due_date) THEN 1 ELSE 0 END, CASE WHEN "
                         "c.state IN ('accepted', 'withdrawn') AND c.closed_at IS NOT NULL "
                         "THEN CAST(strftime('%Y%m', date(c.closed_at, '+420 minutes')) AS "
                         "INTEGER) ELSE 0 END, CASE WHEN c.state = 'accepted' AND "
                         "date(c.closed_at, '+420 minutes') <= c.due_date THEN 1 WHEN c.state "
                         "= 'accepted' AND date(c.closed_at, '+420 minutes') > c.due_date THEN "
                         '2 ELSE 0 END, COUNT(*) FROM recommendation c GROUP BY '
                         "c.responsible_unit_id, c.state, CAST(strftime('%Y%m', c.due_date) AS "
                         "INTEGER), CASE WHEN strftime('%m', c.due_date, '+1 day') <> "
                         "strftime('%m', c.due_date) THEN 1 ELSE 0 END, CASE WHEN c.state IN "
                         "('accepted', 'withdrawn') AND c.closed_at IS NOT NULL THEN "
                         "CAST(strftime('%Y%m', date(c.closed_at, '+420 minutes')) AS INTEGER) "
                         "ELSE 0 END, CASE WHEN c.state = 'accepted' AND date(c.closed_at, "
                         "'+420 minutes') <= c.due_date THEN 1 WHEN c.state = 'accepted' AND "
                         "date(c.closed_at, '+420 minutes') > c.due_date THEN 2 ELSE 0 END",
 'dashboard_case_year': "SELECT CAST(strftime('%Y', c.due_date) AS INTEGER), "
                        "c.responsible_unit_id, c.state, CASE WHEN c.state = 'accepted' AND "
                        "date(c.closed_at, '+420 minutes') <= c.due_date THEN 1 WHEN c.state = "
                        "'accepted' AND date(c.closed_at, '+420 minutes') > c.due_date THEN 2 "
                        'ELSE 0 END, COUNT(*) FROM recommendation c GROUP BY '
                        "CAST(strftime('%Y', c.due_date) AS INTEGER), c.responsible_unit_id, "
                        "c.state, CASE WHEN c.state = 'accepted' AND date(c.closed_at, '+420 "
                        "minutes') <= c.due_date THEN 1 WHEN c.state = 'accepted' AND "
                        "date(c.closed_at, '+420 minutes') > c.due_date THEN 2 ELSE 0 END",
 'dashboard_month': "SELECT CAST(strftime('%Y%m', c.due_date) AS INTEGER), c.state, CASE WHEN "
                    "c.state IN ('accepted', 'withdrawn') AND c.closed_at IS NOT NULL THEN "
                    "CAST(strftime('%Y%m', date(c.closed_at, '+420 minutes')) AS INTEGER) ELSE "
                    "0 END, CASE WHEN strftime('%m', c.due_date, '+1 day') <> strftime('%m', "
                    'c.due_date) THEN 1 ELSE 0 END, COUNT(*) FROM recommendation c GROUP BY '
                    "CAST(strftime('%Y%m', c.due_date) AS INTEGER), c.state, CASE WHEN c.state "
                    "IN ('accepted', 'withdrawn') AND c.closed_at IS NOT NULL THEN "
                    "CAST(strftime('%Y%m', date(c.closed_at, '+420 minutes')) AS INTEGER) ELSE "
                    "0 END, CASE WHEN strftime('%m', c.due_date, '+1 day') <> strftime('%m', "
                    'c.due_date) THEN 1 ELSE 0 END',
 'dashboard_open_day': 'SELECT c.due_date, c.responsible_unit_id, COUNT(*) FROM recommendation '
                       "c WHERE c.state = 'open' GROUP BY c.due_date, c.responsible_unit_id "
                       'UNION ALL SELECT c.due_date, 0, COUNT(*) FROM recommendation c WHERE '
                       "c.state = 'open' GROUP BY c.due_date",
 'dashboard_recovery': 'SELECT f.field_id, c.responsible_unit_id, c.type, COUNT(*), '
                       'SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)), SUM((SELECT '
                       'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) '
                       'FROM recovery_payment p WHERE p.case_id = c.id)) FROM recommendation c '
                       'JOIN (SELECT 0 AS field_id, id AS inspection_id FROM inspection UNION '
                       'ALL SELECT field_id, inspection_id FROM inspection_field) f ON '
                       "f.inspection_id = c.inspection_id WHERE c.type IN ('recovery', "
                       "'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' GROUP "
                       'BY f.field_id, c.responsible_unit_id, c.type UNION ALL SELECT '
                       'f.field_id, 0, c.type, COUNT(*), SUM(COALESCE(c.amount_vnd, 0) + '
                       'COALESCE(c.area_m2, 0)), SUM((SELECT '
                       'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) '
                       'FROM recovery_payment p WHERE p.case_id = c.id)) FROM recommendation c '
                       'JOIN inspection_field f ON f.inspection_id = c.inspection_id WHERE '
                       "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state "
                       "<> 'withdrawn' GROUP BY f.field_id, c.type"}

PG_TRIGGERS = ['CREATE OR REPLACE FUNCTION dash_case_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO dashboard_case_month (unit_id, state, due_month, due_last_day, closed_month, timeliness, n) '
 'SELECT NEW.responsible_unit_id AS unit_id, NEW.state AS state, CAST(EXTRACT(YEAR FROM '
 'NEW.due_date) * 100 + EXTRACT(MONTH FROM NEW.due_date) AS INTEGER) AS due_month, CASE WHEN '
 'EXTRACT(MONTH FROM NEW.due_date + 1) <> EXTRACT(MONTH FROM NEW.due_date) THEN 1 ELSE 0 END AS '
 "due_last_day, CASE WHEN NEW.state IN ('accepted', 'withdrawn') AND NEW.closed_at IS NOT NULL "
 "THEN CAST(EXTRACT(YEAR FROM CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE)) * 100 + "
 "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE)) AS INTEGER) ELSE 0 "
 "END AS closed_month, CASE WHEN NEW.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', "
 "NEW.closed_at) AS DATE) <= NEW.due_date THEN 1 WHEN NEW.state = 'accepted' AND "
 "CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE) > NEW.due_date THEN 2 ELSE 0 END AS "
 'timeliness, 1 AS n WHERE 1 = 1 ON CONFLICT (unit_id, state, due_month, due_last_day, '
 'closed_month, timeliness) DO UPDATE SET n = dashboard_case_month.n + excluded.n; INSERT INTO '
 'dashboard_month (due_month, state, closed_month, due_last_day, n) SELECT CAST(EXTRACT(YEAR FROM '
 'NEW.due_date) * 100 + EXTRACT(MONTH FROM NEW.due_date) AS INTEGER) AS due_month, NEW.state AS '
 "state, CASE WHEN NEW.state IN ('accepted', 'withdrawn') AND NEW.closed_at IS NOT NULL THEN "
 "CAST(EXTRACT(YEAR FROM CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE)) * 100 + "
 "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE)) AS INTEGER) ELSE 0 "
 'END AS closed_month, CASE WHEN EXTRACT(MONTH FROM NEW.due_date + 1) <> EXTRACT(MONTH FROM '
 'NEW.due_date) THEN 1 ELSE 0 END AS due_last_day, 1 AS n WHERE 1 = 1 ON CONFLICT (due_month, '
 'state, closed_month, due_last_day) DO UPDATE SET n = dashboard_month.n + excluded.n; INSERT INTO '
 'dashboard_case_year (due_year, unit_id, state, timeliness, n) SELECT CAST(EXTRACT(YEAR FROM '
 'NEW.due_date) AS INTEGER) AS due_year, NEW.responsible_unit_id AS unit_id, NEW.state AS state, '
 "CASE WHEN NEW.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE) "
 "<= NEW.due_date THEN 1 WHEN NEW.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', "
 'NEW.closed_at) AS DATE) > NEW.due_date THEN 2 ELSE 0 END AS timeliness, 1 AS n WHERE 1 = 1 ON '
 'CONFLICT (due_year, unit_id, state, timeliness) DO UPDATE SET n = dashboard_case_year.n + '
 'excluded.n; INSERT INTO dashboard_open_day (due_date, unit_id, n) SELECT NEW.due_date AS '
 "due_date, NEW.responsible_unit_id AS unit_id, 1 AS n WHERE NEW.state = 'open' UNION ALL SELECT "
 "NEW.due_date AS due_date, 0 AS unit_id, 1 AS n WHERE NEW.state = 'open' ON CONFLICT (due_date, "
 'unit_id) DO UPDATE SET n = dashboard_open_day.n + excluded.n; INSERT INTO dashboard_recovery '
 '(field_id, unit_id, type, cases, recommended, paid) SELECT 0 AS field_id, '
 'NEW.responsible_unit_id AS unit_id, NEW.type AS type, 1 AS cases, 1 * (COALESCE(NEW.amount_vnd, '
 '0) + COALESCE(NEW.area_m2, 0)) AS recommended, 1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, '
 '0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = NEW.id) AS paid WHERE '
 "NEW.type IN ('recovery', 'recovery_assets', 'recovery_land') AND NEW.state <> 'withdrawn' UNION "
 'ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, NEW.type AS type, 1 AS cases, 1 * '
 '(COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS recommended, 1 * (SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = NEW.id) AS paid FROM inspection_field i, (SELECT NEW.responsible_unit_id AS '
 'unit_id UNION ALL SELECT 0) u WHERE i.inspection_id = NEW.inspection_id AND NEW.type IN '
 "('recovery', 'recovery_assets', 'recovery_land') AND NEW.state <> 'withdrawn' ON CONFLICT "
 '(field_id, unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + excluded.cases, '
 'recommended = dashboard_recovery.recommended + excluded.recommended, paid = '
 'dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_case_ins ON recommendation',
 'CREATE TRIGGER dash_case_ins AFTER INSERT ON recommendation FOR EACH ROW EXECUTE FUNCTION '
 'dash_case_ins()',
 'CREATE OR REPLACE FUNCTION dash_case_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO dashboard_case_month (unit_id, state, due_month, due_last_day, closed_month, timeliness, n) '
 'SELECT OLD.responsible_unit_id AS unit_id, OLD.state AS state, CAST(EXTRACT(YEAR FROM '
 'OLD.due_date) * 100 + EXTRACT(MONTH FROM OLD.due_date) AS INTEGER) AS due_month, CASE WHEN '
 'EXTRACT(MONTH FROM OLD.due_date + 1) <> EXTRACT(MONTH FROM OLD.due_date) THEN 1 ELSE 0 END AS '
 "due_last_day, CASE WHEN OLD.state IN ('accepted', 'withdrawn') AND OLD.closed_at IS NOT NULL "
 "THEN CAST(EXTRACT(YEAR FROM CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE)) * 100 + "
 "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE)) AS INTEGER) ELSE 0 "
 "END AS closed_month, CASE WHEN OLD.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', "
 "OLD.closed_at) AS DATE) <= OLD.due_date THEN 1 WHEN OLD.state = 'accepted' AND "
 "CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE) > OLD.due_date THEN 2 ELSE 0 END AS "
 'timeliness, -1 AS n WHERE 1 = 1 ON CONFLICT (unit_id, state, due_month, due_last_day, '
 'closed_month, timeliness) DO UPDATE SET n = dashboard_case_month.n + excluded.n; INSERT INTO '
 'dashboard_month (due_month, state, closed_month, due_last_day, n) SELECT CAST(EXTRACT(YEAR FROM '
 'OLD.due_date) * 100 + EXTRACT(MONTH FROM OLD.due_date) AS INTEGER) AS due_month, OLD.state AS '
 "state, CASE WHEN OLD.state IN ('accepted', 'withdrawn') AND OLD.closed_at IS NOT NULL THEN "
 "CAST(EXTRACT(YEAR FROM CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE)) * 100 + "
 "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE)) AS INTEGER) ELSE 0 "
 'END AS closed_month, CASE WHEN EXTRACT(MONTH FROM OLD.due_date + 1) <> EXTRACT(MONTH FROM '
 'OLD.due_date) THEN 1 ELSE 0 END AS due_last_day, -1 AS n WHERE 1 = 1 ON CONFLICT (due_month, '
 'state, closed_month, due_last_day) DO UPDATE SET n = dashboard_month.n + excluded.n; INSERT INTO '
 'dashboard_case_year (due_year, unit_id, state, timeliness, n) SELECT CAST(EXTRACT(YEAR FROM '
 'OLD.due_date) AS INTEGER) AS due_year, OLD.responsible_unit_id AS unit_id, OLD.state AS state, '
 "CASE WHEN OLD.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE) "
 "<= OLD.due_date THEN 1 WHEN OLD.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', "
 'OLD.closed_at) AS DATE) > OLD.due_date THEN 2 ELSE 0 END AS timeliness, -1 AS n WHERE 1 = 1 ON '
 'CONFLICT (due_year, unit_id, state, timeliness) DO UPDATE SET n = dashboard_case_year.n + '
 'excluded.n; INSERT INTO dashboard_open_day (due_date, unit_id, n) SELECT OLD.due_date AS '
 "due_date, OLD.responsible_unit_id AS unit_id, -1 AS n WHERE OLD.state = 'open' UNION ALL SELECT "
 "OLD.due_date AS due_date, 0 AS unit_id, -1 AS n WHERE OLD.state = 'open' ON CONFLICT (due_date, "
 'unit_id) DO UPDATE SET n = dashboard_open_day.n + excluded.n; INSERT INTO dashboard_recovery '
 '(field_id, unit_id, type, cases, recommended, paid) SELECT 0 AS field_id, '
 'OLD.responsible_unit_id AS unit_id, OLD.type AS type, -1 AS cases, -1 * '
 '(COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS recommended, -1 * (SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 "WHERE p.case_id = OLD.id) AS paid WHERE OLD.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND OLD.state <> 'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id "
 'AS unit_id, OLD.type AS type, -1 AS cases, -1 * (COALESCE(OLD.amount_vnd, 0) + '
 'COALESCE(OLD.area_m2, 0)) AS recommended, -1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + '
 'COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = OLD.id) AS paid FROM '
 'inspection_field i, (SELECT OLD.responsible_unit_id AS unit_id UNION ALL SELECT 0) u WHERE '
 "i.inspection_id = OLD.inspection_id AND OLD.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND OLD.state <> 'withdrawn' ON CONFLICT (field_id, unit_id, type) DO UPDATE "
 'SET cases = dashboard_recovery.cases + excluded.cases, recommended = '
 'dashboard_recovery.recommended + excluded.recommended, paid = dashboard_recovery.paid + '
 'excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_case_del ON recommendation',
 'CREATE TRIGGER dash_case_del AFTER DELETE ON recommendation FOR EACH ROW EXECUTE FUNCTION '
 'dash_case_del()',
 'CREATE OR REPLACE FUNCTION dash_case_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO dashboard_case_month (unit_id, state, due_month, due_last_day, closed_month, timeliness, n) '
 'SELECT unit_id, state, due_month, due_last_day, closed_month, timeliness, SUM(n) FROM (SELECT '
 'OLD.responsible_unit_id AS unit_id, OLD.state AS state, CAST(EXTRACT(YEAR FROM OLD.due_date) * '
 '100 + EXTRACT(MONTH FROM OLD.due_date) AS INTEGER) AS due_month, CASE WHEN EXTRACT(MONTH FROM '
 'OLD.due_date + 1) <> EXTRACT(MONTH FROM OLD.due_date) THEN 1 ELSE 0 END AS due_last_day, CASE '
 "WHEN OLD.state IN ('accepted', 'withdrawn') AND OLD.closed_at IS NOT NULL THEN CAST(EXTRACT(YEAR "
 "FROM CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE)) * 100 + EXTRACT(MONTH FROM "
 "CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE)) AS INTEGER) ELSE 0 END AS "
 "closed_month, CASE WHEN OLD.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', "
 "OLD.closed_at) AS DATE) <= OLD.due_date THEN 1 WHEN OLD.state = 'accepted' AND "
 "CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE) > OLD.due_date THEN 2 ELSE 0 END AS "
 'timeliness, -1 AS n WHERE 1 = 1 UNION ALL SELECT NEW.responsible_unit_id AS unit_id, NEW.state '
 'AS state, CAST(EXTRACT(YEAR FROM NEW.due_date) * 100 + EXTRACT(MONTH FROM NEW.due_date) AS '
 'INTEGER) AS due_month, CASE WHEN EXTRACT(MONTH FROM NEW.due_date + 1) <> EXTRACT(MONTH FROM '
 "NEW.due_date) THEN 1 ELSE 0 END AS due_last_day, CASE WHEN NEW.state IN ('accepted', "
 "'withdrawn') AND NEW.closed_at IS NOT NULL THEN CAST(EXTRACT(YEAR FROM "
 "CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE)) * 100 + EXTRACT(MONTH FROM "
 "CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE)) AS INTEGER) ELSE 0 END AS "
 "closed_month, CASE WHEN NEW.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', "
 "NEW.closed_at) AS DATE) <= NEW.due_date THEN 1 WHEN NEW.state = 'accepted' AND "
 "CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE) > NEW.due_date THEN 2 ELSE 0 END AS "
 'timeliness, 1 AS n WHERE 1 = 1) d WHERE 1 = 1 GROUP BY unit_id, state, due_month, due_last_day, '
 'closed_month, timeliness ORDER BY unit_id, state, due_month, due_last_day, closed_month, '
 'timeliness ON CONFLICT (unit_id, state, due_month, due_last_day, closed_month, timeliness) DO '
 'UPDATE SET n = dashboard_case_month.n + excluded.n; INSERT INTO dashboard_month (due_month, '
 'state, closed_month, due_last_day, n) SELECT due_month, state, closed_month, due_last_day, '
 'SUM(n) FROM (SELECT CAST(EXTRACT(YEAR FROM OLD.due_date) * 100 + EXTRACT(MONTH FROM '
 "OLD.due_date) AS INTEGER) AS due_month, OLD.state AS state, CASE WHEN OLD.state IN ('accepted', "
 "'withdrawn') AND OLD.closed_at IS NOT NULL THEN CAST(EXTRACT(YEAR FROM "
 "CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE)) * 100 + EXTRACT(MONTH FROM "
 "CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE)) AS INTEGER) ELSE 0 END AS "
 'closed_month, CASE WHEN EXTRACT(MONTH FROM OLD.due_date + 1) <> EXTRACT(MONTH FROM OLD.due_date) '
 'THEN 1 ELSE 0 END AS due_last_day, -1 AS n WHERE 1 = 1 UNION ALL SELECT CAST(EXTRACT(YEAR FROM '
 'NEW.due_date) * 100 + EXTRACT(MONTH FROM NEW.due_date) AS INTEGER) AS due_month, NEW.state AS '
 "state, CASE WHEN NEW.state IN ('accepted', 'withdrawn') AND NEW.closed_at IS NOT NULL THEN "
 "CAST(EXTRACT(YEAR FROM CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE)) * 100 + "
 "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE)) AS INTEGER) ELSE 0 "
 'END AS closed_month, CASE WHEN EXTRACT(MONTH FROM NEW.due_date + 1) <> EXTRACT(MONTH FROM '
 'NEW.due_date) THEN 1 ELSE 0 END AS due_last_day, 1 AS n WHERE 1 = 1) d WHERE 1 = 1 GROUP BY '
 'due_month, state, closed_month, due_last_day ORDER BY due_month, state, closed_month, '
 'due_last_day ON CONFLICT (due_month, state, closed_month, due_last_day) DO UPDATE SET n = '
 'dashboard_month.n + excluded.n; INSERT INTO dashboard_case_year (due_year, unit_id, state, '
 'timeliness, n) SELECT due_year, unit_id, state, timeliness, SUM(n) FROM (SELECT '
 'CAST(EXTRACT(YEAR FROM OLD.due_date) AS INTEGER) AS due_year, OLD.responsible_unit_id AS '
 "unit_id, OLD.state AS state, CASE WHEN OLD.state = 'accepted' AND "
 "CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE) <= OLD.due_date THEN 1 WHEN OLD.state "
 "= 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', OLD.closed_at) AS DATE) > OLD.due_date THEN 2 "
 'ELSE 0 END AS timeliness, -1 AS n WHERE 1 = 1 UNION ALL SELECT CAST(EXTRACT(YEAR FROM '
 'NEW.due_date) AS INTEGER) AS due_year, NEW.responsible_unit_id AS unit_id, NEW.state AS state, '
 "CASE WHEN NEW.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', NEW.closed_at) AS DATE) "
 "<= NEW.due_date THEN 1 WHEN NEW.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', "
 'NEW.closed_at) AS DATE) > NEW.due_date THEN 2 ELSE 0 END AS timeliness, 1 AS n WHERE 1 = 1) d '
 'WHERE 1 = 1 GROUP BY due_year, unit_id, state, timeliness ORDER BY due_year, unit_id, state, '
 'timeliness ON CONFLICT (due_year, unit_id, state, timeliness) DO UPDATE SET n = '
 'dashboard_case_year.n + excluded.n; INSERT INTO dashboard_open_day (due_date, unit_id, n) SELECT '
 'due_date, unit_id, SUM(n) FROM (SELECT OLD.due_date AS due_date, OLD.responsible_unit_id AS '
 "unit_id, -1 AS n WHERE OLD.state = 'open' UNION ALL SELECT OLD.due_date AS due_date, 0 AS "
 "unit_id, -1 AS n WHERE OLD.state = 'open' UNION ALL SELECT NEW.due_date AS due_date, "
 "NEW.responsible_unit_id AS unit_id, 1 AS n WHERE NEW.state = 'open' UNION ALL SELECT "
 "NEW.due_date AS due_date, 0 AS unit_id, 1 AS n WHERE NEW.state = 'open') d WHERE 1 = 1 GROUP BY "
 'due_date, unit_id ORDER BY due_date, unit_id ON CONFLICT (due_date, unit_id) DO UPDATE SET n = '
 'dashboard_open_day.n + excluded.n; INSERT INTO dashboard_recovery (field_id, unit_id, type, '
 'cases, recommended, paid) SELECT field_id, unit_id, type, SUM(cases), SUM(recommended), '
 'SUM(paid) FROM (SELECT 0 AS field_id, OLD.responsible_unit_id AS unit_id, OLD.type AS type, -1 '
 'AS cases, -1 * (COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS recommended, -1 * '
 '(SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM '
 "recovery_payment p WHERE p.case_id = OLD.id) AS paid WHERE OLD.type IN ('recovery', "
 "'recovery_assets', 'recovery_land') AND OLD.state <> 'withdrawn' UNION ALL SELECT i.field_id AS "
 'field_id, u.unit_id AS unit_id, OLD.type AS type, -1 AS cases, -1 * (COALESCE(OLD.amount_vnd, 0) '
 '+ COALESCE(OLD.area_m2, 0)) AS recommended, -1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) '
 '+ COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = OLD.id) AS paid FROM '
 'inspection_field i, (SELECT OLD.responsible_unit_id AS unit_id UNION ALL SELECT 0) u WHERE '
 "i.inspection_id = OLD.inspection_id AND OLD.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND OLD.state <> 'withdrawn' UNION ALL SELECT 0 AS field_id, "
 'NEW.responsible_unit_id AS unit_id, NEW.type AS type, 1 AS cases, 1 * (COALESCE(NEW.amount_vnd, '
 '0) + COALESCE(NEW.area_m2, 0)) AS recommended, 1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, '
 '0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = NEW.id) AS paid WHERE '
 "NEW.type IN ('recovery', 'recovery_assets', 'recovery_land') AND NEW.state <> 'withdrawn' UNION "
 'ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, NEW.type AS type, 1 AS cases, 1 * '
 '(COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS recommended, 1 * (SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = NEW.id) AS paid FROM inspection_field i, (SELECT NEW.responsible_unit_id AS '
 'unit_id UNION ALL SELECT 0) u WHERE i.inspection_id = NEW.inspection_id AND NEW.type IN '
 "('recovery', 'recovery_assets', 'recovery_land') AND NEW.state <> 'withdrawn') d WHERE 1 = 1 "
 'GROUP BY field_id, unit_id, type ORDER BY field_id, unit_id, type ON CONFLICT (field_id, '
 'unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + excluded.cases, recommended = '
 'dashboard_recovery.recommended + excluded.recommended, paid = dashboard_recovery.paid + '
 'excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_case_upd ON recommendation',
 'CREATE TRIGGER dash_case_upd AFTER UPDATE OF responsible_unit_id, state, due_date, closed_at, '
 'type, amount_vnd, area_m2, inspection_id ON recommendation FOR EACH ROW EXECUTE FUNCTION '
 'dash_case_upd()',
 'CREATE OR REPLACE FUNCTION dash_payment_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT 0 AS '
 'field_id, c.responsible_unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS recommended, 1 * '
 '(COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS paid FROM recommendation c WHERE '
 "c.id = NEW.case_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 0 AS "
 'cases, 0 AS recommended, 1 * (COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS paid '
 'FROM recommendation c JOIN inspection_field i ON i.inspection_id = c.inspection_id JOIN (SELECT '
 'NEW.case_id AS case_id, c2.responsible_unit_id AS unit_id FROM recommendation c2 WHERE c2.id = '
 'NEW.case_id UNION ALL SELECT NEW.case_id, 0) u ON u.case_id = c.id WHERE c.id = NEW.case_id AND '
 "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' ON "
 'CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + '
 'excluded.cases, recommended = dashboard_recovery.recommended + excluded.recommended, paid = '
 'dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_payment_ins ON recovery_payment',
 'CREATE TRIGGER dash_payment_ins AFTER INSERT ON recovery_payment FOR EACH ROW EXECUTE FUNCTION '
 'dash_payment_ins()',
 'CREATE OR REPLACE FUNCTION dash_payment_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT 0 AS '
 'field_id, c.responsible_unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS recommended, -1 * '
 '(COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS paid FROM recommendation c WHERE '
 "c.id = OLD.case_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 0 AS "
 'cases, 0 AS recommended, -1 * (COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS paid '
 'FROM recommendation c JOIN inspection_field i ON i.inspection_id = c.inspection_id JOIN (SELECT '
 'OLD.case_id AS case_id, c2.responsible_unit_id AS unit_id FROM recommendation c2 WHERE c2.id = '
 'OLD.case_id UNION ALL SELECT OLD.case_id, 0) u ON u.case_id = c.id WHERE c.id = OLD.case_id AND '
 "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' ON "
 'CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + '
 'excluded.cases, recommended = dashboard_recovery.recommended + excluded.recommended, paid = '
 'dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_payment_del ON recovery_payment',
 'CREATE TRIGGER dash_payment_del AFTER DELETE ON recovery_payment FOR EACH ROW EXECUTE FUNCTION '
 'dash_payment_del()',
 'CREATE OR REPLACE FUNCTION dash_payment_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT '
 'field_id, unit_id, type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT 0 AS field_id, '
 'c.responsible_unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS recommended, -1 * '
 '(COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS paid FROM recommendation c WHERE '
 "c.id = OLD.case_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 0 AS "
 'cases, 0 AS recommended, -1 * (COALESCE(OLD.amount_vnd, 0) + COALESCE(OLD.area_m2, 0)) AS paid '
 'FROM recommendation c JOIN inspection_field i ON i.inspection_id = c.inspection_id JOIN (SELECT '
 'OLD.case_id AS case_id, c2.responsible_unit_id AS unit_id FROM recommendation c2 WHERE c2.id = '
 'OLD.case_id UNION ALL SELECT OLD.case_id, 0) u ON u.case_id = c.id WHERE c.id = OLD.case_id AND '
 "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' UNION ALL "
 'SELECT 0 AS field_id, c.responsible_unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS '
 'recommended, 1 * (COALESCE(NEW.amount_vnd, 0) + COALESCE(NEW.area_m2, 0)) AS paid FROM '
 "recommendation c WHERE c.id = NEW.case_id AND c.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND c.state <> 'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id "
 'AS unit_id, c.type AS type, 0 AS cases, 0 AS recommended, 1 * (COALESCE(NEW.amount_vnd, 0) + '
 'COALESCE(NEW.area_m2, 0)) AS paid FROM recommendation c JOIN inspection_field i ON '
 'i.inspection_id = c.inspection_id JOIN (SELECT NEW.case_id AS case_id, c2.responsible_unit_id AS '
 'unit_id FROM recommendation c2 WHERE c2.id = NEW.case_id UNION ALL SELECT NEW.case_id, 0) u ON '
 "u.case_id = c.id WHERE c.id = NEW.case_id AND c.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND c.state <> 'withdrawn') d WHERE 1 = 1 GROUP BY field_id, unit_id, type "
 'ORDER BY field_id, unit_id, type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = '
 'dashboard_recovery.cases + excluded.cases, recommended = dashboard_recovery.recommended + '
 'excluded.recommended, paid = dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_payment_upd ON recovery_payment',
 'CREATE TRIGGER dash_payment_upd AFTER UPDATE OF case_id, amount_vnd, area_m2 ON recovery_payment '
 'FOR EACH ROW EXECUTE FUNCTION dash_payment_upd()',
 'CREATE OR REPLACE FUNCTION dash_field_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT NEW.field_id '
 'AS field_id, u.unit_id AS unit_id, c.type AS type, 1 * COUNT(*) AS cases, 1 * '
 'SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)) AS recommended, 1 * SUM((SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = c.id)) AS paid FROM recommendation c JOIN (SELECT DISTINCT responsible_unit_id '
 'AS id, responsible_unit_id AS unit_id FROM recommendation WHERE inspection_id = '
 'NEW.inspection_id UNION ALL SELECT DISTINCT responsible_unit_id, 0 FROM recommendation WHERE '
 'inspection_id = NEW.inspection_id) u ON u.id = c.responsible_unit_id WHERE c.inspection_id = '
 "NEW.inspection_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' GROUP BY u.unit_id, c.type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases "
 '= dashboard_recovery.cases + excluded.cases, recommended = dashboard_recovery.recommended + '
 'excluded.recommended, paid = dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_field_ins ON inspection_field',
 'CREATE TRIGGER dash_field_ins AFTER INSERT ON inspection_field FOR EACH ROW EXECUTE FUNCTION '
 'dash_field_ins()',
 'CREATE OR REPLACE FUNCTION dash_field_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT OLD.field_id '
 'AS field_id, u.unit_id AS unit_id, c.type AS type, -1 * COUNT(*) AS cases, -1 * '
 'SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)) AS recommended, -1 * SUM((SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = c.id)) AS paid FROM recommendation c JOIN (SELECT DISTINCT responsible_unit_id '
 'AS id, responsible_unit_id AS unit_id FROM recommendation WHERE inspection_id = '
 'OLD.inspection_id UNION ALL SELECT DISTINCT responsible_unit_id, 0 FROM recommendation WHERE '
 'inspection_id = OLD.inspection_id) u ON u.id = c.responsible_unit_id WHERE c.inspection_id = '
 "OLD.inspection_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn' GROUP BY u.unit_id, c.type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases "
 '= dashboard_recovery.cases + excluded.cases, recommended = dashboard_recovery.recommended + '
 'excluded.recommended, paid = dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_field_del ON inspection_field',
 'CREATE TRIGGER dash_field_del AFTER DELETE ON inspection_field FOR EACH ROW EXECUTE FUNCTION '
 'dash_field_del()',
 'CREATE OR REPLACE FUNCTION dash_field_upd() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT field_id, '
 'unit_id, type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT OLD.field_id AS field_id, '
 'u.unit_id AS unit_id, c.type AS type, -1 * COUNT(*) AS cases, -1 * SUM(COALESCE(c.amount_vnd, 0) '
 '+ COALESCE(c.area_m2, 0)) AS recommended, -1 * SUM((SELECT COALESCE(SUM(COALESCE(p.amount_vnd, '
 '0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = c.id)) AS paid FROM '
 'recommendation c JOIN (SELECT DISTINCT responsible_unit_id AS id, responsible_unit_id AS unit_id '
 'FROM recommendation WHERE inspection_id = OLD.inspection_id UNION ALL SELECT DISTINCT '
 'responsible_unit_id, 0 FROM recommendation WHERE inspection_id = OLD.inspection_id) u ON u.id = '
 "c.responsible_unit_id WHERE c.inspection_id = OLD.inspection_id AND c.type IN ('recovery', "
 "'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' GROUP BY u.unit_id, c.type UNION "
 'ALL SELECT NEW.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 1 * COUNT(*) AS '
 'cases, 1 * SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)) AS recommended, 1 * '
 'SUM((SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM '
 'recovery_payment p WHERE p.case_id = c.id)) AS paid FROM recommendation c JOIN (SELECT DISTINCT '
 'responsible_unit_id AS id, responsible_unit_id AS unit_id FROM recommendation WHERE '
 'inspection_id = NEW.inspection_id UNION ALL SELECT DISTINCT responsible_unit_id, 0 FROM '
 'recommendation WHERE inspection_id = NEW.inspection_id) u ON u.id = c.responsible_unit_id WHERE '
 "c.inspection_id = NEW.inspection_id AND c.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND c.state <> 'withdrawn' GROUP BY u.unit_id, c.type) d WHERE 1 = 1 GROUP BY "
 'field_id, unit_id, type ORDER BY field_id, unit_id, type ON CONFLICT (field_id, unit_id, type) '
 'DO UPDATE SET cases = dashboard_recovery.cases + excluded.cases, recommended = '
 'dashboard_recovery.recommended + excluded.recommended, paid = dashboard_recovery.paid + '
 'excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_field_upd ON inspection_field',
 'CREATE TRIGGER dash_field_upd AFTER UPDATE OF inspection_id, field_id ON inspection_field FOR '
 'EACH ROW EXECUTE FUNCTION dash_field_upd()']

PG_DROP = ['DROP TRIGGER IF EXISTS dash_case_ins ON recommendation',
 'DROP FUNCTION IF EXISTS dash_case_ins()',
 'DROP TRIGGER IF EXISTS dash_case_del ON recommendation',
 'DROP FUNCTION IF EXISTS dash_case_del()',
 'DROP TRIGGER IF EXISTS dash_case_upd ON recommendation',
 'DROP FUNCTION IF EXISTS dash_case_upd()',
 'DROP TRIGGER IF EXISTS dash_payment_ins ON recovery_payment',
 'DROP FUNCTION IF EXISTS dash_payment_ins()',
 'DROP TRIGGER IF EXISTS dash_payment_del ON recovery_payment',
 'DROP FUNCTION IF EXISTS dash_payment_del()',
 'DROP TRIGGER IF EXISTS dash_payment_upd ON recovery_payment',
 'DROP FUNCTION IF EXISTS dash_payment_upd()',
 'DROP TRIGGER IF EXISTS dash_field_ins ON inspection_field',
 'DROP FUNCTION IF EXISTS dash_field_ins()',
 'DROP TRIGGER IF EXISTS dash_field_del ON inspection_field',
 'DROP FUNCTION IF EXISTS dash_field_del()',
 'DROP TRIGGER IF EXISTS dash_field_upd ON inspection_field',
 'DROP FUNCTION IF EXISTS dash_field_upd()']

PG_FRESH = {'dashboard_case_month': 'SELECT c.responsible_unit_id, c.state, CAST(EXTRACT(YEAR FROM '
                         'c.due_date) * 100 + EXTRACT(MONTH FROM c.due_date) AS INTEGER), CASE '
                         'WHEN EXTRACT(MONTH FROM c.due_date + 1) <> EXTRACT(MONTH FROM '
                         "c.due_date) THEN 1 ELSE 0 END, CASE WHEN c.state IN ('accepted', "
                         "'withdrawn') AND c.closed_at IS NOT NULL THEN CAST(EXTRACT(YEAR FROM "
                         "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE)) * 100 + "
                         "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS "
                         "DATE)) AS INTEGER) ELSE 0 END, CASE WHEN c.state = 'accepted' AND "
                         "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE) <= "
                         "c.due_date THEN 1 WHEN c.state = 'accepted' AND "
                         "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE) > c.due_date "
                         'THEN 2 ELSE 0 END, COUNT(*) FROM recommendation c GROUP BY '
                         'c.responsible_unit_id, c.state, CAST(EXTRACT(YEAR FROM c.due_date) * '
                         '100 + EXTRACT(MONTH FROM c.due_date) AS INTEGER), CASE WHEN '
                         'EXTRACT(MONTH FROM c.due_date + 1) <> EXTRACT(MONTH FROM c.due_date) '
                         "THEN 1 ELSE 0 END, CASE WHEN c.state IN ('accepted', 'withdrawn') "
                         'AND c.closed_at IS NOT NULL THEN CAST(EXTRACT(YEAR FROM '
                         "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE)) * 100 + "
                         "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS "
                         "DATE)) AS INTEGER) ELSE 0 END, CASE WHEN c.state = 'accepted' AND "
                         "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE) <= "
                         "c.due_date THEN 1 WHEN c.state = 'accepted' AND "
                         "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE) > c.due_date "
                         'THEN 2 ELSE 0 END',
 'dashboard_case_year': 'SELECT CAST(EXTRACT(YEAR FROM c.due_date) AS INTEGER), '
                        "c.responsible_unit_id, c.state, CASE WHEN c.state = 'accepted' AND "
                        "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE) <= c.due_date "
                        "THEN 1 WHEN c.state = 'accepted' AND "
                        "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE) > c.due_date "
                        'THEN 2 ELSE 0 END, COUNT(*) FROM recommendation c GROUP BY '
                        'CAST(EXTRACT(YEAR FROM c.due_date) AS INTEGER), '
                        "c.responsible_unit_id, c.state, CASE WHEN c.state = 'accepted' AND "
                        "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE) <= c.due_date "
                        "THEN 1 WHEN c.state = 'accepted' AND "
                        "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE) > c.due_date "
                        'THEN 2 ELSE 0 END',
 'dashboard_month': 'SELECT CAST(EXTRACT(YEAR FROM c.due_date) * 100 + EXTRACT(MONTH FROM '
                    "c.due_date) AS INTEGER), c.state, CASE WHEN c.state IN ('accepted', "
                    "'withdrawn') AND c.closed_at IS NOT NULL THEN CAST(EXTRACT(YEAR FROM "
                    "CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS DATE)) * 100 + "
                    "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS "
                    'DATE)) AS INTEGER) ELSE 0 END, CASE WHEN EXTRACT(MONTH FROM c.due_date + '
                    '1) <> EXTRACT(MONTH FROM c.due_date) THEN 1 ELSE 0 END, COUNT(*) FROM '
                    'recommendation c GROUP BY CAST(EXTRACT(YEAR FROM c.due_date) * 100 + '
                    'EXTRACT(MONTH FROM c.due_date) AS INTEGER), c.state, CASE WHEN c.state IN '
                    "('accepted', 'withdrawn') AND c.closed_at IS NOT NULL THEN "
                    "CAST(EXTRACT(YEAR FROM CAST(timezone('Asia/Ho_Chi_Minh', c.closed_at) AS "
                    "DATE)) * 100 + EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', "
                    'c.closed_at) AS DATE)) AS INTEGER) ELSE 0 END, CASE WHEN EXTRACT(MONTH '
                    'FROM c.due_date + 1) <> EXTRACT(MONTH FROM c.due_date) THEN 1 ELSE 0 END',
 'dashboard_open_day': 'SELECT c.due_date, c.responsible_unit_id, COUNT(*) FROM recommendation '
                       "c WHERE c.state = 'open' GROUP BY c.due_date, c.responsible_unit_id "
                       'UNION ALL SELECT c.due_date, 0, COUNT(*) FROM recommendation c WHERE '
                       "c.state = 'open' GROUP BY c.due_date",
 'dashboard_recovery': 'SELECT f.field_id, c.responsible_unit_id, c.type, COUNT(*), '
                       'SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)), SUM((SELECT '
                       'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) '
                       'FROM recovery_payment p WHERE p.case_id = c.id)) FROM recommendation c '
                       'JOIN (SELECT 0 AS field_id, id AS inspection_id FROM inspection UNION '
                       'ALL SELECT field_id, inspection_id FROM inspection_field) f ON '
                       "f.inspection_id = c.inspection_id WHERE c.type IN ('recovery', "
                       "'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' GROUP "
                       'BY f.field_id, c.responsible_unit_id, c.type UNION ALL SELECT '
                       'f.field_id, 0, c.type, COUNT(*), SUM(COALESCE(c.amount_vnd, 0) + '
                       'COALESCE(c.area_m2, 0)), SUM((SELECT '
                       'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) '
                       'FROM recovery_payment p WHERE p.case_id = c.id)) FROM recommendation c '
                       'JOIN inspection_field f ON f.inspection_id = c.inspection_id WHERE '
                       "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state "
                       "<> 'withdrawn' GROUP BY f.field_id, c.type"}


COLUMNS = {
    "dashboard_case_month": "unit_id, state, due_month, due_last_day, closed_month, timeliness, n",
    "dashboard_month": "due_month, state, closed_month, due_last_day, n",
    "dashboard_case_year": "due_year, unit_id, state, timeliness, n",
    "dashboard_open_day": "due_date, unit_id, n",
    "dashboard_recovery": "field_id, unit_id, type, cases, recommended, paid",
}


def upgrade():
    op.create_table(
        "dashboard_case_month",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("due_month", sa.Integer(), nullable=False),
        sa.Column("due_last_day", sa.SmallInteger(), nullable=False),
        sa.Column("closed_month", sa.Integer(), nullable=False),
        sa.Column("timeliness", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "unit_id",
            "state",
            "due_month",
            "due_last_day",
            "closed_month",
            "timeliness",
            name=op.f("pk_dashboard_case_month"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_dashboard_case_month_due",
        "dashboard_case_month",
        [
            "due_month",
            "state",
            "closed_month",
            "due_last_day",
            "timeliness",
            "unit_id",
            "n",
        ],
    )
    op.create_index(
        "ix_dashboard_case_month_state",
        "dashboard_case_month",
        ["state", "due_month", "unit_id", "n"],
    )
    op.create_table(
        "dashboard_month",
        sa.Column("due_month", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("closed_month", sa.Integer(), nullable=False),
        sa.Column("due_last_day", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "due_month",
            "state",
            "closed_month",
            "due_last_day",
            name=op.f("pk_dashboard_month"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "dashboard_case_year",
        sa.Column("due_year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("timeliness", sa.SmallInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "due_year", "unit_id", "state", "timeliness", name=op.f("pk_dashboard_case_year")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "dashboard_open_day",
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("due_date", "unit_id", name=op.f("pk_dashboard_open_day")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "dashboard_recovery",
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("recommended", sa.Numeric(precision=24, scale=2), nullable=False),
        sa.Column("paid", sa.Numeric(precision=24, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("field_id", "unit_id", "type", name=op.f("pk_dashboard_recovery")),
        sqlite_with_rowid=False,
    )
    pg = op.get_bind().dialect.name == "postgresql"
    for statement in PG_TRIGGERS if pg else SQLITE_TRIGGERS:
        op.execute(statement)
    for table, select_sql in (PG_FRESH if pg else SQLITE_FRESH).items():
        op.execute(f"INSERT INTO {table} ({COLUMNS[table]}) {select_sql}")


def downgrade():
    pg = op.get_bind().dialect.name == "postgresql"
    for statement in PG_DROP if pg else SQLITE_DROP:
        op.execute(statement)
    op.drop_table("dashboard_recovery")
    op.drop_table("dashboard_open_day")
    op.drop_table("dashboard_case_year")
    op.drop_table("dashboard_month")
    op.drop_table("dashboard_case_month")
