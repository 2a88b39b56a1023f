"""Writes the generated demo region into PostgreSQL with COPY, in one transaction."""

from __future__ import annotations

import asyncio
import importlib
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.db import drop_secondary_indexes, raw_connection
from api.demo.generator import Generator
from api.demo.params import DemoParams, Refs
from api.demo.school import school_rows
from api.demo.tables import COLUMNS, EXPLICIT_ID_TABLES, WRITE_ORDER, Rows
from api.models.partition_keys import KEY_TABLES
from api.services import bulk_checks as checks
from api.services import reference, school_calendar
from api.services.passwords import hash_password

# Reference tables the demo upserts by code and never truncates.
REFERENCE_TABLES = ("organization_types", "organization_structures")
FLUSH_ROWS = 400_000  # buffered rows that trigger a write


class DemoError(Exception):
    """The demo cannot be loaded (the database is not empty, a parameter is wrong)."""


class DemoValidationError(DemoError):
    """Bulk-loaded rows break a rule that the database's triggers enforce; nothing was written."""


@dataclass
class DemoResult:
    """What a load wrote and how long it took."""

    counts: dict[str, int]
    seconds: float
    bulk_mode: str  # "replica" (row triggers off, then set-based checks) or "triggers"
    checked: list[str] = field(default_factory=list)
    aggregates: str = ""
    copy_seconds: dict[str, float] = field(default_factory=dict)  # COPY time by table
    phases: dict[str, float] = field(default_factory=dict)  # wall seconds by phase of the load


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


async def is_empty(conn: AsyncConnection) -> bool:
    """True when no organization exists yet (the demo loads only into an empty database)."""
    raw = await raw_connection(conn)
    return not await raw.fetchval("SELECT EXISTS (SELECT 1 FROM organizations)")


async def reset(conn: AsyncConnection) -> None:
    """Empty the school-data tables the demo writes (and, by CASCADE, the tables that point at them)."""
    raw = await raw_connection(conn)
    # The change feed's log goes too: ids restart, so a follower must follow again from the start.
    tables = [*COLUMNS, *KEY_TABLES, "academic_years", "periods", "change_log", "change_log_horizon"]
    await raw.execute(f"TRUNCATE {', '.join(_quote(t) for t in tables)} RESTART IDENTITY CASCADE")


async def _upsert_by_code(
    raw: asyncpg.Connection, table: str, columns: tuple[str, ...], rows: Iterable[tuple[object, ...]]
) -> dict[str, int]:
    """Insert or update reference rows by their code (the first column); their ids by code."""
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns[1:])
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) "  # noqa: S608 (the demo's own table names)
        f"ON CONFLICT (code) DO UPDATE SET {updates} RETURNING id"
    )
    return {str(row[0]): await raw.fetchval(sql, *row) for row in rows}


async def _reference_rows(raw: asyncpg.Connection, params: DemoParams) -> Refs:
    names = ("code", "name_ru", "name_kk", "name_en")
    type_ids = await _upsert_by_code(raw, "organization_types", (*names, "sort_order"), reference.ORGANIZATION_TYPES)
    structure_ids = await _upsert_by_code(raw, "organization_structures", names, reference.ORGANIZATION_STRUCTURES)
    years: dict[int, int] = {}
    periods: dict[tuple[int, str, int], int] = {}
    for start in (params.start_year - 1, params.start_year):
        years[start] = await school_calendar.ensure_school_year(raw, start)
        for kind, number, _, _ in school_calendar.period_specs(start):
            periods[(start, kind, number)] = await raw.fetchval(
                "SELECT id FROM periods WHERE academic_year_id = $1 AND kind = $2 AND number = $3",
                years[start],
                kind,
                number,
            )
    s = params.start_year
    return Refs(
        type_ids=type_ids,
        structure_ids=structure_ids,
        year_id=years[s],
        prev_year_id=years[s - 1],
        quarter_ids={n: periods[(s, "quarter", n)] for n in range(1, 5)},
    )


async def _sequence_positions(raw: asyncpg.Connection) -> dict[str, tuple[str, int]]:
    out = {}
    for table in EXPLICIT_ID_TABLES:
        seq = await raw.fetchval("SELECT pg_get_serial_sequence($1, 'id')", table)
        last, called = await raw.fetchrow(f"SELECT last_value, is_called FROM {seq}")  # noqa: S608 (catalog name)
        top = await raw.fetchval(f"SELECT coalesce(max(id), 0) FROM {_quote(table)}")  # noqa: S608
        out[table] = (seq, max(top, last if called else last - 1))
    return out


