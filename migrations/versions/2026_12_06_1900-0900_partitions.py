"""partitions: the school-data tables partitioned by school year, with key tables for their external ids

Revision ID: 0900_partitions
Revises: 0800_change_feed, 0311_reports, 0600_school_reports
Create Date: 2026-12-06 19:00:00+00:00

marks, absences, lessons (by `date`), visits (by `visited_at`) and journal_changes (by `changed_at`) become
PARTITION BY RANGE tables with one partition per school year (1 August to 1 August, the day taken in
Asia/Almaty for the timestamptz columns) in the schema `partitions`, plus a DEFAULT partition each, so that
no insert ever fails. `create_year_partitions(first_year)` makes a year's partitions (moving the rows the
DEFAULT partition caught for that year); a trigger on academic_years calls it for every new academic year.
`python -m api archive-year` detaches a closed year's partitions into the schema `archive` (and back).

PostgreSQL wants the partition key in every unique constraint of a partitioned table. The primary keys
become (id, <partition column>); the one-row-per-external-id keys move to small key tables
(`marks_keys(external_system, external_id) → id`, …) kept by statement-level triggers in the same statement,
under the constraint names the unique constraints had, so that a clash fails exactly as before. One absence
per student and lesson becomes UNIQUE (student_person_id, lesson_id, date) under its old name: an absence
is dated on its lesson's day, and `INSERT … ON CONFLICT DO NOTHING` keeps working on it. The foreign
keys (lesson_id, class_id) → lessons of marks, absences and homework can't point at a partitioned table's
non-key columns: constraint-style statement triggers keep them (same constraint names and SQLSTATE; the
ON DELETE CASCADE is a trigger on lessons). The existing statement-level triggers (aggregates, the change
feed, the journal checks) stay as they are: triggers with transition tables are allowed on a partitioned
table (its root), they see the rows of every partition.

The conversion is generic: each table is renamed, its indexes, foreign keys and triggers are read from the
catalogue and made again on the new table (the names don't change), its rows are copied, the old table goes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from alembic import op
from sqlalchemy import text

revision: str = "0900_partitions"
# The triggers and indexes of the integration, feed, reports and school-reports areas are on these tables: this
# revision comes after all of them (it joins their branches; no new head).
down_revision: str | Sequence[str] | None = ("0800_change_feed", "0311_reports", "0600_school_reports")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (partition column, whether it is a timestamptz)
PARTITIONED: dict[str, tuple[str, bool]] = {
    "lessons": ("date", False),
    "marks": ("date", False),
    "absences": ("date", False),
    "visits": ("visited_at", True),
    "journal_changes": ("changed_at", True),
}
_EXT = "external_system, external_id"
# (table, key table, key columns with their types, id type): the unique keys without the partition column.
KEYS: list[tuple[str, str, tuple[tuple[str, str], ...], str]] = [
    ("lessons", "lessons_keys", (("external_system", "varchar(64)"), ("external_id", "varchar(128)")), "integer"),
    ("marks", "marks_keys", (("external_system", "varchar(64)"), ("external_id", "varchar(128)")), "bigint"),
    ("absences", "absences_keys", (("external_system", "varchar(64)"), ("external_id", "varchar(128)")), "bigint"),
    ("visits", "visits_keys", (("external_system", "varchar(64)"), ("external_id", "varchar(128)")), "bigint"),
]
LESSON_REFERRERS = ("marks", "absences", "homework")  # (lesson_id, class_id) -> lessons (id, class_id)


def _key_constraint(table: str, cols: tuple[tuple[str, str], ...]) -> str:
    return f"uq_{table}_{'_'.join(c for c, _ in cols)}"


FUNCTIONS_SQL = r"""
CREATE SCHEMA IF NOT EXISTS partitions;
CREATE SCHEMA IF NOT EXISTS archive;

-- The school year a day belongs to, by its first calendar year: 1 August 2025 – 31 July 2026 is 2025.
CREATE OR REPLACE FUNCTION school_year_of(day date) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN extract(year FROM day - interval '7 months')::integer;

