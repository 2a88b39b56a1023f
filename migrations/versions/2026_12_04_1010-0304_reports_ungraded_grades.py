"""grades without marks (1st grade, безотметочное обучение) are not in the performance figures

Revision ID: 0304_reports
Revises: 0303_reports
Create Date: 2026-12-04 10:10:00+00:00

In Kazakhstan's schools the 1st grade (and the pre-school class, grade 0) is taught without marks. The
performance figures counted every enrolled student over the subjects of the class, so once a period had ended
every first-grader was «не аттестован» in every subject. The rule now lives in one SQL function,
`rpt_graded_grade(grade)` (grade >= 2): students of classes of other grades are neither counted as students
nor as «не аттестован». It is used by

- `rpt_student_period_rows` / `rpt_period_student_rows` (replaced here), which every performance trigger of
  0303_reports recomputes from, so the triggers skip ungraded classes;
- the assignments triggers, which now return at once for class–subject pairs of ungraded classes (no table
  lock for a subject added to a 1st grade);
- a new trigger on classes: a change of a class's grade that crosses the rule recomputes its students;
- the raw recomputation in `api.services.reports.aggregates` and the school performance reports.

The existing rows of the students of ungraded classes are recomputed (`rpt_refresh_student_periods` over them,
all periods), so an upgraded database is exact; the downgrade restores the 0303 functions and recomputes them
the same way.
"""

# ruff: noqa: S608, E501  (SQL here is built only from constant column lists and table names)
from collections.abc import Sequence

from alembic import op

from api.db import split_sql

revision: str = "0304_reports"
down_revision: str | Sequence[str] | None = "0303_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRADED_FUNCTION = """
-- Grades whose students get marks: the 1st grade (and the pre-school class, grade 0) is taught without marks
-- (безотметочное обучение); their students are not in the performance figures.
CREATE OR REPLACE FUNCTION rpt_graded_grade(grade integer) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT grade >= 2 $$;
"""

STUDENT_COUNTS = (
    ", ".join(f"count(*) FILTER (WHERE NOT x.na AND x.v = {v})::int" for v in range(1, 6))
    + ", count(*) FILTER (WHERE x.na)::int, count(*) FILTER (WHERE x.missing)::int"
)

# The rows of 0303_reports; {graded}: a join restricting the enrolments to classes of graded grades, or nothing.
ROWS_SQL = f"""
  WITH p AS (SELECT id, ends_on FROM periods WHERE pids IS NULL OR id IN (SELECT unnest(pids))),
  enr AS (
    SELECT e.organization_id AS o, p.id AS pid, e.student_person_id AS sid, e.class_id
      FROM enrolments e JOIN p ON e.starts_on <= p.ends_on AND (e.ends_on IS NULL OR e.ends_on >= p.ends_on)
      {{graded}}
     WHERE {{enrolment_students}}
  ),
  cs AS (SELECT DISTINCT a.class_id, a.subject_id FROM assignments a WHERE a.class_id IN (SELECT class_id FROM enr)),
  mk AS (
    SELECT m.organization_id AS o, m.period_id AS pid, m.student_person_id AS sid, m.subject_id AS subj,
           max(m.value) AS v, bool_or(m.not_attested) AS na
      FROM marks m
     WHERE m.kind IN ('quarter', 'year') AND m.period_id IN (SELECT id FROM p) AND {{mark_students}}
     GROUP BY 1, 2, 3, 4
  ),
  x AS (
    SELECT enr.o, enr.pid, enr.sid, mk.v, coalesce(mk.na, false) AS na, mk.subj IS NULL AS missing
      FROM enr JOIN cs ON cs.class_id = enr.class_id
      LEFT JOIN mk ON mk.o = enr.o AND mk.pid = enr.pid AND mk.sid = enr.sid AND mk.subj = cs.subject_id
  )
  SELECT x.o, x.pid, x.sid, {STUDENT_COUNTS}
    FROM x GROUP BY x.o, x.pid, x.sid
"""

GRADED_JOIN = "JOIN classes gc ON gc.id = e.class_id AND rpt_graded_grade(gc.grade)"


def _row_functions(graded: str) -> str:
    student_rows = ROWS_SQL.format(
        graded=graded,
        enrolment_students="e.student_person_id IN (SELECT unnest(sids))",
        mark_students="m.student_person_id IN (SELECT unnest(sids))",
    )
    period_rows = ROWS_SQL.format(graded=graded, enrolment_students="true", mark_students="true")
    return f"""
-- rpt_student_period rows of the given students for the given periods (all periods when pids is NULL), from raw
-- rows: the class of the student on the period's last day (of a graded grade: rpt_graded_grade), the subjects
-- assigned to that class, and the student's period marks from that organization in each subject (the highest
-- value; «н/а» if any is «н/а»).
CREATE OR REPLACE FUNCTION rpt_student_period_rows(sids int[], pids int[])
RETURNS TABLE (organization_id int, period_id int, student_person_id int,
               n1 int, n2 int, n3 int, n4 int, n5 int, n_na int, n_missing int)
LANGUAGE sql STABLE AS $$
{student_rows}
$$;

