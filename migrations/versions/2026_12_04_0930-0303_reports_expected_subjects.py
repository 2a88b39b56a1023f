"""period performance by expected subject: a subject left without a period mark once the period has ended is «не аттестован»

Revision ID: 0303_reports
Revises: 0302_reports
Create Date: 2026-12-04 09:30:00+00:00

REPORTS.md: performance.organizations uses the definitions of school.performance.school, and a student is «не
аттестован» for a subject «when the period has ended and no period mark exists (or the mark is «н/а»)». The
aggregate counted period marks only, so a missing mark went unnoticed. Now `rpt_student_period` is kept per
student enrolled in a class of the organization on the period's last day, over the subjects assigned to that
class (class–subject), with the period mark of each subject (the highest if several; «н/а» wins): subjects by
mark value, subjects with «н/а» (n_na) and subjects without a period mark (n_missing). `rpt_org_period_perf`
keeps the classification twice: as while the period runs (only «н/а» makes a student not attested) and as
once it has ended (`*_ended`: «н/а» or a missing mark); the report picks by its date.

A student's rows are recomputed from raw rows (`rpt_refresh_student_periods(students, periods)`) when the
student's period marks change, when the student's enrolments change, and when the class–subject assignments of
the student's class change; a change of a period's last day recomputes that period. Writers of one student
serialize on the person's advisory lock (53001, the one rpt_refresh_persons takes; it was 53002), under ROW
EXCLUSIVE on rpt_student_period; assignments,
periods and statements over more than 500 students take SHARE ROW EXCLUSIVE on it instead (it waits for the
per-student writers in flight, holds off new ones, and bounds the number of locks a large batch takes).

The marks trigger now returns at once for statements without period marks: current marks, СОР/СОЧ and exams
feed no aggregate that depends on the student's other marks, so they take no per-student lock any more
(`rpt_student_current`, 0302_reports, is kept by additive upserts and needs none).
"""

# ruff: noqa: S608, E501  (SQL here is built only from constant column lists and table names)
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.db import split_sql

revision: str = "0303_reports"
down_revision: str | Sequence[str] | None = "0302_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARKS = "n1 + n2 + n3 + n4 + n5"


def _classes(na: str) -> list[tuple[str, str]]:
    """Students by result given the «not attested» condition of a student row."""
    return [
        ("not_attested", f"({na})::int"),
        ("attested", f"(NOT ({na}) AND {MARKS} > 0)::int"),
        ("excellent", f"(NOT ({na}) AND n5 > 0 AND n1 + n2 + n3 + n4 = 0)::int"),
        ("good", f"(NOT ({na}) AND n4 > 0 AND n1 + n2 + n3 = 0)::int"),
        ("one_three", f"(NOT ({na}) AND n3 = 1 AND n1 + n2 = 0)::int"),
        ("failing", f"(NOT ({na}) AND n1 + n2 > 0)::int"),
    ]


RUNNING = _classes("n_na > 0")
ENDED = [(f"{c}_ended", e) for c, e in _classes("n_na + n_missing > 0")]
PERF_CONTRIB = [("students", "1"), *RUNNING, *[(f"n{v}", f"n{v}") for v in range(1, 6)], *ENDED]
ENDED_COLUMNS = [c for c, _ in ENDED]

# The previous contributions (0300_reports), for the downgrade.
OLD_CONTRIB = [
    ("students", "1"),
    ("not_attested", "(n_na > 0)::int"),
    ("attested", "(n_na = 0 AND n1 + n2 + n3 + n4 + n5 > 0)::int"),
    ("excellent", "(n_na = 0 AND n5 > 0 AND n1 + n2 + n3 + n4 = 0)::int"),
    ("good", "(n_na = 0 AND n4 > 0 AND n1 + n2 + n3 = 0)::int"),
    ("one_three", "(n_na = 0 AND n3 = 1 AND n1 + n2 = 0)::int"),
    ("failing", "(n_na = 0 AND n1 + n2 > 0)::int"),
    *[(f"n{v}", f"n{v}") for v in range(1, 6)],
]

STUDENT_COUNTS = (
    ", ".join(f"count(*) FILTER (WHERE NOT x.na AND x.v = {v})::int" for v in range(1, 6))
    + ", count(*) FILTER (WHERE x.na)::int, count(*) FILTER (WHERE x.missing)::int"
)


