"""membership aggregate by day: who belongs to an organization on a day D, with no daily roll

Revision ID: 0311_reports
Revises: 0310_reports
Create Date: 2026-12-05 12:10:00+00:00

REPORTS.md («Who belongs to an organization on a day D»): a student while an enrolment has starts_on ≤ D ≤
ends_on, an employee while a post has started_on ≤ D ≤ ended_on (an empty start or end is open), a parent while
a child is a student there. The membership aggregate counted only rows without an end date: a start in the
future counted, an end date still ahead did not.

The aggregate now keeps intervals, so a count changes on the day a date is reached without any write (no roll):

- `rpt_person_org` holds a person's memberships in an organization as segments [valid_from, valid_to] (±infinity
  for open ends) over which the person's roles, category and registration are constant. The segments are cut at
  every start, at the day after every end and at the day the person's first active account was registered
  (Asia/Almaty calendar day): a registered user on D is an active account registered on or before D.
  `multi`: the person has memberships in two or more organizations (at any time).
- `rpt_org_people` holds, per organization and day, the change of every count on that day (+ where a segment
  starts, − the day after it ends; '-infinity' for open starts). The count on D is the sum of the changes on
  days ≤ D: a few rows per organization, read by the primary key.

`is_member_on(starts, ends, d)` (and `is_member_during(starts, ends, d0, d1)`) is the one SQL definition of the
rule; `api.services.membership` calls it from the reports and the profile, and the segments below follow it
(an empty bound is ±infinity).

The triggers of 0300_reports call `rpt_refresh_persons(ids)` as before, which subtracts the persons' old
segments, recomputes them (`rpt_person_memberships(ids)`) and adds the new ones. Both tables are rebuilt here.
"""

# ruff: noqa: S608, E501  (SQL here is built only from constant column lists and table names)
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

from api.db import split_sql

revision: str = "0311_reports"
down_revision: str | Sequence[str] | None = "0310_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _sibling(prefix: str) -> ModuleType:
    path = next(Path(__file__).parent.glob(f"*-{prefix}_*.py"))
    spec = importlib.util.spec_from_file_location(f"_mig_{prefix}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ROLE_BITS = ["head", "deputy", "teacher", "additional_teacher", "psychologist", "social_pedagogue", "librarian",
             "administrator", "specialist", "other"]  # fmt: skip
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
    *[(f"r_{role}", f"staff_roles & {1 << i} <> 0") for i, role in enumerate(ROLE_BITS)],
    *[(f"c_{cat}", f"is_staff AND category_rank = {rank}") for cat, rank in CATEGORY_RANKS.items()],
]
NONZERO = " OR ".join(f"{c} <> 0" for c, _ in PEOPLE_COLUMNS)


