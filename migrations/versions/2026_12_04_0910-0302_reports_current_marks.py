"""report aggregate of current marks per (organization, period, student, subject)

Revision ID: 0302_reports
Revises: 0301_reports
Create Date: 2026-12-04 09:10:00+00:00

The performance reports «by current marks» use the average of a student's current marks dated within the
period, per subject. Read from raw marks, the largest school of the 500-school benchmark region has ~40,000
current marks in a quarter to fetch and group on every request; `rpt_student_current` keeps their count and
sum per (organization, period, student, subject), for every period (quarter, half, year) whose dates contain
the mark's date.

Kept exact in the writing transaction like the other aggregates (statement-level triggers with transition
tables, additive deltas; a row that falls to n = 0 is kept and reads as absent): on marks by the delta of the
changed current marks joined to the periods that contain their dates; on periods by recomputing the periods
whose dates changed (rare: an academic year is set up before its marks arrive). The periods trigger first
takes SHARE on marks, so that it waits for writers of marks in flight and recomputes from their committed
rows, and writers that come after see the new dates. `bilim.rpt_defer = on` skips them like the others
(`rebuild_all` fills the table).

A report reads one organization's rows of one period (thousands): they are written in key order (here and by
`rebuild_all`), and fillfactor 80 leaves room on each page so that the triggers' updates of n and total stay
on the row's page (HOT), so those rows stay on a few pages instead of one page each.
"""

# ruff: noqa: S608  (SQL here is built only from constant column lists and table names)
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.db import split_sql

revision: str = "0302_reports"
down_revision: str | Sequence[str] | None = "0301_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "organization_id, period_id, student_person_id, subject_id"
REFERENCING = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
    "UPDATE": "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows",
}
OPS = {"INSERT": "ins", "UPDATE": "upd", "DELETE": "del"}


def _marks_delta(op_name: str) -> str:
    cols = "organization_id, student_person_id, subject_id, kind, value, date"
    new = f"SELECT {cols}, 1 AS sgn FROM new_rows"
    old = f"SELECT {cols}, -1 AS sgn FROM old_rows"
    rows = {"INSERT": new, "DELETE": old, "UPDATE": f"{new} UNION ALL {old}"}[op_name]
    return (
        "SELECT x.organization_id AS o, p.id AS p, x.student_person_id AS s, x.subject_id AS subj, "
        "sum(x.sgn)::int AS dn, sum(x.sgn * x.value)::int AS dv "
        f"FROM ({rows}) x JOIN periods p ON x.date BETWEEN p.starts_on AND p.ends_on "
        "WHERE x.kind = 'current' AND x.value IS NOT NULL "
        "GROUP BY 1, 2, 3, 4 HAVING sum(x.sgn) <> 0 OR sum(x.sgn * x.value) <> 0"
    )


def _marks_body(op_name: str) -> str:
    # Only the upsert: a row whose marks all went away stays with n = 0 and reads as absent. Deleting it would
    # cost a second pass over the delta for every statement (a 10,000-mark batch: ~1 s when the planner
    # misjudges that join), for rows that only deletes and date moves leave behind. Rows are upserted in key
    # order, so that two concurrent statements touching the same keys lock them in the same order (no deadlock).
    return f"""
  WITH d AS ({_marks_delta(op_name)})
  INSERT INTO rpt_student_current AS t ({KEY}, n, total) SELECT o, p, s, subj, dn, dv FROM d ORDER BY o, p, s, subj
  ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + EXCLUDED.n, total = t.total + EXCLUDED.total;
"""


def _recompute(periods: str) -> str:
    return f"""
  INSERT INTO rpt_student_current ({KEY}, n, total)
  SELECT m.organization_id, p.id, m.student_person_id, m.subject_id, count(*), sum(m.value)
    FROM ({periods}) p JOIN marks m ON m.date BETWEEN p.starts_on AND p.ends_on
   WHERE m.kind = 'current' AND m.value IS NOT NULL
   GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
"""


def _periods_body(op_name: str) -> str:
    lock = "  LOCK TABLE marks IN SHARE MODE;\n"
    new = "SELECT id, starts_on, ends_on FROM new_rows"
    old = "SELECT id, starts_on, ends_on FROM old_rows"
    if op_name == "INSERT":
        return lock + _recompute(new)
    if op_name == "DELETE":
        return lock + "  DELETE FROM rpt_student_current WHERE period_id IN (SELECT id FROM old_rows);\n"
    return (
        lock
        + f"  DELETE FROM rpt_student_current WHERE period_id IN (SELECT id FROM ({old} EXCEPT {new}) c);\n"
        + _recompute(f"{new} EXCEPT {old}")
    )


TRIGGERS = [("marks", "current", _marks_body), ("periods", "current", _periods_body)]


def _trigger_sql() -> str:
    parts: list[str] = []
    for table, suffix, body in TRIGGERS:
        for op_name, short in OPS.items():
            fn = f"rpt_{table}_{suffix}_{short}"
            parts.append(
                f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
                f"  IF rpt_deferred() THEN RETURN NULL; END IF;\n{body(op_name)}  RETURN NULL;\nEND\n$$;\n"
                f"CREATE TRIGGER {fn} AFTER {op_name} ON {table} {REFERENCING[op_name]} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}();\n"
            )
    return "\n".join(parts)


def _drop_sql() -> str:
    parts: list[str] = []
    for table, suffix, _ in TRIGGERS:
        for short in OPS.values():
            fn = f"rpt_{table}_{suffix}_{short}"
            parts.append(f"DROP TRIGGER IF EXISTS {fn} ON {table};\nDROP FUNCTION IF EXISTS {fn}();")
    return "\n".join(parts)


def upgrade() -> None:
    op.create_table(
        "rpt_student_current",
        *[sa.Column(c, sa.Integer(), nullable=False) for c in KEY.split(", ")],
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*KEY.split(", "), name=op.f("pk_rpt_student_current")),
        postgresql_with={"fillfactor": 80},
    )
    # Existing marks (a database migrated with data): the same recomputation as `rebuild_all`.
    op.execute(_recompute("SELECT id, starts_on, ends_on FROM periods").strip().rstrip(";"))
    for stmt in split_sql(_trigger_sql()):
        op.execute(stmt)


def downgrade() -> None:
    for stmt in split_sql(_drop_sql()):
        op.execute(stmt)
    op.drop_table("rpt_student_current")