def _contrib(sign: str, where: str) -> str:
    cols = ", ".join(c for c, _ in PERF_CONTRIB)
    sums = ", ".join(f"{sign}sum({expr})" for _, expr in PERF_CONTRIB)
    sets = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c, _ in PERF_CONTRIB)
    return (
        f"  INSERT INTO rpt_org_period_perf AS t (organization_id, period_id, {cols})\n"
        f"  SELECT sp.organization_id, sp.period_id, {sums} FROM rpt_student_period sp {where}\n"
        f"   GROUP BY sp.organization_id, sp.period_id\n"
        f"  ON CONFLICT (organization_id, period_id) DO UPDATE SET {sets};\n"
    )


# One row per (organization, period, student) from the expected (class, subject) pairs of the students enrolled
# on a period's last day and their period marks. {periods}: the periods; {students}: a filter on enrolments
# (e) and on marks (m) by student, or nothing.
ROWS_SQL = f"""
  WITH p AS (SELECT id, ends_on FROM periods WHERE {{periods}}),
  enr AS (
    SELECT e.organization_id AS o, p.id AS pid, e.student_person_id AS sid, e.class_id
      FROM enrolments e JOIN p ON e.starts_on <= p.ends_on AND (e.ends_on IS NULL OR e.ends_on >= p.ends_on)
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

STUDENT_ROWS = ROWS_SQL.format(
    periods="pids IS NULL OR id IN (SELECT unnest(pids))",
    enrolment_students="e.student_person_id IN (SELECT unnest(sids))",
    mark_students="m.student_person_id IN (SELECT unnest(sids))",
)
PERIOD_ROWS = ROWS_SQL.format(
    periods="pids IS NULL OR id IN (SELECT unnest(pids))", enrolment_students="true", mark_students="true"
)
WHERE_STUDENTS = (
    "WHERE sp.student_person_id IN (SELECT unnest(sids)) AND (pids IS NULL OR sp.period_id IN (SELECT unnest(pids)))"
)

FUNCTIONS = f"""
-- rpt_student_period rows of the given students for the given periods (all periods when pids is NULL), from raw
-- rows: the class of the student on the period's last day, the subjects assigned to that class, and the student's
-- period marks from that organization in each subject (the highest value; «н/а» if any is «н/а»).
CREATE OR REPLACE FUNCTION rpt_student_period_rows(sids int[], pids int[])
RETURNS TABLE (organization_id int, period_id int, student_person_id int,
               n1 int, n2 int, n3 int, n4 int, n5 int, n_na int, n_missing int)
LANGUAGE sql STABLE AS $$
{STUDENT_ROWS}
$$;

-- The same for every student of the given periods (all when NULL).
CREATE OR REPLACE FUNCTION rpt_period_student_rows(pids int[])
RETURNS TABLE (organization_id int, period_id int, student_person_id int,
               n1 int, n2 int, n3 int, n4 int, n5 int, n_na int, n_missing int)
LANGUAGE sql STABLE AS $$
{PERIOD_ROWS}
$$;

-- SHARE ROW EXCLUSIVE on rpt_student_period for the rest of the transaction; its later refreshes then take no
-- per-student locks (waiting for one while holding this could deadlock with a writer waiting for this).
CREATE OR REPLACE FUNCTION rpt_student_period_exclusive() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE rpt_student_period IN SHARE ROW EXCLUSIVE MODE;
  PERFORM set_config('bilim.rpt_sp_exclusive', 'on', true);
END
$$;

