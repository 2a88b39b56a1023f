"""integration: statement-level checks on marks and absences instead of row-level ones

Revision ID: 0201_integration
Revises: 0200_integration
Create Date: 2026-11-28 15:00:00+00:00

The base revision checks every mark and absence row with two row-level BEFORE triggers (lesson not
cancelled; student enrolled in the class). A BEFORE row trigger runs even for rows that ON CONFLICT then
turns into no-ops, and costs two index probes through PL/pgSQL per row: on a 10,000-mark batch that is most
of the statement's time. These AFTER … FOR EACH STATEMENT triggers check the same rules with one set-based
query over the transition table, and raise with the same constraint names.
"""

from collections.abc import Sequence

from alembic import op

from api.db import split_sql

revision: str = "0201_integration"
down_revision: str | Sequence[str] | None = "0200_integration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UP_SQL = """
DROP TRIGGER IF EXISTS trg_marks_check_lesson ON marks;
DROP TRIGGER IF EXISTS trg_absences_check_lesson ON absences;
DROP TRIGGER IF EXISTS trg_marks_check_student ON marks;
DROP TRIGGER IF EXISTS trg_absences_check_student ON absences;

-- No marks (or absences) on a cancelled lesson; a mark or absence belongs to a student enrolled in the class.
CREATE OR REPLACE FUNCTION journal_rows_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad record;
BEGIN
  SELECT n.lesson_id INTO bad FROM (SELECT DISTINCT lesson_id FROM journal_new_rows) n
    JOIN lessons l ON l.id = n.lesson_id WHERE l.status = 'cancelled' LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'lesson % was cancelled and cannot carry marks', bad.lesson_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_marks_lesson_not_cancelled';
  END IF;
  SELECT n.student_person_id, n.class_id INTO bad
    FROM (SELECT DISTINCT student_person_id, class_id FROM journal_new_rows) n
   WHERE NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.student_person_id = n.student_person_id
                      AND e.class_id = n.class_id) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'student % is not enrolled in class %', bad.student_person_id, bad.class_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_student_enrolled_in_class';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER trg_marks_check_ins AFTER INSERT ON marks REFERENCING NEW TABLE AS journal_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION journal_rows_check();
CREATE TRIGGER trg_marks_check_upd AFTER UPDATE ON marks REFERENCING NEW TABLE AS journal_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION journal_rows_check();
CREATE TRIGGER trg_absences_check_ins AFTER INSERT ON absences REFERENCING NEW TABLE AS journal_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION journal_rows_check();
CREATE TRIGGER trg_absences_check_upd AFTER UPDATE ON absences REFERENCING NEW TABLE AS journal_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION journal_rows_check();
"""

DOWN_SQL = """
DROP TRIGGER IF EXISTS trg_marks_check_ins ON marks;
DROP TRIGGER IF EXISTS trg_marks_check_upd ON marks;
DROP TRIGGER IF EXISTS trg_absences_check_ins ON absences;
DROP TRIGGER IF EXISTS trg_absences_check_upd ON absences;
DROP FUNCTION IF EXISTS journal_rows_check();

CREATE TRIGGER trg_marks_check_lesson BEFORE INSERT OR UPDATE OF lesson_id ON marks
  FOR EACH ROW EXECUTE FUNCTION marks_check_lesson();
CREATE TRIGGER trg_absences_check_lesson BEFORE INSERT OR UPDATE OF lesson_id ON absences
  FOR EACH ROW EXECUTE FUNCTION marks_check_lesson();
CREATE TRIGGER trg_marks_check_student BEFORE INSERT OR UPDATE OF student_person_id, class_id ON marks
  FOR EACH ROW EXECUTE FUNCTION check_student_enrolled();
CREATE TRIGGER trg_absences_check_student BEFORE INSERT OR UPDATE OF student_person_id, class_id ON absences
  FOR EACH ROW EXECUTE FUNCTION check_student_enrolled();
"""


def upgrade() -> None:
    for stmt in split_sql(UP_SQL):
        op.get_bind().exec_driver_sql(stmt)


def downgrade() -> None:
    for stmt in split_sql(DOWN_SQL):
        op.get_bind().exec_driver_sql(stmt)