def memberships(restricted: bool) -> str:
    """Segments of the memberships of the persons in `i` (restricted) or of everyone."""
    i = "JOIN i ON i.pid = {}" if restricted else ""
    cte = "i AS (SELECT DISTINCT x AS pid FROM unnest(ids) AS x WHERE x IS NOT NULL), " if restricted else ""
    return f"""
  WITH {cte}m AS (
    SELECT sp.person_id AS pid, sp.organization_id AS oid, coalesce(sp.started_on, '-infinity'::date) AS f,
           coalesce(sp.ended_on, 'infinity'::date) AS t, true AS st, false AS su, false AS pa,
           rpt_role_bit(sp.role_kind) AS rb, rpt_category_rank(sp.category) AS cr
      FROM staff_posts sp {i.format("sp.person_id")}
    UNION ALL
    SELECT e.student_person_id, e.organization_id, coalesce(e.starts_on, '-infinity'::date),
           coalesce(e.ends_on, 'infinity'::date), false, true, false, 0, 0::smallint
      FROM enrolments e {i.format("e.student_person_id")}
    UNION ALL
    SELECT pl.parent_person_id, e.organization_id, coalesce(e.starts_on, '-infinity'::date),
           coalesce(e.ends_on, 'infinity'::date), false, false, true, 0, 0::smallint
      FROM parent_links pl {i.format("pl.parent_person_id")}
      JOIN enrolments e ON e.student_person_id = pl.child_person_id
  ), reg AS (
    SELECT u.person_id AS pid, min(rpt_visit_day(u.registered_at)) AS d
      FROM users u {i.format("u.person_id")} WHERE u.status = 'active' AND u.person_id IS NOT NULL GROUP BY 1
  ), po AS (
    SELECT DISTINCT pid, oid FROM m
  ), b AS (
    SELECT pid, oid, f AS x FROM m
    UNION SELECT pid, oid, t + 1 FROM m WHERE t < 'infinity'::date
    UNION SELECT po.pid, po.oid, reg.d FROM po JOIN reg ON reg.pid = po.pid
  ), seg AS (
    SELECT pid, oid, x AS f, coalesce(lead(x) OVER (PARTITION BY pid, oid ORDER BY x) - 1, 'infinity'::date) AS t
      FROM b
  ), g AS (
    SELECT s.pid, s.oid, s.f, s.t, bool_or(m.st) AS st, bool_or(m.su) AS su, bool_or(m.pa) AS pa,
           bit_or(m.rb) AS rb, max(m.cr) AS cr
      FROM seg s JOIN m ON m.pid = s.pid AND m.oid = s.oid AND m.f <= s.f AND m.t >= s.t
     GROUP BY 1, 2, 3, 4
  ), multi AS (
    SELECT pid FROM po GROUP BY pid HAVING count(*) > 1
  )
  SELECT g.pid AS person_id, g.oid AS organization_id, g.f AS valid_from, g.t AS valid_to, g.st AS is_staff,
         g.su AS is_student, g.pa AS is_parent, coalesce(reg.d <= g.f, false) AS registered, g.rb AS staff_roles,
         g.cr::smallint AS category_rank, g.pid IN (SELECT pid FROM multi) AS multi
    FROM g LEFT JOIN reg ON reg.pid = g.pid
"""


def events(rows: str, sign: str) -> str:
    """The changes of the counts per (organization, day) that the segments `rows` make, times `sign`."""
    sums = ", ".join(f"coalesce(sum({sign}x.s) FILTER (WHERE {expr}), 0)::int AS {c}" for c, expr in PEOPLE_COLUMNS)
    return (
        f"SELECT m.organization_id, x.day, {sums} FROM ({rows}) m "
        "CROSS JOIN LATERAL (VALUES (m.valid_from, 1), "
        "(CASE WHEN m.valid_to < 'infinity'::date THEN m.valid_to + 1 END, -1)) AS x(day, s) "
        "WHERE x.day IS NOT NULL GROUP BY 1, 2"
    )


def _add(rows: str, sign: str) -> str:
    cols = ", ".join(c for c, _ in PEOPLE_COLUMNS)
    sets = ", ".join(f"{c} = t.{c} + EXCLUDED.{c}" for c, _ in PEOPLE_COLUMNS)
    return (
        f"INSERT INTO rpt_org_people AS t (organization_id, day, {cols}) {events(rows, sign)} "
        f"ON CONFLICT (organization_id, day) DO UPDATE SET {sets}"
    )


MINE = "SELECT * FROM rpt_person_org WHERE person_id = ANY(ids)"
COLUMNS = (
    "person_id int, organization_id int, valid_from date, valid_to date, is_staff boolean, is_student boolean, "
    "is_parent boolean, registered boolean, staff_roles int, category_rank smallint, multi boolean"
)

MEMBER_FUNCTIONS = """
-- Who belongs to an organization on day d (REPORTS.md): an enrolment or a post from its start to its end, both
-- days included; an empty start or end is open. The one definition; `api.services.membership` calls it.
CREATE OR REPLACE FUNCTION is_member_on(starts date, ends date, d date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (starts IS NULL OR starts <= d) AND (ends IS NULL OR ends >= d) $$;

-- A member at some time within [d0, d1] (the same rule over a range of days).
CREATE OR REPLACE FUNCTION is_member_during(starts date, ends date, d0 date, d1 date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (starts IS NULL OR starts <= d1) AND (ends IS NULL OR ends >= d0) $$;
"""