-- The partitions of one school year for every partitioned table, in the schema `partitions`; rows of that
-- year the DEFAULT partition caught move into them. Answers how many partitions it made.
CREATE OR REPLACE FUNCTION create_year_partitions(first_year integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  t record;
  made integer := 0;
  part text;
  lo text;
  hi text;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('lessons', 'date', false), ('marks', 'date', false),
                                 ('absences', 'date', false), ('visits', 'visited_at', true),
                                 ('journal_changes', 'changed_at', true)) AS v(name, col, tz) LOOP
    part := format('%s_%s_%s', t.name, first_year, first_year + 1);
    IF to_regclass(format('partitions.%I', part)) IS NOT NULL OR to_regclass(format('archive.%I', part)) IS NOT NULL
    THEN
      CONTINUE;
    END IF;
    IF t.tz THEN
      lo := quote_literal((make_date(first_year, 8, 1)::timestamp AT TIME ZONE 'Asia/Almaty')::text);
      hi := quote_literal((make_date(first_year + 1, 8, 1)::timestamp AT TIME ZONE 'Asia/Almaty')::text);
    ELSE
      lo := quote_literal(make_date(first_year, 8, 1)::text);
      hi := quote_literal(make_date(first_year + 1, 8, 1)::text);
    END IF;
    EXECUTE format('CREATE TABLE partitions.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                   part, t.name);
    EXECUTE format('WITH moved AS (DELETE FROM partitions.%I WHERE %I >= %s AND %I < %s RETURNING *)'
                   ' INSERT INTO partitions.%I SELECT * FROM moved',
                   t.name || '_default', t.col, lo, t.col, hi, part);
    EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION partitions.%I FOR VALUES FROM (%s) TO (%s)',
                   t.name, part, lo, hi);
    made := made + 1;
  END LOOP;
  RETURN made;
END $$;

-- A new academic year gets its partitions (the DEFAULT partition would take its rows otherwise).
CREATE OR REPLACE FUNCTION academic_years_partitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM create_year_partitions(y) FROM (SELECT DISTINCT school_year_of(starts_on) AS y FROM new_years) n;
  RETURN NULL;
END $$;

-- (lesson_id, class_id) of a mark, an absence or a homework names a lesson of that class: the foreign key
-- fk_<table>_lesson_class, which can't point at a partitioned table's (id, class_id). The lessons are
-- locked FOR KEY SHARE, as the foreign key's own check does.
CREATE OR REPLACE FUNCTION lesson_of_class_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  wanted bigint;
  present bigint;
  bad record;
BEGIN
  SELECT count(*) INTO wanted FROM (SELECT DISTINCT lesson_id, class_id FROM lesson_refs_new
                                      WHERE lesson_id IS NOT NULL AND class_id IS NOT NULL) n;
  IF wanted = 0 THEN
    RETURN NULL;
  END IF;
  SELECT count(*) INTO present FROM (
    SELECT 1 FROM lessons l
      JOIN (SELECT DISTINCT lesson_id, class_id FROM lesson_refs_new) n
        ON l.id = n.lesson_id AND l.class_id = n.class_id
     FOR KEY SHARE OF l) x;
  IF present < wanted THEN
    SELECT n.lesson_id, n.class_id INTO bad FROM (SELECT DISTINCT lesson_id, class_id FROM lesson_refs_new) n
     WHERE n.lesson_id IS NOT NULL AND n.class_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.id = n.lesson_id AND l.class_id = n.class_id) LIMIT 1;
    RAISE EXCEPTION 'insert or update on table "%" violates foreign key constraint "%"',
        TG_TABLE_NAME, 'fk_' || TG_TABLE_NAME || '_lesson_class'
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_' || TG_TABLE_NAME || '_lesson_class',
            TABLE = TG_TABLE_NAME,
            DETAIL = format('Key (lesson_id, class_id)=(%s, %s) is not present in table "lessons".',
                            bad.lesson_id, bad.class_id);
  END IF;
  RETURN NULL;
END $$;

-- The other side of those keys: deleting a lesson deletes its marks, absences and homework (ON DELETE CASCADE).
CREATE OR REPLACE FUNCTION lessons_cascade_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM marks m USING lessons_gone o WHERE m.lesson_id = o.id AND m.class_id = o.class_id;
  DELETE FROM absences a USING lessons_gone o WHERE a.lesson_id = o.id AND a.class_id = o.class_id;
  DELETE FROM homework h USING lessons_gone o WHERE h.lesson_id = o.id AND h.class_id = o.class_id;
  RETURN NULL;
