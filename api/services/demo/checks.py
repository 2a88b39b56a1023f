"""Set-based checks of the rules that per-row triggers enforce, for data bulk-loaded with triggers off."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

# Row triggers on the bulk-loaded tables whose rules `RULES` below re-check as set-based SQL.
CHECKED_TRIGGERS = frozenset(
    {
        "trg_lessons_check_date",
        "trg_lessons_check_cancel",  # fires on UPDATE of status only; a bulk INSERT never needs it
        "trg_marks_check_lesson",
        "trg_absences_check_lesson",
        "trg_marks_check_student",
        "trg_absences_check_student",
        # The integration area's statement-level replacements of the four above (same rules).
        "trg_marks_check_ins",
        "trg_marks_check_upd",
        "trg_absences_check_ins",
        "trg_absences_check_upd",
    }
)

# name → SQL counting the rows that break the rule.
RULES: dict[str, str] = {
    "lesson dated inside its class's academic year": """
        SELECT count(*) FROM lessons l
          JOIN classes c ON c.id = l.class_id
          JOIN academic_years y ON y.id = c.academic_year_id
         WHERE l.date NOT BETWEEN y.starts_on AND y.ends_on""",
    "no mark on a cancelled lesson": """
        SELECT count(*) FROM marks m JOIN lessons l ON l.id = m.lesson_id WHERE l.status = 'cancelled'""",
    "no absence on a cancelled lesson": """
        SELECT count(*) FROM absences a JOIN lessons l ON l.id = a.lesson_id WHERE l.status = 'cancelled'""",
    # Stricter than the trigger (any enrolment in the class): enrolled in the class on the mark's date.
    "mark of a student enrolled in the class on that date": """
        SELECT count(*) FROM marks m
         WHERE NOT EXISTS (SELECT 1 FROM enrolments e
                            WHERE e.student_person_id = m.student_person_id AND e.class_id = m.class_id
                              AND m.date BETWEEN e.starts_on AND coalesce(e.ends_on, 'infinity'::date))""",
    "absence of a student enrolled in the class on that date": """
        SELECT count(*) FROM absences a
         WHERE NOT EXISTS (SELECT 1 FROM enrolments e
                            WHERE e.student_person_id = a.student_person_id AND e.class_id = a.class_id
                              AND a.date BETWEEN e.starts_on AND coalesce(e.ends_on, 'infinity'::date))""",
    "mark and absence on the lesson's date": """
        SELECT (SELECT count(*) FROM marks m JOIN lessons l ON l.id = m.lesson_id WHERE m.date <> l.date)
             + (SELECT count(*) FROM absences a JOIN lessons l ON l.id = a.lesson_id WHERE a.date <> l.date)""",
}

_FOREIGN_KEYS = """
SELECT con.conname,
       con.conrelid::regclass::text AS child,
       con.confrelid::regclass::text AS parent,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS cols,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS refcols
  FROM pg_constraint con
 WHERE con.contype = 'f' AND con.conrelid = ANY($1::text[]::regclass[])
 ORDER BY 2, 1
"""

_TRIGGERS = """
SELECT t.tgrelid::regclass::text AS table_name, t.tgname::text AS name
  FROM pg_trigger t
 WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgrelid = ANY($1::text[]::regclass[])
 ORDER BY 1, 2
"""


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass
class CheckReport:
    """What was checked and what broke."""

    checked: list[str]
    problems: list[str]


async def foreign_key_checks(conn: asyncpg.Connection, tables: list[str]) -> list[tuple[str, str]]:
    """(name, SQL counting orphan rows) for every foreign key of the tables (MATCH SIMPLE: any NULL passes)."""
    out = []
    for row in await conn.fetch(_FOREIGN_KEYS, tables):
        cols, refcols = row["cols"], row["refcols"]
        not_null = " AND ".join(f"c.{_q(c)} IS NOT NULL" for c in cols)
        join = " AND ".join(f"p.{_q(r)} = c.{_q(c)}" for c, r in zip(cols, refcols, strict=True))
        sql = (
            f"SELECT count(*) FROM {_q(row['child'])} c WHERE {not_null} "  # noqa: S608 (catalog identifiers)
            f"AND NOT EXISTS (SELECT 1 FROM {_q(row['parent'])} p WHERE {join})"
        )
        out.append((f"foreign key {row['conname']}", sql))
    return out


async def unchecked_triggers(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    """Enabled row triggers on the tables that the set-based rules here do not cover."""
    rows = await conn.fetch(_TRIGGERS, tables)
    return [f"{r['table_name']}.{r['name']}" for r in rows if r["name"] not in CHECKED_TRIGGERS]


async def verify(conn: asyncpg.Connection, tables: list[str]) -> CheckReport:
    """Run every foreign-key and trigger-rule check over the tables; list the broken ones with their row counts."""
    report = CheckReport([], [])
    for name, sql in [*await foreign_key_checks(conn, tables), *RULES.items()]:
        bad = await conn.fetchval(sql)
        report.checked.append(name)
        if bad:
            report.problems.append(f"{name}: {bad} rows")
    return report
