"""a lesson taught by a substitute is a lesson held; a lesson with absences cannot be cancelled

Revision ID: 0310_reports
Revises: 0304_reports
Create Date: 2026-12-05 12:00:00+00:00

REPORTS.md («Definitions used above»): a lesson is held when it took place, taught by its own teacher or by a
substitute («заменён»); a cancelled one is not held, and no mark or absence can be recorded on it. The
attendance aggregate (`rpt_org_day_attendance`) counted only status «held», so a replaced lesson added no
lesson and no student-lessons while its absences were subtracted.

- `lesson_held(status)`: the one SQL definition of a held lesson (held or replaced), an inlinable IMMUTABLE
  function used by the triggers, the raw recomputation and the reports (`api.models.school.lesson_held`).
- The attendance triggers on lessons and enrolments (0300_reports) count held and replaced lessons.
- `lessons_check_cancel` also refuses to cancel a lesson that has absences (it refused marks only).
- `rpt_org_day_attendance` is rebuilt from raw rows under the new rule.
"""

# ruff: noqa: S608  (SQL here is built only from constant column lists and table names)
from collections.abc import Sequence

from alembic import op

from api.db import split_sql

revision: str = "0310_reports"
down_revision: str | Sequence[str] | None = "0304_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HELD_FUNCTION = """
-- A lesson is held when it took place: taught by its own teacher (held) or by a substitute (replaced).
CREATE OR REPLACE FUNCTION lesson_held(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT status IN ('held', 'replaced') $$;
"""

CHECK_CANCEL = """
CREATE OR REPLACE FUNCTION lessons_check_cancel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled'
     AND EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = NEW.id) THEN
    RAISE EXCEPTION 'lesson % has marks and cannot be cancelled', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_marks_lesson_not_cancelled';
  END IF;
  {absences}
  RETURN NEW;
END $$;
"""
ABSENCES_CHECK = """IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled'
     AND EXISTS (SELECT 1 FROM absences a WHERE a.lesson_id = NEW.id) THEN
    RAISE EXCEPTION 'lesson % has absences and cannot be cancelled', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_marks_lesson_not_cancelled';
  END IF;"""

ATT_UPSERT = (
    "ON CONFLICT (organization_id, day) DO UPDATE SET lessons_held = t.lessons_held + EXCLUDED.lessons_held, "
    "student_lessons = t.student_lessons + EXCLUDED.student_lessons, abs_illness = t.abs_illness + EXCLUDED.abs_illness, "
    "abs_valid = t.abs_valid + EXCLUDED.abs_valid, abs_unexcused = t.abs_unexcused + EXCLUDED.abs_unexcused, "
    "abs_late = t.abs_late + EXCLUDED.abs_late"
)
ATT_COLS = "organization_id, day, lessons_held, student_lessons, abs_illness, abs_valid, abs_unexcused, abs_late"
OPS = {"INSERT": "ins", "UPDATE": "upd", "DELETE": "del"}


def _rows(op_name: str, cols: str) -> str:
    new = f"SELECT {cols}, 1 AS sgn FROM new_rows"
    old = f"SELECT {cols}, -1 AS sgn FROM old_rows"
    return {"INSERT": new, "DELETE": old, "UPDATE": f"{new} UNION ALL {old}"}[op_name]


def _ids(op_name: str, col: str) -> str:
    return _rows(op_name, col).replace(", 1 AS sgn", "").replace(", -1 AS sgn", "")


def _lessons_body(op_name: str, held: str) -> str:
    rows = _rows(op_name, "organization_id, class_id, date, status")
    classes = _ids(op_name, "class_id")
    return f"""
  PERFORM pg_advisory_xact_lock(53004, c) FROM (SELECT DISTINCT class_id AS c FROM ({classes}) r ORDER BY 1) x;
  INSERT INTO rpt_org_day_attendance AS t ({ATT_COLS})
  SELECT l.organization_id, l.date, sum(l.sgn),
         sum(l.sgn * (SELECT count(*) FROM enrolments e WHERE e.class_id = l.class_id AND e.starts_on <= l.date
                        AND (e.ends_on IS NULL OR e.ends_on >= l.date))), 0, 0, 0, 0
    FROM ({rows}) l WHERE {held.format(s="l.status")} GROUP BY l.organization_id, l.date
  {ATT_UPSERT};