END $$;

-- … and moving a lesson that rows point at to another class is refused (NO ACTION on update).
CREATE OR REPLACE FUNCTION lessons_referenced_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  referrer text;
BEGIN
  SELECT CASE WHEN EXISTS (SELECT 1 FROM marks m WHERE m.lesson_id = o.id AND m.class_id = o.class_id) THEN 'marks'
              WHEN EXISTS (SELECT 1 FROM absences a WHERE a.lesson_id = o.id AND a.class_id = o.class_id)
                THEN 'absences'
              WHEN EXISTS (SELECT 1 FROM homework h WHERE h.lesson_id = o.id AND h.class_id = o.class_id)
                THEN 'homework' END INTO referrer
    FROM lessons_before o JOIN lessons_after n ON n.id = o.id
   WHERE (n.id, n.class_id) IS DISTINCT FROM (o.id, o.class_id)
     AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.id = o.id AND l.class_id = o.class_id)
   ORDER BY 1 LIMIT 1;
  IF referrer IS NOT NULL THEN
    RAISE EXCEPTION 'update on table "lessons" violates foreign key constraint "%" on table "%"',
        'fk_' || referrer || '_lesson_class', referrer
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'fk_' || referrer || '_lesson_class',
            TABLE = referrer;
  END IF;
  RETURN NULL;
END $$;
"""

TRIGGERS_SQL = """
CREATE TRIGGER trg_academic_years_partitions AFTER INSERT ON academic_years REFERENCING NEW TABLE AS new_years
  FOR EACH STATEMENT EXECUTE FUNCTION academic_years_partitions();
CREATE TRIGGER trg_lessons_cascade_delete AFTER DELETE ON lessons REFERENCING OLD TABLE AS lessons_gone
  FOR EACH STATEMENT EXECUTE FUNCTION lessons_cascade_delete();
CREATE TRIGGER trg_lessons_referenced_upd AFTER UPDATE ON lessons
  REFERENCING OLD TABLE AS lessons_before NEW TABLE AS lessons_after
  FOR EACH STATEMENT EXECUTE FUNCTION lessons_referenced_check();
"""


def _key_sync_sql(table: str, keys: str, cols: tuple[tuple[str, str], ...], id_type: str) -> str:
    """The key table, filled from the table's rows, and the statement triggers that keep it in step."""
    names = [c for c, _ in cols]
    cname = _key_constraint(table, cols)
    col_defs = ", ".join(f"{c} {t} NOT NULL" for c, t in cols)
    listed = ", ".join(names)
    present = " AND ".join(f"n.{c} IS NOT NULL" for c in names)
    same_key = " AND ".join(f"k.{c} = o.{c}" for c in names)
    old_key = ", ".join(f"o.{c}" for c in names)
    new_key = ", ".join(f"n.{c}" for c in names)
    n_cols = ", ".join(f"n.{c}" for c in names)
    return f"""
CREATE TABLE {keys} ({col_defs}, id {id_type} NOT NULL, CONSTRAINT {cname} PRIMARY KEY ({listed}));
INSERT INTO {keys} ({listed}, id) SELECT {n_cols}, n.id FROM {table} n WHERE {present};
CREATE OR REPLACE FUNCTION {keys}_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {keys} ({listed}, id) SELECT {n_cols}, n.id FROM keys_new n WHERE {present};
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION {keys}_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {keys} k USING keys_old o JOIN keys_new n ON n.id = o.id
   WHERE ({old_key}) IS DISTINCT FROM ({new_key}) AND {same_key};
  INSERT INTO {keys} ({listed}, id) SELECT {n_cols}, n.id FROM keys_new n JOIN keys_old o ON o.id = n.id
   WHERE ({old_key}) IS DISTINCT FROM ({new_key}) AND {present};
  RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION {keys}_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {keys} k USING keys_old o WHERE {same_key};
  RETURN NULL;
END $$;
CREATE TRIGGER trg_{keys}_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS keys_new
  FOR EACH STATEMENT EXECUTE FUNCTION {keys}_ins();
CREATE TRIGGER trg_{keys}_upd AFTER UPDATE ON {table} REFERENCING OLD TABLE AS keys_old NEW TABLE AS keys_new
  FOR EACH STATEMENT EXECUTE FUNCTION {keys}_upd();
CREATE TRIGGER trg_{keys}_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS keys_old
  FOR EACH STATEMENT EXECUTE FUNCTION {keys}_del();
"""