UP_SQL = f"""
DROP FUNCTION IF EXISTS rpt_person_memberships(int[]);
CREATE FUNCTION rpt_person_memberships(ids int[]) RETURNS TABLE ({COLUMNS})
LANGUAGE sql STABLE AS $$ {memberships(True)} $$;

CREATE OR REPLACE FUNCTION rpt_refresh_persons(ids int[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  orgs int[];
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN RETURN; END IF;
  ids := ARRAY(SELECT DISTINCT x FROM unnest(ids) x WHERE x IS NOT NULL ORDER BY 1);
  PERFORM pg_advisory_xact_lock(53001, x) FROM unnest(ids) x;
  orgs := ARRAY(SELECT DISTINCT organization_id FROM rpt_person_org WHERE person_id = ANY(ids));
  {_add(MINE, "-")};
  DELETE FROM rpt_person_org WHERE person_id = ANY(ids);
  INSERT INTO rpt_person_org SELECT * FROM rpt_person_memberships(ids);
  {_add(MINE, "")};
  orgs := orgs || ARRAY(SELECT DISTINCT organization_id FROM rpt_person_org WHERE person_id = ANY(ids));
  DELETE FROM rpt_org_people WHERE organization_id = ANY(orgs) AND NOT ({NONZERO});
END
$$;

INSERT INTO rpt_person_org {memberships(False)} ORDER BY 2, 1, 3;
INSERT INTO rpt_org_people SELECT * FROM ({events("SELECT * FROM rpt_person_org", "")}) q WHERE {NONZERO};
"""


def _person_org_table(with_interval: bool) -> None:
    interval = [sa.Column("valid_from", sa.Date(), nullable=False), sa.Column("valid_to", sa.Date(), nullable=False)]
    op.create_table(
        "rpt_person_org",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        *(interval if with_interval else []),
        sa.Column("is_staff", sa.Boolean(), nullable=False),
        sa.Column("is_student", sa.Boolean(), nullable=False),
        sa.Column("is_parent", sa.Boolean(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("staff_roles", sa.Integer(), nullable=False),
        sa.Column("category_rank", sa.SmallInteger(), nullable=False),
        sa.Column("multi", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint(
            "person_id", "organization_id", *(["valid_from"] if with_interval else []), name="pk_rpt_person_org"
        ),
    )
    op.create_index("ix_rpt_person_org_organization_id", "rpt_person_org", ["organization_id"])
    op.create_index("ix_rpt_person_org_multi", "rpt_person_org", ["organization_id"], postgresql_where=sa.text("multi"))


def _org_people_table(with_day: bool) -> None:
    op.create_table(
        "rpt_org_people",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        *([sa.Column("day", sa.Date(), nullable=False)] if with_day else []),
        *[sa.Column(c, sa.Integer(), nullable=False) for c, _ in PEOPLE_COLUMNS],
        sa.PrimaryKeyConstraint("organization_id", *(["day"] if with_day else []), name="pk_rpt_org_people"),
    )


def upgrade() -> None:
    op.drop_table("rpt_org_people")
    op.drop_table("rpt_person_org")
    _person_org_table(True)
    _org_people_table(True)
    for stmt in split_sql(MEMBER_FUNCTIONS + UP_SQL):
        op.execute(stmt)


def downgrade() -> None:
    base, lookup = _sibling("0300_reports"), _sibling("0301_reports")
    op.execute("DROP FUNCTION IF EXISTS rpt_person_memberships(int[])")
    op.drop_table("rpt_org_people")
    op.drop_table("rpt_person_org")
    _person_org_table(False)
    _org_people_table(False)
    refresh = base.BASE_SQL[base.BASE_SQL.index("CREATE OR REPLACE FUNCTION rpt_refresh_persons") :]
    for stmt in split_sql(lookup.FUNCTION + refresh):
        op.execute(stmt)
    sums = ", ".join(f"count(*) FILTER (WHERE {expr})" for _, expr in PEOPLE_COLUMNS)
    op.execute(
        "INSERT INTO rpt_person_org SELECT * FROM rpt_person_memberships(ARRAY(SELECT id FROM persons))"
    )
    op.execute(f"INSERT INTO rpt_org_people SELECT organization_id, {sums} FROM rpt_person_org GROUP BY 1")
    op.execute("DROP FUNCTION IF EXISTS is_member_on(date, date, date)")
    op.execute("DROP FUNCTION IF EXISTS is_member_during(date, date, date, date)")
