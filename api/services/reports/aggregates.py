"""Report aggregates: the `rpt_*` tables, their recomputation from raw data, and `rebuild_all`.

The tables (models in `api.models.aggregates`) are maintained by statement-level triggers with
transition tables (migration `0300_reports`) in the same transaction as the raw rows arrive:

| table | key | kept from |
|---|---|---|
| `rpt_person_org` | person, organization, valid_from | staff posts, enrolments, parents of students, users: segments |
| `rpt_org_people` | organization, day | change of the counts that day: persons, users, roles; staff by role, category |
| `rpt_visit_days` | organization, user, day | visits (Asia/Almaty calendar day) |
| `rpt_org_visit_windows` | organization, day | distinct visitors over 1 / 7 / 30 days ending on the day |
| `rpt_multi_visitors` | user | users with visits for two or more organizations |
| `rpt_student_period` | organization, period, student | subjects of a graded class by period mark: 1–5, «н/а», none |
| `rpt_org_period_perf` | organization, period | students by result (period running / ended), marks by value |
| `rpt_student_current` | organization, period, student, subject | current marks dated in the period: count, sum |
| `rpt_org_day_attendance` | organization, day | held lessons (held or replaced), student-lessons, absences by reason |

Distinct counts across organizations: a person (or visitor) belongs to several organizations only
rarely, so per-organization counts are summed and the overcount is subtracted using only the
multi-organization persons (`rpt_person_org.multi`) and visitors (`rpt_multi_visitors`).

A bulk loader may `SET LOCAL bilim.rpt_defer = 'on'` to skip the triggers and must then call
`rebuild_all(session)` in the same transaction.
"""

# ruff: noqa: S608  (SQL here is built only from constant column lists and table names)
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Period
from api.models.aggregates import CATEGORY_RANKS, ROLE_BITS, ReportOrgPeriodPerformance


def period_has_marks(organization_id: int | None = None) -> ColumnElement[bool]:
    """EXISTS: the period (Period.id) has period marks («н/а» included) — in one organization, or anywhere."""
    pp = ReportOrgPeriodPerformance
    conds = [pp.period_id == Period.id, pp.n1 + pp.n2 + pp.n3 + pp.n4 + pp.n5 + pp.not_attested > 0]
    if organization_id is not None:
        conds.append(pp.organization_id == organization_id)
    return select(pp.period_id).where(*conds).exists()


AGGREGATE_TABLES = (
    "rpt_person_org",
    "rpt_org_people",
    "rpt_visit_days",
    "rpt_org_visit_windows",
    "rpt_multi_visitors",
    "rpt_student_period",
    "rpt_org_period_perf",
    "rpt_student_current",
    "rpt_org_day_attendance",
)

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