def _lesson_check_sql(table: str) -> str:
    return f"""
CREATE TRIGGER trg_{table}_lesson_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS lesson_refs_new
  FOR EACH STATEMENT EXECUTE FUNCTION lesson_of_class_check();
CREATE TRIGGER trg_{table}_lesson_upd AFTER UPDATE ON {table} REFERENCING NEW TABLE AS lesson_refs_new
  FOR EACH STATEMENT EXECUTE FUNCTION lesson_of_class_check();
"""


# ---- helpers ---------------------------------------------------------------------------------------------


def _run(sql: str, **params: Any) -> list[Any]:
    result = op.get_bind().execute(text(sql), params)
    return list(result.all()) if result.returns_rows else []


def _script(script: str) -> None:
    from api.db import split_sql

    for stmt in split_sql(script):
        op.get_bind().exec_driver_sql(stmt)


def _on(definition: str, old: str, new: str) -> str:
    """An index or trigger definition read from `old`, for the table `new` (`ON ONLY` of a partitioned index too)."""
    return re.sub(rf" ON (ONLY )?public\.{re.escape(old)} ", f" ON public.{new} ", definition, count=1)


def _take_apart(table: str, old: str, skip_triggers: tuple[str, ...] = ()) -> dict[str, list[Any]]:
    """Rename `table` to `old`; read its indexes, foreign keys and triggers; drop its indexes and keys."""
    _run(f"ALTER TABLE {table} RENAME TO {old}")
    parts = {
        "indexes": _run(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid), con.conname, con.contype FROM pg_index i"
            " JOIN pg_class c ON c.oid = i.indexrelid"
            " LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid"
            " WHERE i.indrelid = CAST(:t AS regclass) ORDER BY 1",
            t=old,
        ),
        "fks": _run(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = CAST(:t AS regclass) AND contype = 'f' AND conparentid = 0 ORDER BY 1",
            t=old,
        ),
        "triggers": [
            (name, _on(d, old, table), enabled)
            for name, d, enabled in _run(
                "SELECT tgname, pg_get_triggerdef(oid), tgenabled::text FROM pg_trigger"
                " WHERE tgrelid = CAST(:t AS regclass) AND NOT tgisinternal AND tgparentid = 0 ORDER BY 1",
                t=old,
            )
            if name not in skip_triggers
        ],
    }
    for name, _, con, _ in parts["indexes"]:
        if con is not None:
            _run(f"ALTER TABLE {old} DROP CONSTRAINT {con}")
        else:
            _run(f"DROP INDEX {name}")
    parts["indexes"] = [(n, _on(d, old, table), con) for n, d, con, _ in parts["indexes"] if con is None]
    return parts


