"""Export/import benchmark: the whole benchmark region as a data package and back into a new database.

    python bench/export.py [--database bilim_bench] [--keep-zip]

Exports the subtree of the region's root organization of `--database` (read only: one REPEATABLE READ
snapshot) to a zip in a temporary folder, then imports it into a new database `<database>_import_<hex>` on the
same server (migrated first), which is dropped at the end. Prints rows/s and the file size for both ways, and,
for comparison, the naive export of the largest table (asyncpg fetch of every row + Python's csv writer).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.config import get_settings  # noqa: E402
from api.db import asyncpg_dsn, ensure_database, resolve_database_url, with_database  # noqa: E402
from api.services.datapackage.export import run_export_to  # noqa: E402
from api.services.datapackage.load import run_import_from  # noqa: E402
from api.services.storage import uploads_root  # noqa: E402


async def _naive(dsn: str, table: str, limit: int) -> tuple[int, float]:
    """The naive way: fetch the rows into Python and write them with the csv module."""
    conn = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        rows = await conn.fetch(f"SELECT * FROM {table} ORDER BY id LIMIT {int(limit)}")  # noqa: S608
        out = io.StringIO()
        writer = csv.writer(out)
        for row in rows:
            writer.writerow(list(row.values()))
        return len(rows), time.perf_counter() - started
    finally:
        await conn.close()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="bilim_bench")
    parser.add_argument("--naive-rows", type=int, default=1_000_000, help="rows of marks exported the naive way")
    parser.add_argument("--keep-zip", action="store_true")
    args = parser.parse_args()
    source = with_database(resolve_database_url(), args.database)
    dsn = asyncpg_dsn(source)
    conn = await asyncpg.connect(dsn)
    root = await conn.fetchval("SELECT id FROM organizations WHERE parent_id IS NULL ORDER BY id LIMIT 1")
    await conn.close()
    if root is None:
        print(f"{args.database}: no organizations (make bench-data loads the benchmark region)")
        return 1
    target = with_database(source, f"{args.database}_import_{uuid.uuid4().hex[:8]}")
    with tempfile.TemporaryDirectory(prefix="bilim-export-") as tmp:
        zip_path = Path(tmp) / "export.zip"
        exported = await run_export_to(source, root, zip_path, uploads_root(get_settings()))
        rows = sum(exported.rows.values())
        size = zip_path.stat().st_size
        print(
            f"export: {rows:,} rows in {len(exported.rows)} tables + {exported.files} uploads, "
            f"{size / 1e6:,.1f} MB zip, {exported.seconds:.1f} s → {rows / exported.seconds:,.0f} rows/s "
            "(target ≥ 200,000 rows/s)"
        )
        for table, n in sorted(exported.rows.items(), key=lambda kv: -kv[1])[:5]:
            print(f"  {table}: {n:,} rows")
        naive_rows, naive_s = await _naive(dsn, "marks", args.naive_rows)
        print(
            f"naive (fetch + csv.writer, marks): {naive_rows:,} rows in {naive_s:.1f} s"
            f" → {naive_rows / naive_s:,.0f} rows/s"
        )
        await ensure_database(target)
        try:
            with tempfile.TemporaryDirectory(prefix="bilim-import-uploads-") as uploads:
                imported = await run_import_from(target, zip_path, Path(uploads))
            print(
                f"import: {sum(imported.rows.values()):,} rows + {imported.files} uploads in {imported.seconds:.1f} s"
                f" → {sum(imported.rows.values()) / imported.seconds:,.0f} rows/s "
                f"({', '.join(f'{k} {v:.1f} s' for k, v in imported.phases.items())})"
            )
            total = exported.seconds + imported.seconds
            print(f"both ways: {total / 60:.1f} min (target: each way under 10 min)")
        finally:
            admin = await asyncpg.connect(asyncpg_dsn(with_database(source, "postgres")))
            name = target.rsplit("/", 1)[1].split("?", 1)[0]
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
            print(f"dropped {name}")
        if args.keep_zip:
            kept = Path(tempfile.gettempdir()) / "bilim-export.zip"
            zip_path.replace(kept)
            print(f"kept {kept}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
