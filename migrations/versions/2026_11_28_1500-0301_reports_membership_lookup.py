"""report memberships: look persons up by join, not by = ANY over a long array; btree on enrolments' student

Revision ID: 0301_reports
Revises: 0300_reports
Create Date: 2026-11-28 15:00:00+00:00

`x = ANY(ids)` with a long array parameter is a linear scan per row when the index cannot take the
array (the enrolments' GiST exclusion index cannot), so a bulk statement touching many persons was
quadratic. The function now joins `unnest(ids)` to the tables, and enrolments get a btree on
student_person_id for that join.
"""

from collections.abc import Sequence

from alembic import op

from api.db import split_sql

revision: str = "0301_reports"
down_revision: str | Sequence[str] | None = "0300_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FUNCTION = """
CREATE OR REPLACE FUNCTION rpt_person_memberships(ids int[])
RETURNS TABLE (person_id int, organization_id int, is_staff boolean, is_student boolean, is_parent boolean,
               registered boolean, staff_roles int, category_rank smallint, multi boolean)
LANGUAGE sql STABLE AS $$
  WITH i AS (SELECT DISTINCT x AS pid FROM unnest(ids) AS x WHERE x IS NOT NULL),
  m AS (
    SELECT sp.person_id AS pid, sp.organization_id AS oid, true AS st, false AS su, false AS pa,
           rpt_role_bit(sp.role_kind) AS rb, rpt_category_rank(sp.category) AS cr
      FROM i JOIN staff_posts sp ON sp.person_id = i.pid
     WHERE sp.ended_on IS NULL
    UNION ALL
    SELECT e.student_person_id, e.organization_id, false, true, false, 0, 0::smallint
      FROM i JOIN enrolments e ON e.student_person_id = i.pid
     WHERE e.ends_on IS NULL
    UNION ALL
    SELECT pl.parent_person_id, e.organization_id, false, false, true, 0, 0::smallint
      FROM i
      JOIN parent_links pl ON pl.parent_person_id = i.pid
      JOIN enrolments e ON e.student_person_id = pl.child_person_id AND e.ends_on IS NULL
  ), g AS (
    SELECT pid, oid, bool_or(st) AS st, bool_or(su) AS su, bool_or(pa) AS pa, bit_or(rb) AS rb, max(cr) AS cr
      FROM m GROUP BY pid, oid
  )
  SELECT g.pid, g.oid, g.st, g.su, g.pa,
         EXISTS (SELECT 1 FROM users u WHERE u.person_id = g.pid AND u.status = 'active'),
         g.rb, g.cr::smallint, count(*) OVER (PARTITION BY g.pid) > 1
    FROM g
$$;
"""

OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION rpt_person_memberships(ids int[])
RETURNS TABLE (person_id int, organization_id int, is_staff boolean, is_student boolean, is_parent boolean,
               registered boolean, staff_roles int, category_rank smallint, multi boolean)
LANGUAGE sql STABLE AS $$
  WITH m AS (
    SELECT sp.person_id AS pid, sp.organization_id AS oid, true AS st, false AS su, false AS pa,
           rpt_role_bit(sp.role_kind) AS rb, rpt_category_rank(sp.category) AS cr
      FROM staff_posts sp WHERE sp.person_id = ANY(ids) AND sp.ended_on IS NULL
    UNION ALL
    SELECT e.student_person_id, e.organization_id, false, true, false, 0, 0::smallint
      FROM enrolments e WHERE e.student_person_id = ANY(ids) AND e.ends_on IS NULL
    UNION ALL
    SELECT pl.parent_person_id, e.organization_id, false, false, true, 0, 0::smallint
      FROM parent_links pl
      JOIN enrolments e ON e.student_person_id = pl.child_person_id AND e.ends_on IS NULL
     WHERE pl.parent_person_id = ANY(ids)
  ), g AS (
    SELECT pid, oid, bool_or(st) AS st, bool_or(su) AS su, bool_or(pa) AS pa, bit_or(rb) AS rb, max(cr) AS cr
      FROM m GROUP BY pid, oid
  )
  SELECT g.pid, g.oid, g.st, g.su, g.pa,
         EXISTS (SELECT 1 FROM users u WHERE u.person_id = g.pid AND u.status = 'active'),
         g.rb, g.cr::smallint, count(*) OVER (PARTITION BY g.pid) > 1
    FROM g
$$;
"""


def upgrade() -> None:
    op.create_index("ix_rpt_enrolments_student_person_id", "enrolments", ["student_person_id"])
    for stmt in split_sql(FUNCTION):
        op.execute(stmt)


def downgrade() -> None:
    for stmt in split_sql(OLD_FUNCTION):
        op.execute(stmt)
    op.drop_index("ix_rpt_enrolments_student_person_id", table_name="enrolments")
