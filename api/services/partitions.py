"""Partitions by school year: making a year's partitions, archiving a closed year and restoring it.

The tables below are partitioned by range on their date (migration 0900_partitions): one partition per school
year, 1 August to 1 August (for a timestamptz column the day is taken in Asia/Almaty), in the schema
`partitions`, and a DEFAULT partition each that takes any row no year's partition covers. Archiving a year
detaches its five partitions and moves them to the schema `archive`: the rows leave the live tables (and
their indexes), the report aggregates stay as they are, so the reports of that year still show its figures.
"""

from __future__ import annotations

import datetime as dt
import re

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api import clock
from api.errors import InvalidInput
from api.models.partition_keys import KEY_TABLES

# table -> (partition column, whether the column is a timestamptz); lessons first (the others name lessons)
PARTITIONED: dict[str, tuple[str, bool]] = {
    "lessons": ("date", False),
    "marks": ("date", False),
    "absences": ("date", False),
    "visits": ("visited_at", True),
    "journal_changes": ("changed_at", True),
}
LIVE_SCHEMA = "partitions"
ARCHIVE_SCHEMA = "archive"


def school_year_of(day: dt.date) -> int:
    """The school year of a day, by its first calendar year (1 August 2025 – 31 July 2026 → 2025)."""
    return day.year if day.month >= 8 else day.year - 1


def year_name(first_year: int) -> str:
    return f"{first_year}-{first_year + 1}"


def parse_year(name: str) -> int:
    """`2025-2026` → 2025; anything else is refused with the expected form."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-/–]\s*(\d{4})\s*", name)
    if m is None or int(m.group(2)) != int(m.group(1)) + 1:
        raise InvalidInput("year", f"{name!r} is not a school year: expected e.g. 2025-2026")
    return int(m.group(1))


def partition_name(table: str, first_year: int) -> str:
    return f"{table}_{first_year}_{first_year + 1}"


async def create_year_partitions(session: AsyncSession, first_year: int) -> int:
    """Make the partitions of a school year that don't exist yet (rows of that year in DEFAULT move in them)."""
    made = await session.scalar(text("SELECT create_year_partitions(:y)"), {"y": first_year})
    return int(made or 0)


async def _where(session: AsyncSession, first_year: int) -> dict[str, str | None]:
    """The schema each of the year's partitions is in (None: it doesn't exist)."""
    rows = await session.execute(
        text(
            "SELECT c.relname, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname IN ('partitions', 'archive') AND c.relname = ANY(:names)"
        ),
        {"names": [partition_name(t, first_year) for t in PARTITIONED]},
    )
    found = {name: schema for name, schema in rows.all()}
    return {t: found.get(partition_name(t, first_year)) for t in PARTITIONED}


def _bounds(first_year: int, tz: bool) -> tuple[str, str]:
    """The partition bounds as SQL expressions (constants; for a timestamptz, midnight in the region's zone)."""
    lo, hi = dt.date(first_year, 8, 1), dt.date(first_year + 1, 8, 1)
    if tz:
        return (
            f"('{lo.isoformat()}'::timestamp AT TIME ZONE '{clock.REGION_TZ.key}')",
            f"('{hi.isoformat()}'::timestamp AT TIME ZONE '{clock.REGION_TZ.key}')",
        )
    return f"'{lo.isoformat()}'", f"'{hi.isoformat()}'"


async def _in_default(session: AsyncSession, table: str, first_year: int) -> int:
    """Rows of the school year that the table's DEFAULT partition holds."""
    column, tz = PARTITIONED[table]
    lo, hi = _bounds(first_year, tz)
    sql = f"SELECT count(*) FROM {LIVE_SCHEMA}.{table}_default WHERE {column} >= {lo} AND {column} < {hi}"  # noqa: S608
    return int(await session.scalar(text(sql)) or 0)