-- The same for every student of the given periods (all when NULL).
CREATE OR REPLACE FUNCTION rpt_period_student_rows(pids int[])
RETURNS TABLE (organization_id int, period_id int, student_person_id int,
               n1 int, n2 int, n3 int, n4 int, n5 int, n_na int, n_missing int)
LANGUAGE sql STABLE AS $$
{period_rows}
$$;
"""


OPS = {"INSERT": "ins", "UPDATE": "upd", "DELETE": "del"}
EXCLUSIVE = "  PERFORM rpt_student_period_exclusive();\n"


def _rows(op_name: str, cols: str) -> str:
    new = f"SELECT {cols} FROM new_rows"
    old = f"SELECT {cols} FROM old_rows"
    return {"INSERT": new, "DELETE": old, "UPDATE": f"{new} UNION ALL {old}"}[op_name]


def _assignments_body(op_name: str, graded: bool) -> str:
    # As in 0303_reports; with `graded`, pairs of classes of ungraded grades are left out (their students have no
    # rows). A class that no longer exists (deleted with its assignments) keeps its pairs: its enrolments went too.
    if op_name == "UPDATE":
        pairs = (
            "(SELECT class_id, subject_id FROM new_rows EXCEPT SELECT class_id, subject_id FROM old_rows) "
            "UNION (SELECT class_id, subject_id FROM old_rows EXCEPT SELECT class_id, subject_id FROM new_rows)"
        )
    else:
        pairs = _rows(op_name, "class_id, subject_id")
    if graded:
        pairs = (
            f"SELECT * FROM ({pairs}) q WHERE NOT EXISTS "
            "(SELECT 1 FROM classes c WHERE c.id = q.class_id AND NOT rpt_graded_grade(c.grade))"
        )
    enrolled = f"enrolments e WHERE e.class_id IN (SELECT class_id FROM ({pairs}) r)"
    return f"""  IF NOT EXISTS (SELECT 1 FROM ({pairs}) r) THEN
    RETURN NULL;
  END IF;
{EXCLUSIVE}  PERFORM rpt_refresh_student_periods(
    ARRAY(SELECT e.student_person_id FROM {enrolled}),
    ARRAY(SELECT p.id FROM periods p WHERE EXISTS (SELECT 1 FROM {enrolled}
           AND e.starts_on <= p.ends_on AND (e.ends_on IS NULL OR e.ends_on >= p.ends_on))));
"""


def _function(fn: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        f"  IF rpt_deferred() THEN RETURN NULL; END IF;\n{body}  RETURN NULL;\nEND\n$$;\n"
    )


# A class whose grade crosses the rule: its students' rows appear or go, for the periods whose last day falls in
# their enrolment there (rare: a data correction).
CHANGED_CLASSES = (
    "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id "
    "WHERE rpt_graded_grade(n.grade) IS DISTINCT FROM rpt_graded_grade(o.grade)"
)
CLASSES_ENROLLED = f"enrolments e WHERE e.class_id IN ({CHANGED_CLASSES})"
CLASSES_BODY = f"""  IF NOT EXISTS ({CHANGED_CLASSES}) THEN
    RETURN NULL;
  END IF;
{EXCLUSIVE}  PERFORM rpt_refresh_student_periods(
    ARRAY(SELECT e.student_person_id FROM {CLASSES_ENROLLED}),
    ARRAY(SELECT p.id FROM periods p WHERE EXISTS (SELECT 1 FROM {CLASSES_ENROLLED}
           AND e.starts_on <= p.ends_on AND (e.ends_on IS NULL OR e.ends_on >= p.ends_on))));
"""


def _functions(graded: bool) -> str:
    parts = [_row_functions(GRADED_JOIN if graded else "")]
    for op_name, short in OPS.items():
        parts.append(_function(f"rpt_assignments_perf_{short}", _assignments_body(op_name, graded)))
    return "\n".join(parts)


# The students of ungraded classes: their rows (all periods) and their organizations' figures, from raw rows.
REFRESH_UNGRADED = """
SELECT rpt_refresh_student_periods(
  ARRAY(SELECT DISTINCT e.student_person_id FROM enrolments e JOIN classes c ON c.id = e.class_id
         WHERE NOT rpt_graded_grade(c.grade)), NULL)
"""


def upgrade() -> None:
    for stmt in split_sql(GRADED_FUNCTION + _functions(graded=True)):
        op.execute(stmt)
    op.execute(_function("rpt_classes_perf_upd", CLASSES_BODY))
    op.execute(
        "CREATE TRIGGER rpt_classes_perf_upd AFTER UPDATE ON classes REFERENCING NEW TABLE AS new_rows "
        "OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rpt_classes_perf_upd()"
    )
    op.execute(REFRESH_UNGRADED)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS rpt_classes_perf_upd ON classes")
    op.execute("DROP FUNCTION IF EXISTS rpt_classes_perf_upd()")
    for stmt in split_sql(_functions(graded=False)):
        op.execute(stmt)
    op.execute(REFRESH_UNGRADED)
    op.execute("DROP FUNCTION IF EXISTS rpt_graded_grade(integer)")
