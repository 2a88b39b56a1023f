"""Disk use of benchmark databases: the whole database, and per table rows, size with indexes and bytes per row.

    .venv/bin/python bench/sizes.py bilim_bench bilim_bench1500

Reads the catalogue only (pg_database_size, pg_total_relation_size, pg_class.reltuples after ANALYZE; a
partitioned table is summed over its partitions): the figures docs/scale.md sizes a national install from.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.db import resolve_database_url, with_database  # noqa: E402

# Tables and the aggregates that grow with the schools' data, biggest first in a real install.
TABLES = (
    "marks",
    "journal_changes",
    "lessons",
    "absences",
    "visits",
    "enrolments",
    "persons",
    "homework",
    "rpt_student_period",
    "rpt_student_current",
    "rpt_visit_days",
    "rpt_org_day_attendance",
    "rpt_person_org",
    "audit_log",
    "change_log",
)

SIZE = """
WITH t AS (
  SELECT c.oid, c.relname, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])
),
parts AS (  -- a table and, when partitioned, every partition under it
  SELECT t.relname, p.relid FROM t, pg_partition_tree(t.oid) p WHERE p.isleaf OR p.level = 0
)
SELECT parts.relname,
       sum(GREATEST(c.reltuples, 0))::bigint AS rows,
       sum(pg_total_relation_size(parts.relid))::bigint AS bytes
  FROM parts JOIN pg_class c ON c.oid = parts.relid
 GROUP BY parts.relname
"""


async def sizes(database: str) -> None:
    url = with_database(resolve_database_url(), database).replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(url)
    try:
        total = await conn.fetchval("SELECT pg_database_size(current_database())")
        schools = await conn.fetchval("SELECT count(*) FROM organizations WHERE kind = 'school'")
        rows = {r["relname"]: r for r in await conn.fetch(SIZE, list(TABLES))}
    finally:
        await conn.close()
    print(f"\n{database}: {schools:,} schools, {total / 2**30:.2f} GiB in all")
    print(f"{'table':<26}{'rows':>15}{'GiB':>9}{'B/row':>8}")
    for name in TABLES:
        if name in rows:
            n, b = rows[name]["rows"], rows[name]["bytes"]
            print(f"{name:<26}{n:>15,}{b / 2**30:>9.2f}{b / n if n else 0:>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("databases", nargs="+", help="database names on the app's server")
    for database in parser.parse_args().databases:
        asyncio.run(sizes(database))


if __name__ == "__main__":
    main()