class Writer:
    """Buffers generated rows and writes them table by table with COPY, parents first."""

    def __init__(self, raw: asyncpg.Connection, log: Callable[[str], None]) -> None:
        self.raw = raw
        self.log = log
        self.buffer: Rows = defaultdict(list)
        self.buffered = 0
        self.counts: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    def add(self, rows: Rows) -> None:
        for table, items in rows.items():
            self.buffer[table].extend(items)
            self.buffered += len(items)

    async def copy(self, table: str, rows: list[tuple[object, ...]]) -> None:
        if rows:
            started = time.perf_counter()
            await self.raw.copy_records_to_table(table, records=rows, columns=list(COLUMNS[table]))
            self.counts[table] += len(rows)
            self.seconds[table] += time.perf_counter() - started

    async def flush(self, force: bool = False) -> None:
        if not force and self.buffered < FLUSH_ROWS:
            return
        unknown = set(self.buffer) - set(WRITE_ORDER)
        if unknown:
            raise RuntimeError(f"no write order for {sorted(unknown)}")
        for table in WRITE_ORDER:
            rows = self.buffer.pop(table, None)
            if rows:
                await self.copy(table, rows)
        self.buffered = 0


AGGREGATES_MODULE = "api.services.reports.aggregates"
AGGREGATE_TRIGGER_PREFIX = "rpt_"  # the reports area's triggers that keep its aggregates


def _aggregates_rebuild() -> Callable[[AsyncSession], Awaitable[None]] | None:
    """The reports area's `rebuild_all(session)`, when it exists."""
    try:
        module = importlib.import_module(AGGREGATES_MODULE)
    except ModuleNotFoundError:
        return None
    fn = getattr(module, "rebuild_all", None)
    return fn if callable(fn) else None


async def _rebuild_aggregates(conn: AsyncConnection, log: Callable[[str], None]) -> str:
    """Recompute the report aggregates from the loaded rows (their triggers were deferred or off)."""
    rebuild = _aggregates_rebuild()
    if rebuild is None:
        return f"no {AGGREGATES_MODULE}.rebuild_all: no aggregates to rebuild"
    started = time.perf_counter()
    session = AsyncSession(bind=conn)
    await rebuild(session)
    await session.flush()
    log(f"report aggregates rebuilt in {time.perf_counter() - started:.1f} s")
    return f"rebuilt by {AGGREGATES_MODULE}.rebuild_all"


def _next_batch(schools: Iterator[Rows], limit: int) -> tuple[Rows, int]:
    """Generate organizations until about `limit` rows are buffered; returns the rows and how many organizations."""
    batch: Rows = defaultdict(list)
    size = n = 0
    for rows in schools:
        n += 1
        for table, items in rows.items():
            batch[table].extend(items)
            size += len(items)
        if size >= limit:
            break
    return batch, n


