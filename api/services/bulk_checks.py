"""Set-based checks of the rules that per-row triggers enforce, for data bulk-loaded with triggers off.

Each table is scanned once for all of its foreign keys (one LEFT JOIN per key, a FILTER per key), and
the trigger rules that need the same join share one query, so that a 30-million-row table is read a
few times, not once per rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from api.services import partitions

# Row and statement triggers on the bulk-loaded tables whose rules `RULES` below re-check as set-based SQL.
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
        # The partitioned tables' rules (migration 0900_partitions): the lesson-of-class keys are re-checked
        # below; the key tables and a year's partitions are made by partitions.after_bulk_load; the lessons'
        # cascade and update checks fire on DELETE and UPDATE only.
        *(f"trg_{t}_lesson_{op}" for t in ("marks", "absences", "homework") for op in ("ins", "upd")),
        *(f"trg_{t}_keys_{op}" for t in ("lessons", "marks", "absences", "visits") for op in ("ins", "upd", "del")),
        "trg_lessons_cascade_delete",
        "trg_lessons_referenced_upd",
        "trg_academic_years_partitions",
    }
)

# SQL returning one row of counts, one column per rule (the column name is the rule).
RULES: tuple[str, ...] = (
    """SELECT count(*) AS "lesson dated inside its class's academic year"
         FROM lessons l
         JOIN classes c ON c.id = l.class_id
         JOIN academic_years y ON y.id = c.academic_year_id
        WHERE l.date NOT BETWEEN y.starts_on AND y.ends_on""",
    """SELECT count(*) FILTER (WHERE l.status = 'cancelled') AS "no mark on a cancelled lesson",
              count(*) FILTER (WHERE m.date <> l.date) AS "mark dated on its lesson's day"
         FROM marks m JOIN lessons l ON l.id = m.lesson_id""",
    """SELECT count(*) FILTER (WHERE l.status = 'cancelled') AS "no absence on a cancelled lesson",
              count(*) FILTER (WHERE a.date <> l.date) AS "absence dated on its lesson's day"
         FROM absences a JOIN lessons l ON l.id = a.lesson_id""",
    # The foreign keys (lesson_id, class_id) → lessons kept by triggers (lessons is partitioned).
    *(
        f"""SELECT count(*) AS "foreign key fk_{t}_lesson_class" FROM {t} r
             WHERE r.lesson_id IS NOT NULL AND r.class_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.id = r.lesson_id AND l.class_id = r.class_id)"""  # noqa: S608
        for t in ("marks", "absences", "homework")
    ),
    # Stricter than the trigger (any enrolment in the class): enrolled in the class on that date.
    """SELECT count(*) AS "mark of a student enrolled in the class on that date"
         FROM marks m
        WHERE NOT EXISTS (SELECT 1 FROM enrolments e
                           WHERE e.student_person_id = m.student_person_id AND e.class_id = m.class_id
                             AND m.date BETWEEN e.starts_on AND coalesce(e.ends_on, 'infinity'::date))""",
    """SELECT count(*) AS "absence of a student enrolled in the class on that date"
         FROM absences a
        WHERE NOT EXISTS (SELECT 1 FROM enrolments e
                           WHERE e.student_person_id = a.student_person_id AND e.class_id = a.class_id
                             AND a.date BETWEEN e.starts_on AND coalesce(e.ends_on, 'infinity'::date))""",
)

_FOREIGN_KEYS = """
SELECT con.conname::text AS name,
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

# ENABLE ALWAYS triggers (the change feed's capture) fire even under session_replication_role = replica:
# nothing to re-check.
_TRIGGERS = """
SELECT t.tgrelid::regclass::text AS table_name, t.tgname::text AS name
  FROM pg_trigger t
 WHERE NOT t.tgisinternal AND t.tgenabled NOT IN ('D', 'A') AND t.tgrelid = ANY($1::text[]::regclass[])
 ORDER BY 1, 2
"""


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass
class CheckReport:
    """What was checked and what broke."""

    checked: list[str]
    problems: list[str]


async def foreign_key_checks(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    """One query per table counting, for each of its foreign keys, the rows whose parent is missing.

    MATCH SIMPLE: a row with any NULL in the key passes, as in PostgreSQL's own check.
    """
    by_table: dict[str, list[asyncpg.Record]] = {}
    for row in await conn.fetch(_FOREIGN_KEYS, tables):
        by_table.setdefault(row["child"], []).append(row)
    out = []
    for child, keys in by_table.items():
        joins, counts = [], []
        for i, key in enumerate(keys):
            alias = f"p{i}"
            on = " AND ".join(f"{alias}.{_q(r)} = c.{_q(c)}" for c, r in zip(key["cols"], key["refcols"], strict=True))
            joins.append(f"LEFT JOIN {_q(key['parent'])} {alias} ON {on}")
            present = " AND ".join(f"c.{_q(c)} IS NOT NULL" for c in key["cols"])
            missing = f"{alias}.{_q(key['refcols'][0])} IS NULL"
            counts.append(f"count(*) FILTER (WHERE {present} AND {missing}) AS {_q('foreign key ' + key['name'])}")
        out.append(f"SELECT {', '.join(counts)} FROM {_q(child)} c {' '.join(joins)}")  # noqa: S608 (catalog names)
    return out


async def unchecked_triggers(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    """Enabled triggers on the tables that the set-based rules here do not cover."""
    rows = await conn.fetch(_TRIGGERS, tables)
    return [f"{r['table_name']}.{r['name']}" for r in rows if r["name"] not in CHECKED_TRIGGERS]


async def verify(conn: asyncpg.Connection, tables: list[str]) -> CheckReport:
    """Run every foreign-key and trigger-rule check over the tables; list the broken ones with their row counts."""
    report = CheckReport([], [])
    await conn.execute("SET LOCAL work_mem = '256MB'")  # hash joins over millions of rows stay in memory
    report.checked.append("unique keys of the partitioned tables")
    report.problems += await partitions.after_bulk_load(conn)
    for sql in [*await foreign_key_checks(conn, tables), *RULES]:
        row = await conn.fetchrow(sql)
        assert row is not None
        for name, bad in row.items():
            report.checked.append(name)
            if bad:
                report.problems.append(f"{name}: {bad} rows")
    return report