def _put_together(table: str, old: str, parts: dict[str, list[Any]], skip_indexes: tuple[str, ...] = ()) -> None:
    """Indexes, foreign keys and triggers of `old` on `table`; its rows copied; `old` dropped."""
    _run(f"INSERT INTO {table} SELECT * FROM {old}")
    for name, definition, _ in parts["indexes"]:
        if name not in skip_indexes:
            _run(definition)
    for name, definition in parts["fks"]:
        _run(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    _run(f"ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id")
    _run(f"DROP TABLE {old}")
    for name, definition, enabled in parts["triggers"]:
        _run(definition)
        if enabled == "A":
            _run(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}")


def _lesson_fks(drop: bool) -> None:
    for t in LESSON_REFERRERS:
        if drop:
            _run(f"ALTER TABLE {t} DROP CONSTRAINT fk_{t}_lesson_class")
        else:
            _run(
                f"ALTER TABLE {t} ADD CONSTRAINT fk_{t}_lesson_class FOREIGN KEY (lesson_id, class_id)"
                " REFERENCES lessons (id, class_id) ON DELETE CASCADE"
            )


# ---- upgrade ---------------------------------------------------------------------------------------------


def upgrade() -> None:
    _lesson_fks(drop=True)
    _script(FUNCTIONS_SQL)
    years: set[int] = set()
    parts: dict[str, dict[str, list[Any]]] = {}
    for table, (col, tz) in PARTITIONED.items():
        old = f"{table}_unpartitioned"
        parts[table] = _take_apart(table, old)
        day = f"({col} AT TIME ZONE 'Asia/Almaty')::date" if tz else col
        years |= {y for (y,) in _run(f"SELECT DISTINCT school_year_of({day}) FROM {old}")}  # noqa: S608
        _run(
            f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"
            f" PARTITION BY RANGE ({col})"
        )
        _run(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY (id, {col})")
        _run(f"CREATE TABLE partitions.{table}_default PARTITION OF {table} DEFAULT")
        if table != "journal_changes":
            _run(f"CREATE INDEX ix_{table}_external_system_external_id ON {table} (external_system, external_id)")
        if table == "absences":  # a lesson has one date: per student and lesson it is the same rule
            _run(
                "ALTER TABLE absences ADD CONSTRAINT uq_absences_student_person_id_lesson_id"
                " UNIQUE (student_person_id, lesson_id, date)"
            )
    (current,) = _run("SELECT school_year_of((now() AT TIME ZONE 'Asia/Almaty')::date)")[0]
    years |= {current - 1, current, current + 1}
    for year in sorted(years):
        _run("SELECT create_year_partitions(:y)", y=year)
    for table in PARTITIONED:
        _put_together(table, f"{table}_unpartitioned", parts[table])
    for table, keys, cols, id_type in KEYS:
        _script(_key_sync_sql(table, keys, cols, id_type))
    for table in LESSON_REFERRERS:
        _script(_lesson_check_sql(table))
    _script(TRIGGERS_SQL)


# ---- downgrade -------------------------------------------------------------------------------------------

_NEW_TRIGGERS = (
    *(f"trg_{keys}_{op_}" for _, keys, _, _ in KEYS for op_ in ("ins", "upd", "del")),
    *(f"trg_{t}_lesson_{op_}" for t in LESSON_REFERRERS for op_ in ("ins", "upd")),
    "trg_lessons_cascade_delete",
    "trg_lessons_referenced_upd",
)


def downgrade() -> None:
    archived = _run("SELECT count(*) FROM pg_tables WHERE schemaname = 'archive'")[0][0]
    if archived:
        raise RuntimeError("archived school years are detached in the schema `archive`: restore them first")
    _run("DROP TRIGGER IF EXISTS trg_academic_years_partitions ON academic_years")
    _run("DROP TRIGGER IF EXISTS trg_homework_lesson_ins ON homework")
    _run("DROP TRIGGER IF EXISTS trg_homework_lesson_upd ON homework")
    for _, keys, _, _ in KEYS:  # their primary keys carry the names of the unique constraints made again below
        _run(f"DROP TABLE {keys}")
    for table, (col, _) in PARTITIONED.items():
        old = f"{table}_partitioned"
        parts = _take_apart(table, old, skip_triggers=_NEW_TRIGGERS)
        _run(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)")
        _run(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY (id)")
        if table != "journal_changes":
            _run(f"ALTER TABLE {table} ADD CONSTRAINT uq_{table}_external_system_external_id UNIQUE ({_EXT})")
        if table == "lessons":
            _run("ALTER TABLE lessons ADD CONSTRAINT uq_lessons_id_class_id UNIQUE (id, class_id)")
        if table == "absences":
            _run(
                "ALTER TABLE absences ADD CONSTRAINT uq_absences_student_person_id_lesson_id"
                " UNIQUE (student_person_id, lesson_id)"
            )
        _put_together(table, old, parts, skip_indexes=(f"ix_{table}_external_system_external_id",))
    _lesson_fks(drop=False)
    for _, keys, _, _ in KEYS:
        for op_ in ("ins", "upd", "del"):
            _run(f"DROP FUNCTION {keys}_{op_}()")
    for fn in (
        "academic_years_partitions()",
        "lesson_of_class_check()",
        "lessons_cascade_delete()",
        "lessons_referenced_check()",
        "create_year_partitions(integer)",
        "school_year_of(date)",
    ):
        _run(f"DROP FUNCTION {fn}")
    _run("DROP SCHEMA partitions")
    _run("DROP SCHEMA archive")