"""


def _enrol_att_body(op_name: str, held: str) -> str:
    rows = _rows(op_name, "organization_id, class_id, starts_on, ends_on")
    classes = _ids(op_name, "class_id")
    return f"""
  PERFORM pg_advisory_xact_lock(53004, c) FROM (SELECT DISTINCT class_id AS c FROM ({classes}) r ORDER BY 1) x;
  INSERT INTO rpt_org_day_attendance AS t ({ATT_COLS})
  SELECT l.organization_id, l.date, 0, sum(e.sgn), 0, 0, 0, 0
    FROM ({rows}) e
    JOIN lessons l ON l.class_id = e.class_id AND {held.format(s="l.status")} AND l.date >= e.starts_on
                  AND (e.ends_on IS NULL OR l.date <= e.ends_on)
   GROUP BY l.organization_id, l.date
  {ATT_UPSERT};
"""


def _trigger_functions(held: str) -> str:
    parts = []
    for table, body in (("lessons", _lessons_body), ("enrolments", _enrol_att_body)):
        for op_name, short in OPS.items():
            parts.append(
                f"CREATE OR REPLACE FUNCTION rpt_{table}_att_{short}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n  IF rpt_deferred() THEN RETURN NULL; END IF;\n{body(op_name, held)}  RETURN NULL;\nEND\n$$;\n"
            )
    return "\n".join(parts)


def _rebuild_attendance(held: str) -> str:
    return f"""
DELETE FROM rpt_org_day_attendance;
INSERT INTO rpt_org_day_attendance ({ATT_COLS})
SELECT * FROM (
  SELECT organization_id, day, sum(lessons_held)::int, sum(student_lessons)::int, sum(abs_illness)::int,
         sum(abs_valid)::int, sum(abs_unexcused)::int, sum(abs_late)::int
    FROM (
      SELECT l.organization_id, l.date AS day, 1 AS lessons_held,
             (SELECT count(*) FROM enrolments e WHERE e.class_id = l.class_id AND e.starts_on <= l.date
                AND (e.ends_on IS NULL OR e.ends_on >= l.date)) AS student_lessons,
             0 AS abs_illness, 0 AS abs_valid, 0 AS abs_unexcused, 0 AS abs_late
        FROM lessons l WHERE {held.format(s="l.status")}
      UNION ALL
      SELECT organization_id, date, 0, 0, (reason = 'illness')::int, (reason = 'valid')::int,
             (reason = 'unexcused')::int, (reason = 'late')::int
        FROM absences
    ) x GROUP BY 1, 2
) q (organization_id, day, lessons_held, student_lessons, abs_illness, abs_valid, abs_unexcused, abs_late)
WHERE lessons_held <> 0 OR student_lessons <> 0 OR abs_illness <> 0 OR abs_valid <> 0 OR abs_unexcused <> 0
   OR abs_late <> 0;
"""


NEW = "lesson_held({s})"
OLD = "{s} = 'held'"


def upgrade() -> None:
    sql = (
        HELD_FUNCTION
        + CHECK_CANCEL.replace("{absences}", ABSENCES_CHECK)
        + _trigger_functions(NEW)
        + _rebuild_attendance(NEW)
    )
    for stmt in split_sql(sql):
        op.execute(stmt)


def downgrade() -> None:
    sql = CHECK_CANCEL.replace("{absences}", "") + _trigger_functions(OLD) + _rebuild_attendance(OLD)
    sql += "DROP FUNCTION IF EXISTS lesson_held(text);\n"
    for stmt in split_sql(sql):
        op.execute(stmt)