async def archive_year(session: AsyncSession, name: str) -> str:
    """Detach a closed school year's partitions into the schema `archive`; the caller commits."""
    year = parse_year(name)
    label = year_name(year)
    current = school_year_of(clock.today())
    if year >= current:
        raise InvalidInput("year", f"{label} is not a closed school year (the current one is {year_name(current)})")
    where = await _where(session, year)
    if all(s == ARCHIVE_SCHEMA for s in where.values()):
        raise InvalidInput("year", f"{label} is already archived")
    if all(s is None for s in where.values()):
        caught = sum([await _in_default(session, table, year) for table in PARTITIONED])
        hint = f" ({caught} rows of it are in the DEFAULT partitions: make its partitions first)" if caught else ""
        raise InvalidInput("year", f"no partitions of the school year {label}: nothing to archive{hint}")
    missing = [t for t, s in where.items() if s != LIVE_SCHEMA]
    if missing:
        raise InvalidInput("year", f"{label} is only partly live (not: {', '.join(missing)}); restore it first")
    for table in PARTITIONED:
        part = partition_name(table, year)
        await session.execute(text(f"ALTER TABLE {table} DETACH PARTITION {LIVE_SCHEMA}.{part}"))
        await session.execute(text(f"ALTER TABLE {LIVE_SCHEMA}.{part} SET SCHEMA {ARCHIVE_SCHEMA}"))
    return f"school year {label} archived: its partitions are in the schema {ARCHIVE_SCHEMA}"


async def restore_year(session: AsyncSession, name: str) -> str:
    """Attach an archived school year's partitions again; the caller commits."""
    year = parse_year(name)
    label = year_name(year)
    where = await _where(session, year)
    if all(s == LIVE_SCHEMA for s in where.values()):
        raise InvalidInput("year", f"{label} is not archived")
    not_archived = [t for t, s in where.items() if s != ARCHIVE_SCHEMA]
    if not_archived:
        raise InvalidInput("year", f"{label} is not archived (not: {', '.join(not_archived)})")
    for table in PARTITIONED:
        stray = await _in_default(session, table, year)
        if stray:
            raise InvalidInput(
                "year",
                f"{stray} rows of {table} dated in {label} arrived while it was archived (they are in"
                f" {LIVE_SCHEMA}.{table}_default): move them out before restoring",
            )
    for table, (_, tz) in PARTITIONED.items():
        part = partition_name(table, year)
        lo, hi = _bounds(year, tz)
        await session.execute(text(f"ALTER TABLE {ARCHIVE_SCHEMA}.{part} SET SCHEMA {LIVE_SCHEMA}"))
        await session.execute(
            text(f"ALTER TABLE {table} ATTACH PARTITION {LIVE_SCHEMA}.{part} FOR VALUES FROM ({lo}) TO ({hi})")
        )
    return f"school year {label} restored: its partitions are attached again"


async def after_bulk_load(conn: asyncpg.Connection) -> list[str]:
    """After a load with the triggers off: every academic year's partitions, and the key tables filled.

    A key the loaded rows repeat (two rows with one external id) is a problem: answered in words, the load's
    transaction then fails as a whole (the caller raises).
    """
    await conn.execute(
        "SELECT create_year_partitions(y) FROM (SELECT DISTINCT school_year_of(starts_on) AS y FROM academic_years) a"
    )
    problems = []
    for keys in KEY_TABLES:
        table = keys.removesuffix("_keys")
        try:
            async with conn.transaction():
                await conn.execute(
                    f"INSERT INTO {keys} (external_system, external_id, id)"  # noqa: S608 - our table names
                    f" SELECT t.external_system, t.external_id, t.id FROM {table} t"
                    " WHERE t.external_system IS NOT NULL AND t.external_id IS NOT NULL"
                    f" AND NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.external_system = t.external_system"
                    " AND k.external_id = t.external_id AND k.id = t.id)"
                )
        except asyncpg.UniqueViolationError as exc:
            problems.append(f"unique key {exc.constraint_name}: an external id is repeated in {table}")
    return problems
