"""report aggregates kept by statement-level triggers

Revision ID: 0300_reports
Revises: 0001_base
Create Date: 2026-11-28 14:40:00+00:00

School-level aggregates for the management reports, maintained in the writing transaction by
statement-level AFTER triggers with transition tables on staff_posts, enrolments, parent_links,
users (memberships), visits (distinct visitors), marks (period results), lessons, enrolments and
absences (attendance). Updates are additive deltas (safe under concurrent writers); where a delta
depends on other rows of the same person / user / student / class the trigger first takes a
transaction advisory lock on that key so that concurrent writers see each other's committed rows.

Setting `bilim.rpt_defer = on` (SET LOCAL) skips the triggers in a bulk load; the loader must then
call `api.services.reports.aggregates.rebuild_all`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from api.db import split_sql

revision: str = "0300_reports"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("reports",)
depends_on: str | Sequence[str] | None = None

ROLE_BITS = {
    "head": 1,
    "deputy": 2,
    "teacher": 4,
    "additional_teacher": 8,
    "psychologist": 16,
    "social_pedagogue": 32,
    "librarian": 64,
    "administrator": 128,
    "specialist": 256,
    "other": 512,
}
CATEGORY_RANKS = {"none": 1, "pedagogue": 2, "moderator": 3, "expert": 4, "researcher": 5, "master": 6}

PEOPLE_COLUMNS = [
    ("persons", "true"),
    ("users", "registered"),
    ("staff", "is_staff"),
    ("staff_users", "is_staff AND registered"),
    ("students", "is_student"),
    ("student_users", "is_student AND registered"),
    ("parents", "is_parent"),
    ("parent_users", "is_parent AND registered"),
    *[(f"r_{role}", f"staff_roles & {bit} <> 0") for role, bit in ROLE_BITS.items()],
    *[(f"c_{cat}", f"is_staff AND category_rank = {rank}") for cat, rank in CATEGORY_RANKS.items()],
]

PERF_CONTRIB = [
    ("students", "1"),
    ("not_attested", "(n_na > 0)::int"),
    ("attested", "(n_na = 0 AND n1 + n2 + n3 + n4 + n5 > 0)::int"),
    ("excellent", "(n_na = 0 AND n5 > 0 AND n1 + n2 + n3 + n4 = 0)::int"),
    ("good", "(n_na = 0 AND n4 > 0 AND n1 + n2 + n3 = 0)::int"),
    ("one_three", "(n_na = 0 AND n3 = 1 AND n1 + n2 = 0)::int"),
    ("failing", "(n_na = 0 AND n1 + n2 > 0)::int"),
    ("n1", "n1"),
    ("n2", "n2"),
    ("n3", "n3"),
    ("n4", "n4"),
    ("n5", "n5"),
]


def _rows(op_name: str, cols: str) -> str:
    """The changed rows of a statement, each with sgn +1 (new) or -1 (old)."""
    new = f"SELECT {cols}, 1 AS sgn FROM new_rows"
    old = f"SELECT {cols}, -1 AS sgn FROM old_rows"
    return {"INSERT": new, "DELETE": old, "UPDATE": f"{new} UNION ALL {old}"}[op_name]


def _ids(op_name: str, col: str) -> str:
    return _rows(op_name, col).replace(", 1 AS sgn", "").replace(", -1 AS sgn", "")


def _people_contrib(sign: str) -> str:
    cols = ", ".join(c for c, _ in PEOPLE_COLUMNS)
    sums = ", ".join(f"{sign}count(*) FILTER (WHERE {expr})" for _, expr in PEOPLE_COLUMNS)
    sets = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c, _ in PEOPLE_COLUMNS)
    return (
        f"INSERT INTO rpt_org_people AS t (organization_id, {cols}) "
        f"SELECT organization_id, {sums} FROM rpt_person_org WHERE person_id = ANY(ids) GROUP BY organization_id "
        f"ON CONFLICT (organization_id) DO UPDATE SET {sets}"
    )


def _perf_contrib(sign: str, delta_cte: str) -> str:
    cols = ", ".join(c for c, _ in PERF_CONTRIB)
    sums = ", ".join(f"{sign}sum({expr})" for _, expr in PERF_CONTRIB)
    sets = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c, _ in PERF_CONTRIB)
    return (
        f"WITH d AS ({delta_cte}) "
        f"INSERT INTO rpt_org_period_perf AS t (organization_id, period_id, {cols}) "
        f"SELECT sp.organization_id, sp.period_id, {sums} FROM rpt_student_period sp "
        f"JOIN d ON d.o = sp.organization_id AND d.p = sp.period_id AND d.s = sp.student_person_id "
        f"GROUP BY sp.organization_id, sp.period_id "
        f"ON CONFLICT (organization_id, period_id) DO UPDATE SET {sets}"
    )


BASE_SQL = f"""
CREATE OR REPLACE FUNCTION rpt_deferred() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce(current_setting('bilim.rpt_defer', true), '') = 'on'
$$;