# Recomputation of each aggregate from raw rows (used by rebuild_all and to check the triggers).
RAW: dict[str, str] = {
    # The same rule as rpt_person_memberships(ids) (migration 0311_reports), over every person at once: segments
    # of a person's memberships in an organization, cut at every start, the day after every end and the day the
    # first active account was registered; an empty start or end is open (±infinity), as is_member_on says.
    "rpt_person_org": """
        WITH m AS (
          SELECT sp.person_id AS pid, sp.organization_id AS oid, coalesce(sp.started_on, '-infinity'::date) AS f,
                 coalesce(sp.ended_on, 'infinity'::date) AS t, true AS st, false AS su, false AS pa,
                 rpt_role_bit(sp.role_kind) AS rb, rpt_category_rank(sp.category) AS cr
            FROM staff_posts sp
          UNION ALL
          SELECT e.student_person_id, e.organization_id, coalesce(e.starts_on, '-infinity'::date),
                 coalesce(e.ends_on, 'infinity'::date), false, true, false, 0, 0::smallint
            FROM enrolments e
          UNION ALL
          SELECT pl.parent_person_id, e.organization_id, coalesce(e.starts_on, '-infinity'::date),
                 coalesce(e.ends_on, 'infinity'::date), false, false, true, 0, 0::smallint
            FROM parent_links pl JOIN enrolments e ON e.student_person_id = pl.child_person_id
        ), reg AS (
          SELECT u.person_id AS pid, min(rpt_visit_day(u.registered_at)) AS d
            FROM users u WHERE u.status = 'active' AND u.person_id IS NOT NULL GROUP BY 1
        ), po AS (
          SELECT DISTINCT pid, oid FROM m
        ), b AS (
          SELECT pid, oid, f AS x FROM m
          UNION SELECT pid, oid, t + 1 FROM m WHERE t < 'infinity'::date
          UNION SELECT po.pid, po.oid, reg.d FROM po JOIN reg ON reg.pid = po.pid
        ), seg AS (
          SELECT pid, oid, x AS f,
                 coalesce(lead(x) OVER (PARTITION BY pid, oid ORDER BY x) - 1, 'infinity'::date) AS t
            FROM b
        ), g AS (
          SELECT s.pid, s.oid, s.f, s.t, bool_or(m.st) AS st, bool_or(m.su) AS su, bool_or(m.pa) AS pa,
                 bit_or(m.rb) AS rb, max(m.cr) AS cr
            FROM seg s JOIN m ON m.pid = s.pid AND m.oid = s.oid AND m.f <= s.f AND m.t >= s.t
           GROUP BY 1, 2, 3, 4
        ), multi AS (
          SELECT pid FROM po GROUP BY pid HAVING count(*) > 1
        )
        SELECT g.pid AS person_id, g.oid AS organization_id, g.f AS valid_from, g.t AS valid_to,
               g.st AS is_staff, g.su AS is_student, g.pa AS is_parent, coalesce(reg.d <= g.f, false) AS registered,
               g.rb AS staff_roles, g.cr::smallint AS category_rank, g.pid IN (SELECT pid FROM multi) AS multi
          FROM g LEFT JOIN reg ON reg.pid = g.pid
    """,
    # The change of each count on a day: + where a segment starts, − the day after it ends.
    "rpt_org_people": "SELECT m.organization_id, x.day, "
    + ", ".join(f"coalesce(sum(x.s) FILTER (WHERE {expr}), 0)::int AS {c}" for c, expr in PEOPLE_COLUMNS)
    + " FROM ({rpt_person_org}) m CROSS JOIN LATERAL (VALUES (m.valid_from, 1), "
    "(CASE WHEN m.valid_to < 'infinity'::date THEN m.valid_to + 1 END, -1)) AS x(day, s) "
    "WHERE x.day IS NOT NULL GROUP BY 1, 2",
    "rpt_visit_days": """
        SELECT organization_id, user_id, rpt_visit_day(visited_at) AS day, count(*)::int AS visits
          FROM visits GROUP BY 1, 2, 3
    """,
    # Each visit day s of a user (previous visit day p) adds the days [max(s, p + w), s + w - 1] to the days
    # the user counts for in window w: disjoint intervals, so +1/-1 events and a running sum count distinct
    # visitors without expanding every visit into 30 rows.
    "rpt_org_visit_windows": """
        WITH vd AS (
          SELECT organization_id AS o, user_id AS u, day,
                 lag(day) OVER (PARTITION BY organization_id, user_id ORDER BY day) AS p
            FROM ({rpt_visit_days}) v
        ), ev AS (
          SELECT o, w.w, CASE WHEN p IS NULL THEN day ELSE greatest(day, p + w.w) END AS s, day + w.w AS e
            FROM vd CROSS JOIN (VALUES (1), (7), (30)) AS w(w)
        ), deltas AS (
          SELECT o, w, s AS x, 1 AS d FROM ev WHERE s < e
          UNION ALL
          SELECT o, w, e, -1 FROM ev WHERE s < e
        ), per AS (
          SELECT o, w, x, sum(d) AS d FROM deltas GROUP BY o, w, x
        ), run AS (
          SELECT o, w, x, sum(d) OVER (PARTITION BY o, w ORDER BY x) AS c,
                 lead(x) OVER (PARTITION BY o, w ORDER BY x) AS x2
            FROM per
        ), days AS (
          SELECT o, w, x + k AS day, c FROM run CROSS JOIN LATERAL generate_series(0, x2 - x - 1) AS k
           WHERE c > 0 AND x2 IS NOT NULL
        )
        SELECT o AS organization_id, day,
               coalesce(sum(c) FILTER (WHERE w = 1), 0)::int AS d1,
               coalesce(sum(c) FILTER (WHERE w = 7), 0)::int AS d7,
               coalesce(sum(c) FILTER (WHERE w = 30), 0)::int AS d30
          FROM days GROUP BY o, day
    """,
    "rpt_multi_visitors": """
        SELECT user_id FROM visits GROUP BY user_id HAVING count(DISTINCT organization_id) > 1
    """,
    # A row per student enrolled in a class of the organization on the period's last day: the subjects assigned
    # to the class (class–subject) by the student's period mark from that organization (the highest value; «н/а»
    # if any is «н/а») and those without one. Classes of ungraded grades (the 1st grade, безотметочное обучение:
    # rpt_graded_grade, migration 0304_reports) have no rows. The same rule as rpt_student_period_rows.
    "rpt_student_period": """
        WITH enr AS (
          SELECT e.organization_id AS o, p.id AS pid, e.student_person_id AS sid, e.class_id
            FROM enrolments e JOIN periods p ON is_member_on(e.starts_on, e.ends_on, p.ends_on)
            JOIN classes c ON c.id = e.class_id AND rpt_graded_grade(c.grade)
        ), cs AS (
          SELECT DISTINCT class_id, subject_id FROM assignments
        ), mk AS (
          SELECT organization_id AS o, period_id AS pid, student_person_id AS sid, subject_id AS subj,
                 max(value) AS v, bool_or(not_attested) AS na
            FROM marks WHERE kind IN ('quarter', 'year') AND period_id IS NOT NULL
           GROUP BY 1, 2, 3, 4
        )
        SELECT enr.o AS organization_id, enr.pid AS period_id, enr.sid AS student_person_id,
               count(*) FILTER (WHERE NOT mk.na AND mk.v = 1)::int AS n1,
               count(*) FILTER (WHERE NOT mk.na AND mk.v = 2)::int AS n2,
               count(*) FILTER (WHERE NOT mk.na AND mk.v = 3)::int AS n3,
               count(*) FILTER (WHERE NOT mk.na AND mk.v = 4)::int AS n4,
               count(*) FILTER (WHERE NOT mk.na AND mk.v = 5)::int AS n5,
               count(*) FILTER (WHERE mk.na)::int AS n_na,
               count(*) FILTER (WHERE mk.subj IS NULL)::int AS n_missing
          FROM enr JOIN cs ON cs.class_id = enr.class_id
          LEFT JOIN mk ON mk.o = enr.o AND mk.pid = enr.pid AND mk.sid = enr.sid AND mk.subj = cs.subject_id
         GROUP BY 1, 2, 3
    """,
    # Students by result as while the period runs (only «н/а» makes a student not attested) and, `*_ended`, as
    # once it has ended (a subject without a period mark does too).
    "rpt_org_period_perf": """
        SELECT organization_id, period_id, count(*)::int AS students,
               count(*) FILTER (WHERE n_na > 0)::int AS not_attested,
               count(*) FILTER (WHERE n_na = 0 AND n1 + n2 + n3 + n4 + n5 > 0)::int AS attested,
               count(*) FILTER (WHERE n_na = 0 AND n5 > 0 AND n1 + n2 + n3 + n4 = 0)::int AS excellent,
               count(*) FILTER (WHERE n_na = 0 AND n4 > 0 AND n1 + n2 + n3 = 0)::int AS good,
               count(*) FILTER (WHERE n_na = 0 AND n3 = 1 AND n1 + n2 = 0)::int AS one_three,
               count(*) FILTER (WHERE n_na = 0 AND n1 + n2 > 0)::int AS failing,
               sum(n1)::int AS n1, sum(n2)::int AS n2, sum(n3)::int AS n3, sum(n4)::int AS n4, sum(n5)::int AS n5,
               count(*) FILTER (WHERE n_na + n_missing > 0)::int AS not_attested_ended,
               count(*) FILTER (WHERE n_na + n_missing = 0 AND n1 + n2 + n3 + n4 + n5 > 0)::int AS attested_ended,
               count(*) FILTER (WHERE n_na + n_missing = 0 AND n5 > 0 AND n1 + n2 + n3 + n4 = 0)::int
                 AS excellent_ended,
               count(*) FILTER (WHERE n_na + n_missing = 0 AND n4 > 0 AND n1 + n2 + n3 = 0)::int AS good_ended,
               count(*) FILTER (WHERE n_na + n_missing = 0 AND n3 = 1 AND n1 + n2 = 0)::int AS one_three_ended,
               count(*) FILTER (WHERE n_na + n_missing = 0 AND n1 + n2 > 0)::int AS failing_ended
          FROM ({rpt_student_period}) s GROUP BY 1, 2
    """,
    # Every period whose dates contain the mark's date (a quarter and its year, …) gets the mark.
    "rpt_student_current": """
        SELECT m.organization_id, p.id AS period_id, m.student_person_id, m.subject_id,
               count(*)::int AS n, sum(m.value)::int AS total
          FROM marks m JOIN periods p ON m.date BETWEEN p.starts_on AND p.ends_on
         WHERE m.kind = 'current' AND m.value IS NOT NULL
         GROUP BY 1, 2, 3, 4
    """,
    "rpt_org_day_attendance": """
        SELECT organization_id, day, sum(lessons_held)::int AS lessons_held,
               sum(student_lessons)::int AS student_lessons, sum(abs_illness)::int AS abs_illness,
               sum(abs_valid)::int AS abs_valid, sum(abs_unexcused)::int AS abs_unexcused,
               sum(abs_late)::int AS abs_late
          FROM (
            SELECT l.organization_id, l.date AS day, 1 AS lessons_held,
                   (SELECT count(*) FROM enrolments e WHERE e.class_id = l.class_id
                      AND is_member_on(e.starts_on, e.ends_on, l.date)) AS student_lessons,
                   0 AS abs_illness, 0 AS abs_valid, 0 AS abs_unexcused, 0 AS abs_late
              FROM lessons l WHERE lesson_held(l.status)
            UNION ALL
            SELECT organization_id, date, 0, 0, (reason = 'illness')::int, (reason = 'valid')::int,
                   (reason = 'unexcused')::int, (reason = 'late')::int
              FROM absences
          ) x GROUP BY 1, 2
    """,
}