-- Recompute the given students' rows for the given periods (NULL: all) and their organizations' figures.
-- Writers serialize per student under ROW EXCLUSIVE on rpt_student_period, taken first. The student's lock is
-- the person's (53001, rpt_refresh_persons): an enrolment statement holds it already, so it adds no entry to the
-- server's lock table. A statement over many students, and the writers whose set of students depends on other
-- rows (assignments, periods), take SHARE ROW EXCLUSIVE instead, which waits for the per-student writers in
-- flight and holds off new ones: a lock per student of a 10,000-item batch would fill the lock table.
CREATE OR REPLACE FUNCTION rpt_refresh_student_periods(sids int[], pids int[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  sids := ARRAY(SELECT DISTINCT x FROM unnest(sids) x WHERE x IS NOT NULL ORDER BY 1);
  IF cardinality(sids) = 0 THEN RETURN; END IF;
  IF pids IS NOT NULL THEN
    pids := ARRAY(SELECT DISTINCT x FROM unnest(pids) x WHERE x IS NOT NULL ORDER BY 1);
    IF cardinality(pids) = 0 THEN RETURN; END IF;
  END IF;
  IF cardinality(sids) > 500 OR coalesce(current_setting('bilim.rpt_sp_exclusive', true), '') = 'on' THEN
    PERFORM rpt_student_period_exclusive();
  ELSE
    LOCK TABLE rpt_student_period IN ROW EXCLUSIVE MODE;
    PERFORM pg_advisory_xact_lock(53001, x) FROM unnest(sids) x;
  END IF;
{_contrib("-", WHERE_STUDENTS)}
  DELETE FROM rpt_student_period sp {WHERE_STUDENTS};
  INSERT INTO rpt_student_period (organization_id, period_id, student_person_id, n1, n2, n3, n4, n5, n_na, n_missing)
  SELECT * FROM rpt_student_period_rows(sids, pids);
{_contrib("", WHERE_STUDENTS)}
  DELETE FROM rpt_org_period_perf WHERE students = 0;
END
$$;

-- Recompute whole periods (a period's last day changed, or it is new); the caller holds SHARE ROW EXCLUSIVE.
CREATE OR REPLACE FUNCTION rpt_recompute_periods(pids int[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF pids IS NULL OR cardinality(pids) = 0 THEN RETURN; END IF;
  DELETE FROM rpt_student_period WHERE period_id IN (SELECT unnest(pids));
  DELETE FROM rpt_org_period_perf WHERE period_id IN (SELECT unnest(pids));
  INSERT INTO rpt_student_period (organization_id, period_id, student_person_id, n1, n2, n3, n4, n5, n_na, n_missing)
  SELECT * FROM rpt_period_student_rows(pids);
{_contrib("", "WHERE sp.period_id IN (SELECT unnest(pids))")}
  DELETE FROM rpt_org_period_perf WHERE students = 0;
END
$$;
"""


def _rows(op_name: str, cols: str) -> str:
    new = f"SELECT {cols} FROM new_rows"
    old = f"SELECT {cols} FROM old_rows"
    return {"INSERT": new, "DELETE": old, "UPDATE": f"{new} UNION ALL {old}"}[op_name]


def _marks_body(op_name: str) -> str:
    # Only period marks feed rpt_student_period; any other statement (current marks, СОР/СОЧ, exams) returns
    # before taking a lock.
    rows = _rows(op_name, "student_person_id, period_id, kind")
    return f"""  IF NOT EXISTS (SELECT 1 FROM ({rows}) r WHERE r.kind IN ('quarter', 'year') AND r.period_id IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  PERFORM rpt_refresh_student_periods(
    ARRAY(SELECT student_person_id FROM ({rows}) r WHERE r.kind IN ('quarter', 'year') AND r.period_id IS NOT NULL),
    ARRAY(SELECT period_id FROM ({rows}) r WHERE r.kind IN ('quarter', 'year') AND r.period_id IS NOT NULL));
"""


def _enrolments_body(op_name: str) -> str:
    # The periods whose last day falls in an old or new enrolment range: the student's class may differ there.
    # The lock first, so that the periods are read after a concurrent change of their dates has committed.
    rows = _rows(op_name, "student_person_id, class_id, starts_on, ends_on")
    return f"""  LOCK TABLE rpt_student_period IN ROW EXCLUSIVE MODE;
  PERFORM rpt_refresh_student_periods(
    ARRAY(SELECT student_person_id FROM ({rows}) r),
    ARRAY(SELECT p.id FROM periods p WHERE EXISTS (SELECT 1 FROM ({rows}) r
           WHERE r.starts_on <= p.ends_on AND (r.ends_on IS NULL OR r.ends_on >= p.ends_on))));
"""


EXCLUSIVE = "  PERFORM rpt_student_period_exclusive();\n"


def _assignments_body(op_name: str) -> str:
    # Class–subject pairs that appear or disappear (an UPDATE of the teacher or the hours changes none); then
    # every student of those classes, for the periods whose last day falls in their enrolment there. The
    # students are read after the lock, so an enrolment committed meanwhile is among them.
    if op_name == "UPDATE":
        pairs = (
            "(SELECT class_id, subject_id FROM new_rows EXCEPT SELECT class_id, subject_id FROM old_rows) "
            "UNION (SELECT class_id, subject_id FROM old_rows EXCEPT SELECT class_id, subject_id FROM new_rows)"
        )
    else:
        pairs = _rows(op_name, "class_id, subject_id")
    enrolled = f"enrolments e WHERE e.class_id IN (SELECT class_id FROM ({pairs}) r)"
    return f"""  IF NOT EXISTS (SELECT 1 FROM ({pairs}) r) THEN
    RETURN NULL;
  END IF;
{EXCLUSIVE}  PERFORM rpt_refresh_student_periods(
    ARRAY(SELECT e.student_person_id FROM {enrolled}),
    ARRAY(SELECT p.id FROM periods p WHERE EXISTS (SELECT 1 FROM {enrolled}
           AND e.starts_on <= p.ends_on AND (e.ends_on IS NULL OR e.ends_on >= p.ends_on))));
"""


def _periods_body(op_name: str) -> str:
    # Only the last day matters (it picks the students' classes). Rare: an academic year's setup.
    if op_name == "INSERT":
        return EXCLUSIVE + "  PERFORM rpt_recompute_periods(ARRAY(SELECT id FROM new_rows));\n"
    if op_name == "DELETE":
        return (
            EXCLUSIVE + "  DELETE FROM rpt_student_period WHERE period_id IN (SELECT id FROM old_rows);\n"
            "  DELETE FROM rpt_org_period_perf WHERE period_id IN (SELECT id FROM old_rows);\n"
        )
    changed = "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.ends_on <> o.ends_on"
    return f"""  IF NOT EXISTS ({changed}) THEN
    RETURN NULL;
  END IF;
{EXCLUSIVE}  PERFORM rpt_recompute_periods(ARRAY({changed}));
"""


OPS = {"INSERT": "ins", "UPDATE": "upd", "DELETE": "del"}
REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
    "UPDATE": "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows",
}
NEW_TRIGGERS = [("enrolments", _enrolments_body), ("assignments", _assignments_body), ("periods", _periods_body)]


def _function(fn: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        f"  IF rpt_deferred() THEN RETURN NULL; END IF;\n{body}  RETURN NULL;\nEND\n$$;\n"
    )


def _upgrade_sql() -> str:
    parts = [FUNCTIONS]
    for op_name, short in OPS.items():
        # The marks triggers of 0300_reports keep their names; only their functions change.
        parts.append(_function(f"rpt_marks_perf_{short}", _marks_body(op_name)))
        for table, body in NEW_TRIGGERS:
            fn = f"rpt_{table}_perf_{short}"
            parts.append(
                _function(fn, body(op_name)) + f"CREATE TRIGGER {fn} AFTER {op_name} ON {table} "
                f"{REFERENCING[op_name]} FOR EACH STATEMENT EXECUTE FUNCTION {fn}();\n"
            )
    return "\n".join(parts)


# The 0300_reports marks functions, restored by the downgrade.
def _old_marks_body(op_name: str) -> str:
    cols = "organization_id, period_id, student_person_id, kind, value, not_attested"
    rows = {
        "INSERT": f"SELECT {cols}, 1 AS sgn FROM new_rows",
        "DELETE": f"SELECT {cols}, -1 AS sgn FROM old_rows",
        "UPDATE": f"SELECT {cols}, 1 AS sgn FROM new_rows UNION ALL SELECT {cols}, -1 AS sgn FROM old_rows",
    }[op_name]
    students = rows.replace(f"{cols}, 1 AS sgn", "student_person_id").replace(f"{cols}, -1 AS sgn", "student_person_id")
    sums = ", ".join(f"coalesce(sum(sgn) FILTER (WHERE value = {v}), 0)::int AS d{v}" for v in range(1, 6))
    delta = (
        f"SELECT organization_id AS o, period_id AS p, student_person_id AS s, {sums}, "
        "coalesce(sum(sgn) FILTER (WHERE not_attested), 0)::int AS dna "
        f"FROM ({rows}) x WHERE kind IN ('quarter', 'year') AND period_id IS NOT NULL GROUP BY 1, 2, 3"
    )
    ocols = ", ".join(c for c, _ in OLD_CONTRIB)
    sets = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c, _ in OLD_CONTRIB)

    def contrib(sign: str) -> str:
        sums = ", ".join(f"{sign}sum({expr})" for _, expr in OLD_CONTRIB)
        return (
            f"WITH d AS ({delta}) "
            f"INSERT INTO rpt_org_period_perf AS t (organization_id, period_id, {ocols}) "
            f"SELECT sp.organization_id, sp.period_id, {sums} FROM rpt_student_period sp "
            f"JOIN d ON d.o = sp.organization_id AND d.p = sp.period_id AND d.s = sp.student_person_id "
            f"GROUP BY sp.organization_id, sp.period_id "
            f"ON CONFLICT (organization_id, period_id) DO UPDATE SET {sets}"
        )

    vsets = ", ".join(f"n{v} = t.n{v} + EXCLUDED.n{v}" for v in range(1, 6))
    return f"""
  PERFORM pg_advisory_xact_lock(53002, s) FROM (SELECT DISTINCT student_person_id AS s FROM ({students}) r ORDER BY 1) x;
  {contrib("-")};
  WITH d AS ({delta})
  INSERT INTO rpt_student_period AS t (organization_id, period_id, student_person_id, n1, n2, n3, n4, n5, n_na)
  SELECT o, p, s, d1, d2, d3, d4, d5, dna FROM d
  ON CONFLICT (organization_id, period_id, student_person_id) DO UPDATE SET {vsets}, n_na = t.n_na + EXCLUDED.n_na;
  WITH d AS ({delta})
  DELETE FROM rpt_student_period sp USING d
   WHERE sp.organization_id = d.o AND sp.period_id = d.p AND sp.student_person_id = d.s
     AND sp.n1 + sp.n2 + sp.n3 + sp.n4 + sp.n5 + sp.n_na = 0;
  {contrib("")};
  WITH d AS ({delta})
  DELETE FROM rpt_org_period_perf t USING (SELECT DISTINCT o, p FROM d) k
   WHERE t.organization_id = k.o AND t.period_id = k.p AND t.students = 0;
"""


# Recomputation of both tables from raw rows, in the shape of each version (the data migration).
NEW_FILL = f"""
INSERT INTO rpt_student_period (organization_id, period_id, student_person_id, n1, n2, n3, n4, n5, n_na, n_missing)
SELECT * FROM rpt_period_student_rows(NULL);
INSERT INTO rpt_org_period_perf (organization_id, period_id, {", ".join(c for c, _ in PERF_CONTRIB)})
SELECT organization_id, period_id, {", ".join(f"sum({e})" for _, e in PERF_CONTRIB)}
  FROM rpt_student_period GROUP BY 1, 2;
"""
OLD_FILL = f"""
INSERT INTO rpt_student_period (organization_id, period_id, student_person_id, n1, n2, n3, n4, n5, n_na)
SELECT organization_id, period_id, student_person_id,
       count(*) FILTER (WHERE value = 1), count(*) FILTER (WHERE value = 2), count(*) FILTER (WHERE value = 3),
       count(*) FILTER (WHERE value = 4), count(*) FILTER (WHERE value = 5), count(*) FILTER (WHERE not_attested)
  FROM marks WHERE kind IN ('quarter', 'year') AND period_id IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO rpt_org_period_perf (organization_id, period_id, {", ".join(c for c, _ in OLD_CONTRIB)})
SELECT organization_id, period_id, {", ".join(f"sum({e})" for _, e in OLD_CONTRIB)}
  FROM rpt_student_period GROUP BY 1, 2;
"""


def upgrade() -> None:
    op.add_column("rpt_student_period", sa.Column("n_missing", sa.Integer(), nullable=False, server_default="0"))
    op.alter_column("rpt_student_period", "n_missing", server_default=None)
    for c in ENDED_COLUMNS:
        op.add_column("rpt_org_period_perf", sa.Column(c, sa.Integer(), nullable=False, server_default="0"))
        op.alter_column("rpt_org_period_perf", c, server_default=None)
    for stmt in split_sql(_upgrade_sql()):
        op.execute(stmt)
    op.execute("TRUNCATE rpt_student_period, rpt_org_period_perf")
    for stmt in split_sql(NEW_FILL):
        op.execute(stmt)


def downgrade() -> None:
    for table, _ in NEW_TRIGGERS:
        for short in OPS.values():
            op.execute(f"DROP TRIGGER IF EXISTS rpt_{table}_perf_{short} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS rpt_{table}_perf_{short}()")
    for op_name, short in OPS.items():
        op.execute(_function(f"rpt_marks_perf_{short}", _old_marks_body(op_name)))
    for fn in (
        "rpt_recompute_periods(int[])",
        "rpt_refresh_student_periods(int[], int[])",
        "rpt_student_period_exclusive()",
        "rpt_period_student_rows(int[])",
        "rpt_student_period_rows(int[], int[])",
    ):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    op.execute("TRUNCATE rpt_student_period, rpt_org_period_perf")
    for c in ENDED_COLUMNS:
        op.drop_column("rpt_org_period_perf", c)
    op.drop_column("rpt_student_period", "n_missing")
    for stmt in split_sql(OLD_FILL):
        op.execute(stmt)