CREATE OR REPLACE FUNCTION rpt_visit_day(ts timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (ts AT TIME ZONE 'Asia/Almaty')::date
$$;

CREATE OR REPLACE FUNCTION rpt_role_bit(role text) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE role {" ".join(f"WHEN '{k}' THEN {v}" for k, v in ROLE_BITS.items())} ELSE 0 END
$$;

CREATE OR REPLACE FUNCTION rpt_category_rank(cat text) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (CASE cat {" ".join(f"WHEN '{k}' THEN {v}" for k, v in CATEGORY_RANKS.items())} ELSE 1 END)::smallint
$$;

-- Memberships of the given persons, recomputed from raw rows (open staff posts, open enrolments,
-- parents of openly enrolled children) with the registered flag and the multi-organization flag.
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

CREATE OR REPLACE FUNCTION rpt_refresh_persons(ids int[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  ids := ARRAY(SELECT DISTINCT x FROM unnest(ids) x WHERE x IS NOT NULL ORDER BY 1);
  PERFORM pg_advisory_xact_lock(53001, x) FROM unnest(ids) x;
  {_people_contrib("-")};
  DELETE FROM rpt_person_org WHERE person_id = ANY(ids);
  INSERT INTO rpt_person_org (person_id, organization_id, is_staff, is_student, is_parent, registered,
                              staff_roles, category_rank, multi)
  SELECT * FROM rpt_person_memberships(ids);
  {_people_contrib("")};
  DELETE FROM rpt_org_people WHERE persons = 0;
END
$$;
"""

# person ids touched by a statement on each membership table
PEOPLE_SOURCES = {
    "staff_posts": "SELECT person_id FROM ({rows}) r",
    "parent_links": "SELECT parent_person_id FROM ({rows}) r",
    "users": "SELECT person_id FROM ({rows}) r WHERE person_id IS NOT NULL",
    "enrolments": (
        "SELECT student_person_id FROM ({rows}) r UNION "
        "SELECT pl.parent_person_id FROM parent_links pl WHERE pl.child_person_id IN "
        "(SELECT student_person_id FROM ({rows}) r2)"
    ),
}
PEOPLE_COLS = {
    "staff_posts": "person_id",
    "parent_links": "parent_person_id",
    "users": "person_id",
    "enrolments": "student_person_id",
}


def _visits_delta(op_name: str) -> str:
    rows = _rows(op_name, "organization_id, user_id, visited_at")
    return (
        "SELECT organization_id AS o, user_id AS u, rpt_visit_day(visited_at) AS dd, sum(sgn)::int AS n "
        f"FROM ({rows}) x GROUP BY 1, 2, 3 HAVING sum(sgn) <> 0"
    )


def _visits_coverage(delta: str, sign: str, before: bool) -> str:
    # Pairs (organization, user) whose set of visit days changes; before = the state without this
    # statement's delta. A pair covers day x for window w when it has a visit day in [x-w+1, x].
    cond = (
        "(coalesce(v.visits, 0) > 0) <> (coalesce(v.visits, 0) + d.n > 0)"
        if before
        else "(coalesce(v.visits, 0) > 0) <> (coalesce(v.visits, 0) - d.n > 0)"
    )
    return f"""
WITH d AS ({delta}),
c AS (
  SELECT d.o, d.u, min(d.dd) AS lo, max(d.dd) AS hi
    FROM d LEFT JOIN rpt_visit_days v ON v.organization_id = d.o AND v.user_id = d.u AND v.day = d.dd
   WHERE {cond}
   GROUP BY d.o, d.u
),
cov AS (
  SELECT DISTINCT c.o, c.u, w.w, v.day + k AS x
    FROM c
    JOIN rpt_visit_days v ON v.organization_id = c.o AND v.user_id = c.u AND v.day BETWEEN c.lo - 29 AND c.hi + 29
    CROSS JOIN (VALUES (1), (7), (30)) AS w(w)
    CROSS JOIN LATERAL generate_series(0, w.w - 1) AS k
   WHERE v.day + k BETWEEN c.lo AND c.hi + w.w - 1
)
INSERT INTO rpt_org_visit_windows AS t (organization_id, day, d1, d7, d30)
SELECT o, x, {sign}count(*) FILTER (WHERE w = 1), {sign}count(*) FILTER (WHERE w = 7), {sign}count(*) FILTER (WHERE w = 30)
  FROM cov GROUP BY o, x
ON CONFLICT (organization_id, day) DO UPDATE SET d1 = t.d1 + EXCLUDED.d1, d7 = t.d7 + EXCLUDED.d7, d30 = t.d30 + EXCLUDED.d30
"""


def _visits_body(op_name: str) -> str:
    delta = _visits_delta(op_name)
    users = _ids(op_name, "user_id")
    return f"""
  PERFORM pg_advisory_xact_lock(53003, u) FROM (SELECT DISTINCT user_id AS u FROM ({users}) r ORDER BY 1) s;
  {_visits_coverage(delta, "-", True)};
  WITH d AS ({delta})
  INSERT INTO rpt_visit_days AS t (organization_id, user_id, day, visits) SELECT o, u, dd, n FROM d
  ON CONFLICT (organization_id, user_id, day) DO UPDATE SET visits = t.visits + EXCLUDED.visits;
  WITH d AS ({delta})
  DELETE FROM rpt_visit_days v USING d WHERE v.organization_id = d.o AND v.user_id = d.u AND v.day = d.dd
     AND v.visits <= 0;
  {_visits_coverage(delta, "", False)};
  DELETE FROM rpt_multi_visitors WHERE user_id IN (SELECT user_id FROM ({users}) r);
  INSERT INTO rpt_multi_visitors (user_id)
  SELECT v.user_id FROM rpt_visit_days v WHERE v.user_id IN (SELECT user_id FROM ({users}) r)
   GROUP BY v.user_id HAVING count(DISTINCT v.organization_id) > 1;
"""


def _marks_delta(op_name: str) -> str:
    rows = _rows(op_name, "organization_id, period_id, student_person_id, kind, value, not_attested")
    sums = ", ".join(f"coalesce(sum(sgn) FILTER (WHERE value = {v}), 0)::int AS d{v}" for v in range(1, 6))
    return (
        f"SELECT organization_id AS o, period_id AS p, student_person_id AS s, {sums}, "
        "coalesce(sum(sgn) FILTER (WHERE not_attested), 0)::int AS dna "
        f"FROM ({rows}) x WHERE kind IN ('quarter', 'year') AND period_id IS NOT NULL GROUP BY 1, 2, 3"
    )


def _marks_body(op_name: str) -> str:
    delta = _marks_delta(op_name)
    students = _ids(op_name, "student_person_id")
    sets = ", ".join(f"n{v} = t.n{v} + EXCLUDED.n{v}" for v in range(1, 6))
    return f"""
  PERFORM pg_advisory_xact_lock(53002, s) FROM (SELECT DISTINCT student_person_id AS s FROM ({students}) r ORDER BY 1) x;
  {_perf_contrib("-", delta)};
  WITH d AS ({delta})
  INSERT INTO rpt_student_period AS t (organization_id, period_id, student_person_id, n1, n2, n3, n4, n5, n_na)
  SELECT o, p, s, d1, d2, d3, d4, d5, dna FROM d
  ON CONFLICT (organization_id, period_id, student_person_id) DO UPDATE SET {sets}, n_na = t.n_na + EXCLUDED.n_na;
  WITH d AS ({delta})
  DELETE FROM rpt_student_period sp USING d
   WHERE sp.organization_id = d.o AND sp.period_id = d.p AND sp.student_person_id = d.s
     AND sp.n1 + sp.n2 + sp.n3 + sp.n4 + sp.n5 + sp.n_na = 0;
  {_perf_contrib("", delta)};
  WITH d AS ({delta})
  DELETE FROM rpt_org_period_perf t USING (SELECT DISTINCT o, p FROM d) k
   WHERE t.organization_id = k.o AND t.period_id = k.p AND t.students = 0;
"""


ATT_UPSERT = (
    "ON CONFLICT (organization_id, day) DO UPDATE SET lessons_held = t.lessons_held + EXCLUDED.lessons_held, "
    "student_lessons = t.student_lessons + EXCLUDED.student_lessons, abs_illness = t.abs_illness + EXCLUDED.abs_illness, "
    "abs_valid = t.abs_valid + EXCLUDED.abs_valid, abs_unexcused = t.abs_unexcused + EXCLUDED.abs_unexcused, "
    "abs_late = t.abs_late + EXCLUDED.abs_late"
)
ATT_COLS = "organization_id, day, lessons_held, student_lessons, abs_illness, abs_valid, abs_unexcused, abs_late"


def _lessons_body(op_name: str) -> str:
    rows = _rows(op_name, "organization_id, class_id, date, status")
    classes = _ids(op_name, "class_id")
    return f"""
  PERFORM pg_advisory_xact_lock(53004, c) FROM (SELECT DISTINCT class_id AS c FROM ({classes}) r ORDER BY 1) x;
  INSERT INTO rpt_org_day_attendance AS t ({ATT_COLS})
  SELECT l.organization_id, l.date, sum(l.sgn),
         sum(l.sgn * (SELECT count(*) FROM enrolments e WHERE e.class_id = l.class_id AND e.starts_on <= l.date
                        AND (e.ends_on IS NULL OR e.ends_on >= l.date))), 0, 0, 0, 0
    FROM ({rows}) l WHERE l.status = 'held' GROUP BY l.organization_id, l.date
  {ATT_UPSERT};
"""


def _enrol_att_body(op_name: str) -> str:
    rows = _rows(op_name, "organization_id, class_id, starts_on, ends_on")
    classes = _ids(op_name, "class_id")
    return f"""
  PERFORM pg_advisory_xact_lock(53004, c) FROM (SELECT DISTINCT class_id AS c FROM ({classes}) r ORDER BY 1) x;
  INSERT INTO rpt_org_day_attendance AS t ({ATT_COLS})
  SELECT l.organization_id, l.date, 0, sum(e.sgn), 0, 0, 0, 0
    FROM ({rows}) e
    JOIN lessons l ON l.class_id = e.class_id AND l.status = 'held' AND l.date >= e.starts_on
                  AND (e.ends_on IS NULL OR l.date <= e.ends_on)
   GROUP BY l.organization_id, l.date
  {ATT_UPSERT};
"""


def _absences_body(op_name: str) -> str:
    rows = _rows(op_name, "organization_id, date, reason")
    return f"""
  INSERT INTO rpt_org_day_attendance AS t ({ATT_COLS})
  SELECT organization_id, date, 0, 0,
         coalesce(sum(sgn) FILTER (WHERE reason = 'illness'), 0), coalesce(sum(sgn) FILTER (WHERE reason = 'valid'), 0),
         coalesce(sum(sgn) FILTER (WHERE reason = 'unexcused'), 0), coalesce(sum(sgn) FILTER (WHERE reason = 'late'), 0)
    FROM ({rows}) a GROUP BY organization_id, date
  {ATT_UPSERT};
"""


def _people_body(table: str, op_name: str) -> str:
    ids_sql = PEOPLE_SOURCES[table].replace("{rows}", _ids(op_name, "*"))
    return f"  PERFORM rpt_refresh_persons(ARRAY({ids_sql}));\n"


# (table, function suffix, body builder)
TRIGGERS: list[tuple[str, str, object]] = [
    ("staff_posts", "people", lambda o: _people_body("staff_posts", o)),
    ("parent_links", "people", lambda o: _people_body("parent_links", o)),
    ("users", "people", lambda o: _people_body("users", o)),
    ("enrolments", "people", lambda o: _people_body("enrolments", o)),
    ("enrolments", "att", _enrol_att_body),
    ("visits", "visits", _visits_body),
    ("marks", "perf", _marks_body),
    ("lessons", "att", _lessons_body),
    ("absences", "att", _absences_body),
]
OPS = {"INSERT": "ins", "UPDATE": "upd", "DELETE": "del"}


def _trigger_sql() -> str:
    parts: list[str] = []
    for table, suffix, body in TRIGGERS:
        for op_name, short in OPS.items():
            fn = f"rpt_{table}_{suffix}_{short}"
            referencing = {
                "INSERT": "REFERENCING NEW TABLE AS new_rows",
                "DELETE": "REFERENCING OLD TABLE AS old_rows",
                "UPDATE": "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows",
            }[op_name]
            parts.append(
                f"CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
                f"  IF rpt_deferred() THEN RETURN NULL; END IF;\n{body(op_name)}  RETURN NULL;\nEND\n$$;\n"  # type: ignore[operator]
                f"CREATE TRIGGER {fn} AFTER {op_name} ON {table} {referencing} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {fn}();\n"
            )
    return "\n".join(parts)


def _drop_sql() -> str:
    parts: list[str] = []
    for table, suffix, _ in TRIGGERS:
        for short in OPS.values():
            fn = f"rpt_{table}_{suffix}_{short}"
            parts.append(f"DROP TRIGGER IF EXISTS {fn} ON {table};\nDROP FUNCTION IF EXISTS {fn}();")
    parts.append(
        "DROP FUNCTION IF EXISTS rpt_refresh_persons(int[]);\n"
        "DROP FUNCTION IF EXISTS rpt_person_memberships(int[]);\n"
        "DROP FUNCTION IF EXISTS rpt_category_rank(text);\n"
        "DROP FUNCTION IF EXISTS rpt_role_bit(text);\n"
        "DROP FUNCTION IF EXISTS rpt_visit_day(timestamptz);\n"
        "DROP FUNCTION IF EXISTS rpt_deferred();"
    )
    return "\n".join(parts)


def _int(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "rpt_person_org",
        _int("person_id"),
        _int("organization_id"),
        sa.Column("is_staff", sa.Boolean(), nullable=False),
        sa.Column("is_student", sa.Boolean(), nullable=False),
        sa.Column("is_parent", sa.Boolean(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        _int("staff_roles"),
        sa.Column("category_rank", sa.SmallInteger(), nullable=False),
        sa.Column("multi", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "organization_id", name=op.f("pk_rpt_person_org")),
    )
    op.create_index("ix_rpt_person_org_organization_id", "rpt_person_org", ["organization_id"])
    op.create_index("ix_rpt_person_org_multi", "rpt_person_org", ["organization_id"], postgresql_where=sa.text("multi"))
    op.create_table(
        "rpt_org_people",
        _int("organization_id"),
        *[_int(c) for c, _ in PEOPLE_COLUMNS],
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_rpt_org_people")),
    )
    op.create_table(
        "rpt_visit_days",
        _int("organization_id"),
        _int("user_id"),
        sa.Column("day", sa.Date(), nullable=False),
        _int("visits"),
        sa.PrimaryKeyConstraint("organization_id", "user_id", "day", name=op.f("pk_rpt_visit_days")),
    )
    op.create_index("ix_rpt_visit_days_user_id_day", "rpt_visit_days", ["user_id", "day"])
    op.create_table(
        "rpt_org_visit_windows",
        _int("organization_id"),
        sa.Column("day", sa.Date(), nullable=False),
        _int("d1"),
        _int("d7"),
        _int("d30"),
        sa.PrimaryKeyConstraint("organization_id", "day", name=op.f("pk_rpt_org_visit_windows")),
    )
    op.create_table(
        "rpt_multi_visitors", _int("user_id"), sa.PrimaryKeyConstraint("user_id", name=op.f("pk_rpt_multi_visitors"))
    )
    op.create_table(
        "rpt_student_period",
        _int("organization_id"),
        _int("period_id"),
        _int("student_person_id"),
        *[_int(c) for c in ("n1", "n2", "n3", "n4", "n5", "n_na")],
        sa.PrimaryKeyConstraint(
            "organization_id", "period_id", "student_person_id", name=op.f("pk_rpt_student_period")
        ),
    )
    op.create_table(
        "rpt_org_period_perf",
        _int("organization_id"),
        _int("period_id"),
        *[_int(c) for c, _ in PERF_CONTRIB],
        sa.PrimaryKeyConstraint("organization_id", "period_id", name=op.f("pk_rpt_org_period_perf")),
    )
    op.create_index("ix_rpt_org_period_perf_period_id", "rpt_org_period_perf", ["period_id"])
    op.create_table(
        "rpt_org_day_attendance",
        _int("organization_id"),
        sa.Column("day", sa.Date(), nullable=False),
        *[_int(c) for c in ("lessons_held", "student_lessons", "abs_illness", "abs_valid", "abs_unexcused", "abs_late")],
        sa.PrimaryKeyConstraint("organization_id", "day", name=op.f("pk_rpt_org_day_attendance")),
    )
    op.create_index("ix_rpt_org_day_attendance_day", "rpt_org_day_attendance", ["day"])
    for stmt in split_sql(BASE_SQL + _trigger_sql()):
        op.execute(stmt)


def downgrade() -> None:
    for stmt in split_sql(_drop_sql()):
        op.execute(stmt)
    for table in (
        "rpt_org_day_attendance",
        "rpt_org_period_perf",
        "rpt_student_period",
        "rpt_multi_visitors",
        "rpt_org_visit_windows",
        "rpt_visit_days",
        "rpt_org_people",
        "rpt_person_org",
    ):
        op.drop_table(table)