# Rows equal to zero are not kept (a missing row reads as zero).
NONZERO: dict[str, str] = {
    "rpt_org_people": " OR ".join(f"{c} <> 0" for c, _ in PEOPLE_COLUMNS),
    "rpt_org_visit_windows": "d30 > 0",
    "rpt_org_period_perf": "students > 0",
    "rpt_student_current": "n > 0",
    "rpt_org_day_attendance": (
        "lessons_held <> 0 OR student_lessons <> 0 OR abs_illness <> 0 OR abs_valid <> 0 "
        "OR abs_unexcused <> 0 OR abs_late <> 0"
    ),
}


# Rebuilt in key order, so that one organization's rows lie together (the school reports read them by key).
REBUILD_ORDER: dict[str, str] = {"rpt_student_current": "ORDER BY 1, 2, 3, 4"}


def raw_query(table: str) -> str:
    """SQL computing the aggregate table's rows from raw data (without zero rows)."""
    sql = RAW[table]
    for dep in ("rpt_person_org", "rpt_visit_days", "rpt_student_period"):
        sql = sql.replace("{" + dep + "}", RAW[dep])
    cond = NONZERO.get(table)
    return f"SELECT * FROM ({sql}) q WHERE {cond}" if cond else sql


async def rebuild_all(session: AsyncSession) -> None:
    """Recompute every report aggregate from raw data (after a bulk load that deferred the triggers)."""
    await session.execute(text("SELECT pg_advisory_xact_lock(53000)"))
    await session.execute(text(f"TRUNCATE {', '.join(AGGREGATE_TABLES)}"))
    for table in AGGREGATE_TABLES:
        await session.execute(text(f"INSERT INTO {table} {raw_query(table)} {REBUILD_ORDER.get(table, '')}"))
    # Fresh statistics, so that the planner knows e.g. that there are few multi-organization persons.
    await session.execute(text(f"ANALYZE {', '.join(AGGREGATE_TABLES)}"))


async def differences(session: AsyncSession, table: str, limit: int = 20) -> list[dict[str, Any]]:
    """Rows where the kept aggregate and the recomputation from raw data differ (empty when exact)."""
    kept = f"SELECT * FROM {table}"
    cond = NONZERO.get(table)
    if cond:
        kept += f" WHERE {cond}"
    raw = raw_query(table)
    sql = (
        f"(SELECT 'kept' AS side, * FROM (({kept}) EXCEPT ({raw})) a LIMIT {limit}) "
        f"UNION ALL (SELECT 'raw', * FROM (({raw}) EXCEPT ({kept})) b LIMIT {limit})"
    )
    result = await session.execute(text(sql))
    return [dict(r._mapping) for r in result]
