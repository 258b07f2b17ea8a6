"""The running totals' insert and delete triggers on PostgreSQL run once per statement over its
transition table instead of once per row: a bulk insert updated the same few total rows once
per case in one transaction, each update slower than the last (10,000 imported cases: 20 s).
The update triggers stay row triggers on the watched columns; SQLite keeps its row triggers.

Revision ID: b7f2c9d41e30
Revises: 4b7e1d9c2a63
Create Date: 2026-12-03 18:40:00

The trigger SQL below is a copy of what `inspect_app.cases.totals.trigger_ddl("postgresql")`
generated when this revision was written (the revision must not change when the module does).
The downgrade puts back the row triggers of revision 4c1d2e3f5a60.
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "b7f2c9d41e30"
down_revision = "4b7e1d9c2a63"
branch_labels = None
depends_on = None

PG_TRIGGERS = ['CREATE OR REPLACE FUNCTION dash_case_ins() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO dashboard_case_month (unit_id, state, due_month, due_last_day, closed_month, timeliness, n) '
 'SELECT unit_id, state, due_month, due_last_day, closed_month, timeliness, SUM(n) FROM (SELECT '
 'part.* FROM new_rows new_row CROSS JOIN LATERAL (SELECT new_row.responsible_unit_id AS unit_id, '
 'new_row.state AS state, CAST(EXTRACT(YEAR FROM new_row.due_date) * 100 + EXTRACT(MONTH FROM '
 'new_row.due_date) AS INTEGER) AS due_month, CASE WHEN EXTRACT(MONTH FROM new_row.due_date + 1) '
 '<> EXTRACT(MONTH FROM new_row.due_date) THEN 1 ELSE 0 END AS due_last_day, CASE WHEN '
 "new_row.state IN ('accepted', 'withdrawn') AND new_row.closed_at IS NOT NULL THEN "
 "CAST(EXTRACT(YEAR FROM CAST(timezone('Asia/Ho_Chi_Minh', new_row.closed_at) AS DATE)) * 100 + "
 "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', new_row.closed_at) AS DATE)) AS INTEGER) "
 "ELSE 0 END AS closed_month, CASE WHEN new_row.state = 'accepted' AND "
 "CAST(timezone('Asia/Ho_Chi_Minh', new_row.closed_at) AS DATE) <= new_row.due_date THEN 1 WHEN "
 "new_row.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', new_row.closed_at) AS DATE) > "
 'new_row.due_date THEN 2 ELSE 0 END AS timeliness, 1 AS n WHERE 1 = 1) part) d WHERE 1 = 1 GROUP '
 'BY unit_id, state, due_month, due_last_day, closed_month, timeliness ORDER BY unit_id, state, '
 'due_month, due_last_day, closed_month, timeliness ON CONFLICT (unit_id, state, due_month, '
 'due_last_day, closed_month, timeliness) DO UPDATE SET n = dashboard_case_month.n + excluded.n; '
 'INSERT INTO dashboard_month (due_month, state, closed_month, due_last_day, n) SELECT due_month, '
 'state, closed_month, due_last_day, SUM(n) FROM (SELECT part.* FROM new_rows new_row CROSS JOIN '
 'LATERAL (SELECT CAST(EXTRACT(YEAR FROM new_row.due_date) * 100 + EXTRACT(MONTH FROM '
 'new_row.due_date) AS INTEGER) AS due_month, new_row.state AS state, CASE WHEN new_row.state IN '
 "('accepted', 'withdrawn') AND new_row.closed_at IS NOT NULL THEN CAST(EXTRACT(YEAR FROM "
 "CAST(timezone('Asia/Ho_Chi_Minh', new_row.closed_at) AS DATE)) * 100 + EXTRACT(MONTH FROM "
 "CAST(timezone('Asia/Ho_Chi_Minh', new_row.closed_at) AS DATE)) AS INTEGER) ELSE 0 END AS "
 'closed_month, CASE WHEN EXTRACT(MONTH FROM new_row.due_date + 1) <> EXTRACT(MONTH FROM '
 'new_row.due_date) THEN 1 ELSE 0 END AS due_last_day, 1 AS n WHERE 1 = 1) part) d WHERE 1 = 1 '
 'GROUP BY due_month, state, closed_month, due_last_day ORDER BY due_month, state, closed_month, '
 'due_last_day ON CONFLICT (due_month, state, closed_month, due_last_day) DO UPDATE SET n = '
 'dashboard_month.n + excluded.n; INSERT INTO dashboard_case_year (due_year, unit_id, state, '
 'timeliness, n) SELECT due_year, unit_id, state, timeliness, SUM(n) FROM (SELECT part.* FROM '
 'new_rows new_row CROSS JOIN LATERAL (SELECT CAST(EXTRACT(YEAR FROM new_row.due_date) AS INTEGER) '
 'AS due_year, new_row.responsible_unit_id AS unit_id, new_row.state AS state, CASE WHEN '
 "new_row.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', new_row.closed_at) AS DATE) <= "
 "new_row.due_date THEN 1 WHEN new_row.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', "
 'new_row.closed_at) AS DATE) > new_row.due_date THEN 2 ELSE 0 END AS timeliness, 1 AS n WHERE 1 = '
 '1) part) d WHERE 1 = 1 GROUP BY due_year, unit_id, state, timeliness ORDER BY due_year, unit_id, '
 'state, timeliness ON CONFLICT (due_year, unit_id, state, timeliness) DO UPDATE SET n = '
 'dashboard_case_year.n + excluded.n; INSERT INTO dashboard_open_day (due_date, unit_id, n) SELECT '
 'due_date, unit_id, SUM(n) FROM (SELECT part.* FROM new_rows new_row CROSS JOIN LATERAL (SELECT '
 'new_row.due_date AS due_date, new_row.responsible_unit_id AS unit_id, 1 AS n WHERE new_row.state '
 "= 'open' UNION ALL SELECT new_row.due_date AS due_date, 0 AS unit_id, 1 AS n WHERE new_row.state "
 "= 'open') part) d WHERE 1 = 1 GROUP BY due_date, unit_id ORDER BY due_date, unit_id ON CONFLICT "
 '(due_date, unit_id) DO UPDATE SET n = dashboard_open_day.n + excluded.n; INSERT INTO '
 'dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT field_id, unit_id, '
 'type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT part.* FROM new_rows new_row CROSS '
 'JOIN LATERAL (SELECT 0 AS field_id, new_row.responsible_unit_id AS unit_id, new_row.type AS '
 'type, 1 AS cases, 1 * (COALESCE(new_row.amount_vnd, 0) + COALESCE(new_row.area_m2, 0)) AS '
 'recommended, 1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) '
 "FROM recovery_payment p WHERE p.case_id = new_row.id) AS paid WHERE new_row.type IN ('recovery', "
 "'recovery_assets', 'recovery_land') AND new_row.state <> 'withdrawn' UNION ALL SELECT i.field_id "
 'AS field_id, u.unit_id AS unit_id, new_row.type AS type, 1 AS cases, 1 * '
 '(COALESCE(new_row.amount_vnd, 0) + COALESCE(new_row.area_m2, 0)) AS recommended, 1 * (SELECT '
 'COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p '
 'WHERE p.case_id = new_row.id) AS paid FROM inspection_field i, (SELECT '
 'new_row.responsible_unit_id AS unit_id UNION ALL SELECT 0) u WHERE i.inspection_id = '
 "new_row.inspection_id AND new_row.type IN ('recovery', 'recovery_assets', 'recovery_land') AND "
 "new_row.state <> 'withdrawn') part) d WHERE 1 = 1 GROUP BY field_id, unit_id, type ORDER BY "
 'field_id, unit_id, type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = '
 'dashboard_recovery.cases + excluded.cases, recommended = dashboard_recovery.recommended + '
 'excluded.recommended, paid = dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_case_ins ON recommendation',
 'CREATE TRIGGER dash_case_ins AFTER INSERT ON recommendation REFERENCING NEW TABLE AS new_rows '
 'FOR EACH STATEMENT EXECUTE FUNCTION dash_case_ins()',
 'CREATE OR REPLACE FUNCTION dash_case_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO dashboard_case_month (unit_id, state, due_month, due_last_day, closed_month, timeliness, n) '
 'SELECT unit_id, state, due_month, due_last_day, closed_month, timeliness, SUM(n) FROM (SELECT '
 'part.* FROM old_rows old_row CROSS JOIN LATERAL (SELECT old_row.responsible_unit_id AS unit_id, '
 'old_row.state AS state, CAST(EXTRACT(YEAR FROM old_row.due_date) * 100 + EXTRACT(MONTH FROM '
 'old_row.due_date) AS INTEGER) AS due_month, CASE WHEN EXTRACT(MONTH FROM old_row.due_date + 1) '
 '<> EXTRACT(MONTH FROM old_row.due_date) THEN 1 ELSE 0 END AS due_last_day, CASE WHEN '
 "old_row.state IN ('accepted', 'withdrawn') AND old_row.closed_at IS NOT NULL THEN "
 "CAST(EXTRACT(YEAR FROM CAST(timezone('Asia/Ho_Chi_Minh', old_row.closed_at) AS DATE)) * 100 + "
 "EXTRACT(MONTH FROM CAST(timezone('Asia/Ho_Chi_Minh', old_row.closed_at) AS DATE)) AS INTEGER) "
 "ELSE 0 END AS closed_month, CASE WHEN old_row.state = 'accepted' AND "
 "CAST(timezone('Asia/Ho_Chi_Minh', old_row.closed_at) AS DATE) <= old_row.due_date THEN 1 WHEN "
 "old_row.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', old_row.closed_at) AS DATE) > "
 'old_row.due_date THEN 2 ELSE 0 END AS timeliness, -1 AS n WHERE 1 = 1) part) d WHERE 1 = 1 GROUP '
 'BY unit_id, state, due_month, due_last_day, closed_month, timeliness ORDER BY unit_id, state, '
 'due_month, due_last_day, closed_month, timeliness ON CONFLICT (unit_id, state, due_month, '
 'due_last_day, closed_month, timeliness) DO UPDATE SET n = dashboard_case_month.n + excluded.n; '
 'INSERT INTO dashboard_month (due_month, state, closed_month, due_last_day, n) SELECT due_month, '
 'state, closed_month, due_last_day, SUM(n) FROM (SELECT part.* FROM old_rows old_row CROSS JOIN '
 'LATERAL (SELECT CAST(EXTRACT(YEAR FROM old_row.due_date) * 100 + EXTRACT(MONTH FROM '
 'old_row.due_date) AS INTEGER) AS due_month, old_row.state AS state, CASE WHEN old_row.state IN '
 "('accepted', 'withdrawn') AND old_row.closed_at IS NOT NULL THEN CAST(EXTRACT(YEAR FROM "
 "CAST(timezone('Asia/Ho_Chi_Minh', old_row.closed_at) AS DATE)) * 100 + EXTRACT(MONTH FROM "
 "CAST(timezone('Asia/Ho_Chi_Minh', old_row.closed_at) AS DATE)) AS INTEGER) ELSE 0 END AS "
 'closed_month, CASE WHEN EXTRACT(MONTH FROM old_row.due_date + 1) <> EXTRACT(MONTH FROM '
 'old_row.due_date) THEN 1 ELSE 0 END AS due_last_day, -1 AS n WHERE 1 = 1) part) d WHERE 1 = 1 '
 'GROUP BY due_month, state, closed_month, due_last_day ORDER BY due_month, state, closed_month, '
 'due_last_day ON CONFLICT (due_month, state, closed_month, due_last_day) DO UPDATE SET n = '
 'dashboard_month.n + excluded.n; INSERT INTO dashboard_case_year (due_year, unit_id, state, '
 'timeliness, n) SELECT due_year, unit_id, state, timeliness, SUM(n) FROM (SELECT part.* FROM '
 'old_rows old_row CROSS JOIN LATERAL (SELECT CAST(EXTRACT(YEAR FROM old_row.due_date) AS INTEGER) '
 'AS due_year, old_row.responsible_unit_id AS unit_id, old_row.state AS state, CASE WHEN '
 "old_row.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', old_row.closed_at) AS DATE) <= "
 "old_row.due_date THEN 1 WHEN old_row.state = 'accepted' AND CAST(timezone('Asia/Ho_Chi_Minh', "
 'old_row.closed_at) AS DATE) > old_row.due_date THEN 2 ELSE 0 END AS timeliness, -1 AS n WHERE 1 '
 '= 1) part) d WHERE 1 = 1 GROUP BY due_year, unit_id, state, timeliness ORDER BY due_year, '
 'unit_id, state, timeliness ON CONFLICT (due_year, unit_id, state, timeliness) DO UPDATE SET n = '
 'dashboard_case_year.n + excluded.n; INSERT INTO dashboard_open_day (due_date, unit_id, n) SELECT '
 'due_date, unit_id, SUM(n) FROM (SELECT part.* FROM old_rows old_row CROSS JOIN LATERAL (SELECT '
 'old_row.due_date AS due_date, old_row.responsible_unit_id AS unit_id, -1 AS n WHERE '
 "old_row.state = 'open' UNION ALL SELECT old_row.due_date AS due_date, 0 AS unit_id, -1 AS n "
 "WHERE old_row.state = 'open') part) d WHERE 1 = 1 GROUP BY due_date, unit_id ORDER BY due_date, "
 'unit_id ON CONFLICT (due_date, unit_id) DO UPDATE SET n = dashboard_open_day.n + excluded.n; '
 'INSERT INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT '
 'field_id, unit_id, type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT part.* FROM '
 'old_rows old_row CROSS JOIN LATERAL (SELECT 0 AS field_id, old_row.responsible_unit_id AS '
 'unit_id, old_row.type AS type, -1 AS cases, -1 * (COALESCE(old_row.amount_vnd, 0) + '
 'COALESCE(old_row.area_m2, 0)) AS recommended, -1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, '
 '0) + COALESCE(p.area_m2, 0)), 0) FROM recovery_payment p WHERE p.case_id = old_row.id) AS paid '
 "WHERE old_row.type IN ('recovery', 'recovery_assets', 'recovery_land') AND old_row.state <> "
 "'withdrawn' UNION ALL SELECT i.field_id AS field_id, u.unit_id AS unit_id, old_row.type AS type, "
 '-1 AS cases, -1 * (COALESCE(old_row.amount_vnd, 0) + COALESCE(old_row.area_m2, 0)) AS '
 'recommended, -1 * (SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) '
 'FROM recovery_payment p WHERE p.case_id = old_row.id) AS paid FROM inspection_field i, (SELECT '
 'old_row.responsible_unit_id AS unit_id UNION ALL SELECT 0) u WHERE i.inspection_id = '
 "old_row.inspection_id AND old_row.type IN ('recovery', 'recovery_assets', 'recovery_land') AND "
 "old_row.state <> 'withdrawn') part) d WHERE 1 = 1 GROUP BY field_id, unit_id, type ORDER BY "
 'field_id, unit_id, type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = '
 'dashboard_recovery.cases + excluded.cases, recommended = dashboard_recovery.recommended + '
 'excluded.recommended, paid = dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_case_del ON recommendation',
 'CREATE TRIGGER dash_case_del AFTER DELETE ON recommendation REFERENCING OLD TABLE AS old_rows '
 'FOR EACH STATEMENT EXECUTE FUNCTION dash_case_del()',
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
 'INSERT INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT '
 'field_id, unit_id, type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT part.* FROM '
 'new_rows new_row CROSS JOIN LATERAL (SELECT 0 AS field_id, c.responsible_unit_id AS unit_id, '
 'c.type AS type, 0 AS cases, 0 AS recommended, 1 * (COALESCE(new_row.amount_vnd, 0) + '
 'COALESCE(new_row.area_m2, 0)) AS paid FROM recommendation c WHERE c.id = new_row.case_id AND '
 "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' UNION ALL "
 'SELECT i.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS '
 'recommended, 1 * (COALESCE(new_row.amount_vnd, 0) + COALESCE(new_row.area_m2, 0)) AS paid FROM '
 'recommendation c JOIN inspection_field i ON i.inspection_id = c.inspection_id JOIN (SELECT '
 'new_row.case_id AS case_id, c2.responsible_unit_id AS unit_id FROM recommendation c2 WHERE c2.id '
 '= new_row.case_id UNION ALL SELECT new_row.case_id, 0) u ON u.case_id = c.id WHERE c.id = '
 "new_row.case_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn') part) d WHERE 1 = 1 GROUP BY field_id, unit_id, type ORDER BY field_id, unit_id, "
 'type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + '
 'excluded.cases, recommended = dashboard_recovery.recommended + excluded.recommended, paid = '
 'dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_payment_ins ON recovery_payment',
 'CREATE TRIGGER dash_payment_ins AFTER INSERT ON recovery_payment REFERENCING NEW TABLE AS '
 'new_rows FOR EACH STATEMENT EXECUTE FUNCTION dash_payment_ins()',
 'CREATE OR REPLACE FUNCTION dash_payment_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
 'INSERT INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT '
 'field_id, unit_id, type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT part.* FROM '
 'old_rows old_row CROSS JOIN LATERAL (SELECT 0 AS field_id, c.responsible_unit_id AS unit_id, '
 'c.type AS type, 0 AS cases, 0 AS recommended, -1 * (COALESCE(old_row.amount_vnd, 0) + '
 'COALESCE(old_row.area_m2, 0)) AS paid FROM recommendation c WHERE c.id = old_row.case_id AND '
 "c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> 'withdrawn' UNION ALL "
 'SELECT i.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 0 AS cases, 0 AS '
 'recommended, -1 * (COALESCE(old_row.amount_vnd, 0) + COALESCE(old_row.area_m2, 0)) AS paid FROM '
 'recommendation c JOIN inspection_field i ON i.inspection_id = c.inspection_id JOIN (SELECT '
 'old_row.case_id AS case_id, c2.responsible_unit_id AS unit_id FROM recommendation c2 WHERE c2.id '
 '= old_row.case_id UNION ALL SELECT old_row.case_id, 0) u ON u.case_id = c.id WHERE c.id = '
 "old_row.case_id AND c.type IN ('recovery', 'recovery_assets', 'recovery_land') AND c.state <> "
 "'withdrawn') part) d WHERE 1 = 1 GROUP BY field_id, unit_id, type ORDER BY field_id, unit_id, "
 'type ON CONFLICT (field_id, unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + '
 'excluded.cases, recommended = dashboard_recovery.recommended + excluded.recommended, paid = '
 'dashboard_recovery.paid + excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_payment_del ON recovery_payment',
 'CREATE TRIGGER dash_payment_del AFTER DELETE ON recovery_payment REFERENCING OLD TABLE AS '
 'old_rows FOR EACH STATEMENT EXECUTE FUNCTION dash_payment_del()',
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
 'INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT field_id, '
 'unit_id, type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT part.* FROM new_rows new_row '
 'CROSS JOIN LATERAL (SELECT new_row.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, 1 '
 '* COUNT(*) AS cases, 1 * SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)) AS recommended, '
 '1 * SUM((SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), 0) FROM '
 'recovery_payment p WHERE p.case_id = c.id)) AS paid FROM recommendation c JOIN (SELECT DISTINCT '
 'responsible_unit_id AS id, responsible_unit_id AS unit_id FROM recommendation WHERE '
 'inspection_id = new_row.inspection_id UNION ALL SELECT DISTINCT responsible_unit_id, 0 FROM '
 'recommendation WHERE inspection_id = new_row.inspection_id) u ON u.id = c.responsible_unit_id '
 "WHERE c.inspection_id = new_row.inspection_id AND c.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND c.state <> 'withdrawn' GROUP BY u.unit_id, c.type) part) d WHERE 1 = 1 "
 'GROUP BY field_id, unit_id, type ORDER BY field_id, unit_id, type ON CONFLICT (field_id, '
 'unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + excluded.cases, recommended = '
 'dashboard_recovery.recommended + excluded.recommended, paid = dashboard_recovery.paid + '
 'excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_field_ins ON inspection_field',
 'CREATE TRIGGER dash_field_ins AFTER INSERT ON inspection_field REFERENCING NEW TABLE AS new_rows '
 'FOR EACH STATEMENT EXECUTE FUNCTION dash_field_ins()',
 'CREATE OR REPLACE FUNCTION dash_field_del() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT '
 'INTO dashboard_recovery (field_id, unit_id, type, cases, recommended, paid) SELECT field_id, '
 'unit_id, type, SUM(cases), SUM(recommended), SUM(paid) FROM (SELECT part.* FROM old_rows old_row '
 'CROSS JOIN LATERAL (SELECT old_row.field_id AS field_id, u.unit_id AS unit_id, c.type AS type, '
 '-1 * COUNT(*) AS cases, -1 * SUM(COALESCE(c.amount_vnd, 0) + COALESCE(c.area_m2, 0)) AS '
 'recommended, -1 * SUM((SELECT COALESCE(SUM(COALESCE(p.amount_vnd, 0) + COALESCE(p.area_m2, 0)), '
 '0) FROM recovery_payment p WHERE p.case_id = c.id)) AS paid FROM recommendation c JOIN (SELECT '
 'DISTINCT responsible_unit_id AS id, responsible_unit_id AS unit_id FROM recommendation WHERE '
 'inspection_id = old_row.inspection_id UNION ALL SELECT DISTINCT responsible_unit_id, 0 FROM '
 'recommendation WHERE inspection_id = old_row.inspection_id) u ON u.id = c.responsible_unit_id '
 "WHERE c.inspection_id = old_row.inspection_id AND c.type IN ('recovery', 'recovery_assets', "
 "'recovery_land') AND c.state <> 'withdrawn' GROUP BY u.unit_id, c.type) part) d WHERE 1 = 1 "
 'GROUP BY field_id, unit_id, type ORDER BY field_id, unit_id, type ON CONFLICT (field_id, '
 'unit_id, type) DO UPDATE SET cases = dashboard_recovery.cases + excluded.cases, recommended = '
 'dashboard_recovery.recommended + excluded.recommended, paid = dashboard_recovery.paid + '
 'excluded.paid; RETURN NULL; END $$',
 'DROP TRIGGER IF EXISTS dash_field_del ON inspection_field',
 'CREATE TRIGGER dash_field_del AFTER DELETE ON inspection_field REFERENCING OLD TABLE AS old_rows '
 'FOR EACH STATEMENT EXECUTE FUNCTION dash_field_del()',
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


def _row_triggers() -> list[str]:
    path = Path(__file__).with_name("4c1d2e3f5a60_dashboard_running_totals.py")
    spec = importlib.util.spec_from_file_location("dashboard_running_totals", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PG_TRIGGERS


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in _row_triggers():
            op.execute(statement)