async def _choose_replica(
    raw: asyncpg.Connection, bulk_mode: str, tables: list[str], log: Callable[[str], None]
) -> bool:
    """Whether to COPY with row triggers off: only when every trigger's rule is re-checked or rebuilt afterwards."""
    if bulk_mode == "triggers":
        return False
    uncovered = await checks.unchecked_triggers(raw, tables)
    if _aggregates_rebuild() is not None:
        uncovered = [t for t in uncovered if not t.split(".", 1)[1].startswith(AGGREGATE_TRIGGER_PREFIX)]
    superuser = bool(await raw.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    reason = ""
    if not superuser:
        reason = "the database role is not a superuser"
    elif uncovered:
        reason = f"no set-based check for the triggers {', '.join(uncovered)}"
    if reason and bulk_mode == "replica":
        raise DemoError(f"bulk_mode replica is not possible: {reason}")
    if reason:
        log(f"loading with row triggers on ({reason})")
    return not reason


async def load_demo(
    conn: AsyncConnection,
    params: DemoParams,
    *,
    replace: bool = False,
    bulk_mode: str = "auto",
    log: Callable[[str], None] = lambda _: None,
) -> DemoResult:
    """Generate the demo region and write it inside the connection's transaction (the caller commits).

    bulk_mode: "replica" loads the big tables with row triggers off (`session_replication_role = replica`,
    superuser only) and then re-checks every foreign key and trigger rule with set-based SQL, failing
    with DemoValidationError if any row breaks one; "triggers" keeps the triggers on; "auto" picks
    replica when allowed.
    """
    params.validate()
    if bulk_mode not in ("auto", "replica", "triggers"):
        raise DemoError("bulk_mode: expected auto, replica or triggers")
    started = time.perf_counter()
    raw = await raw_connection(conn)
    if replace:
        await reset(conn)
    elif not await is_empty(conn):
        raise DemoError("the database already has organizations; load the demo with --reset to replace them")
    refs = await _reference_rows(raw, params)
    positions = await _sequence_positions(raw)
    gen = Generator(params, refs, {t: base for t, (_, base) in positions.items()})
    writer = Writer(raw, log)

    structure = gen.structure()
    for table in ("regions", "districts", "subjects"):
        await writer.copy(table, structure[table])
    # Level by level, so that the path trigger finds each parent already written.
    by_parent: dict[object, list[tuple[object, ...]]] = defaultdict(list)
    for row in structure["organizations"]:
        by_parent[row[2]].append(row)
    for kind in ("ministry", "regional_body", "district_body", "school"):
        await writer.copy("organizations", by_parent[kind])

    bulk_tables = list(WRITE_ORDER)
    replica = await _choose_replica(raw, bulk_mode, bulk_tables, log)
    if replica:
        await raw.execute("SET LOCAL session_replication_role = replica")
    elif _aggregates_rebuild() is not None:
        await raw.execute("SET LOCAL bilim.rpt_defer = 'on'")  # one rebuild at the end instead of per COPY

    writer.add(gen.bodies_staff())
    writer.add(gen.account_users(hash_password))
    await writer.flush(force=True)
    dropped = await drop_secondary_indexes(raw, bulk_tables)
    await raw.execute("SET LOCAL maintenance_work_mem = '256MB'")
    phases = {"prepare": time.perf_counter() - started}
    log(f"generating {len(gen.orgs)} organizations (seed {params.seed}, today {params.today}) …")
    # The next batch is generated in a worker thread while PostgreSQL ingests the previous one.
    schools = school_rows(gen)
    done = 0
    pending = asyncio.ensure_future(asyncio.to_thread(_next_batch, schools, FLUSH_ROWS))
    while True:
        batch, n = await pending
        if n == 0:
            break
        pending = asyncio.ensure_future(asyncio.to_thread(_next_batch, schools, FLUSH_ROWS))
        done += n
        writer.add(batch)
        await writer.flush(force=True)
        log(
            f"  {done}/{len(gen.orgs)} organizations, {sum(writer.counts.values()):,} rows, "
            f"{time.perf_counter() - started:.0f} s"
        )
    indexed_at = time.perf_counter()
    phases["generate and copy"] = indexed_at - started - phases["prepare"]
    for sql in dropped:
        await raw.execute(sql)
    phases["indexes"] = time.perf_counter() - indexed_at
    log(f"{len(dropped)} secondary indexes rebuilt in {phases['indexes']:.1f} s")

    report = checks.CheckReport([], [])
    if replica:
        await raw.execute("SET LOCAL session_replication_role = origin")
        log("checking the bulk-loaded rows against every foreign key and trigger rule …")
        checked_at = time.perf_counter()
        report = await checks.verify(raw, bulk_tables)
        if report.problems:
            raise DemoValidationError("generated rows break database rules: " + "; ".join(report.problems))
        phases["checks"] = time.perf_counter() - checked_at
        log(f"{len(report.checked)} checks passed in {phases['checks']:.1f} s")

    heads = gen.heads()
    await raw.executemany("UPDATE organizations SET head_person_id = $2 WHERE id = $1", heads)
    for table, (seq, base) in positions.items():
        last = gen.ids.last(table)
        if last > base:
            await raw.execute("SELECT setval($1::regclass, $2)", seq, last)
    rebuilt_at = time.perf_counter()
    aggregates = await _rebuild_aggregates(conn, log)
    phases["aggregates"] = time.perf_counter() - rebuilt_at
    counts = {t: writer.counts.get(t, 0) for t in [*COLUMNS]}
    counts["organizations"] = len(structure["organizations"])
    return DemoResult(
        counts,
        time.perf_counter() - started,
        "replica" if replica else "triggers",
        report.checked,
        aggregates,
        dict(writer.seconds),
        phases,
    )


async def fingerprint(conn: AsyncConnection) -> dict[str, tuple[int, str]]:
    """Row count and an md5 of the content of every demo table (password hashes and timestamps of writing left out)."""
    raw = await raw_connection(conn)
    out = {}
    for table, columns in COLUMNS.items():
        cols = [c for c in columns if c != "password_hash"]
        row_text = "concat_ws('|', " + ", ".join(f"t.{_quote(c)}::text" for c in cols) + ")"
        count, digest = await raw.fetchrow(
            f"SELECT count(*), md5(coalesce(string_agg({row_text}, E'\\n' ORDER BY {row_text}), '')) "  # noqa: S608
            f"FROM {_quote(table)} t"
        )
        out[table] = (count, digest)
    return out


async def naive_insert_rate(conn: AsyncConnection, sample: int = 20_000) -> float:
    """Rows/s of the naive way, for comparison: marks re-inserted one INSERT per row with every trigger on.

    Copies `sample` existing marks under new ids inside the caller's transaction (roll it back afterwards).
    """
    raw = await raw_connection(conn)
    columns = [c for c in COLUMNS["marks"] if c != "id"]
    rows = await raw.fetch(f"SELECT {', '.join(columns)} FROM marks ORDER BY id LIMIT $1", sample)  # noqa: S608
    if not rows:
        return 0.0
    placeholders = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    sql = f"INSERT INTO marks ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608 (fixed names)
    started = time.perf_counter()
    for row in rows:
        await raw.execute(sql, *row)
    return len(rows) / (time.perf_counter() - started)
