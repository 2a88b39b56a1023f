"""Import: a data package (api.services.datapackage.descriptor) into an empty instance.

COPY FROM in dependency order with the row triggers off (`session_replication_role = replica`), ids preserved,
then every foreign key and trigger rule re-checked with set-based SQL (api.services.bulk_checks), sequences moved
past the ids and the report aggregates rebuilt.
"""

from __future__ import annotations

import asyncio
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.models import Base
from api.services.datapackage.descriptor import ExportError, exported_tables, quote, read_descriptor


@dataclass
class ImportResult:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


async def import_package(
    conn: AsyncConnection,
    package: Path,
    uploads_root: Path | None,
    *,
    log: Callable[[str], None] = lambda _: None,
) -> ImportResult:
    """Load the package into the empty database of `conn` inside its transaction (the caller commits)."""
    from api.db import raw_connection
    from api.services import bulk_checks as checks
    from api.services.reports.aggregates import rebuild_all

    started = time.perf_counter()
    result = ImportResult()
    raw = await raw_connection(conn)
    if await raw.fetchval("SELECT EXISTS (SELECT 1 FROM organizations)"):
        raise ExportError("the database already has organizations; import into an empty instance")
    if not await raw.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
        raise ExportError("the import needs a superuser database role (it loads with row triggers off)")
    with zipfile.ZipFile(package) as zf:
        descriptor = read_descriptor(zf)
        order = {t.name: i for i, t in enumerate(exported_tables())}
        resources = sorted(descriptor["resources"], key=lambda r: order[r["name"]])
        await raw.execute("SET LOCAL session_replication_role = replica")
        # Like pg_restore: secondary indexes (and the feed log's key) are built once after the load, by sorting,
        # instead of being updated row by row; 1 GB of sort memory for those builds, this transaction only.
        await raw.execute("SET LOCAL maintenance_work_mem = '1GB'")
        deferred = await _defer_indexes(raw, [r["name"] for r in resources])
        for resource in resources:
            table = resource["name"]
            columns = [f["name"] for f in resource["schema"]["fields"]]
            t0 = time.perf_counter()
            has_rows = await raw.fetchval(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608
            with zf.open(resource["path"]) as fh:
                if not has_rows:
                    status = await raw.copy_to_table(table, source=fh, columns=columns, format="csv", header=True)
                else:
                    # Rows the migrations seed (reference data): keep theirs, add the package's others.
                    tmp = f"import_{table}"
                    await raw.execute(
                        f"CREATE TEMP TABLE {quote(tmp)} ON COMMIT DROP AS "  # noqa: S608
                        f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} WITH NO DATA"
                    )
                    await raw.copy_to_table(tmp, source=fh, columns=columns, format="csv", header=True)
                    cols = ", ".join(map(quote, columns))
                    status = await raw.execute(
                        f"INSERT INTO {quote(table)} ({cols}) SELECT {cols} FROM {quote(tmp)} ON CONFLICT DO NOTHING"  # noqa: S608
                    )
            result.rows[table] = int(status.split()[-1]) if status else 0
            log(f"  {table}: {result.rows[table]:,} rows in {time.perf_counter() - t0:.1f} s")
        result.phases["copy"] = time.perf_counter() - started
        t0 = time.perf_counter()
        for statement in deferred:
            await raw.execute(statement)
        result.phases["indexes"] = time.perf_counter() - t0
        await raw.execute("SET LOCAL session_replication_role = origin")
        t0 = time.perf_counter()
        report = await checks.verify(raw, [r["name"] for r in resources])
        if report.problems:
            raise ExportError("the package breaks database rules: " + "; ".join(report.problems))
        result.phases["checks"] = time.perf_counter() - t0
        for resource in resources:
            table = resource["name"]
            if "id" not in Base.metadata.tables[table].c:
                continue
            seq = await raw.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
            if seq:
                await raw.execute(
                    f"SELECT setval($1::regclass, COALESCE((SELECT max(id) FROM {quote(table)}), 0) + 1, false)",  # noqa: S608
                    seq,  # noqa: S608
                )
        t0 = time.perf_counter()
        session = AsyncSession(bind=conn)
        await rebuild_all(session)
        await session.flush()
        result.phases["aggregates"] = time.perf_counter() - t0
        if uploads_root is not None:
            for name in zf.namelist():
                if not name.startswith("uploads/") or name.endswith("/"):
                    continue
                key = name.removeprefix("uploads/")
                if "/" in key or key.startswith(".") or not key:
                    raise ExportError(f"{name}: not a storage key")
                target = uploads_root / key[:2] / key
                target.parent.mkdir(parents=True, exist_ok=True)
                await asyncio.to_thread(_write_file, target, zf.read(name))
                result.files += 1
    result.seconds = time.perf_counter() - started
    return result


_FEED_KEY = """
SELECT format('ALTER TABLE change_log DROP CONSTRAINT %I', conname),
       format('ALTER TABLE change_log ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE conrelid = 'change_log'::regclass AND contype = 'p'
"""


async def _defer_indexes(raw: asyncpg.Connection, tables: list[str]) -> list[str]:
    """Drop the plain indexes of the still-empty `tables` and the feed log's primary key (which every loaded row
    adds to); return the statements that make them again. Unique keys stay: ON CONFLICT and the checks need them.
    All in the import's transaction: a failed import leaves every index as it was."""
    from api.db import drop_secondary_indexes

    empty = [t for t in tables if not await raw.fetchval(f"SELECT EXISTS (SELECT 1 FROM {quote(t)})")]  # noqa: S608
    recreate = await drop_secondary_indexes(raw, empty)
    for drop, create in await raw.fetch(_FEED_KEY):
        await raw.execute(drop)
        recreate.append(create)
    return recreate


def _write_file(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


async def run_import_from(
    url: str, package: Path, uploads_root: Path | None, log: Callable[[str], None] = lambda _: None
) -> ImportResult:
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    from api.db import migrate

    await migrate(url)
    engine = create_async_engine(url, poolclass=NullPool, connect_args={"server_settings": {"timezone": "UTC"}})
    try:
        async with engine.begin() as conn:
            return await import_package(conn, package, uploads_root, log=log)
    finally:
        await engine.dispose()
