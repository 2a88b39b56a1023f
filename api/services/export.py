"""The whole of a body's data as a Frictionless data package, and its import into an empty instance.

Export: one REPEATABLE READ snapshot; every table of the models except the derived ones (report aggregates),
the audit log and secrets that only make sense on this server (refresh tokens, API tokens, login throttles)
is streamed with `COPY (SELECT … scoped to the subtree) TO STDOUT WITH CSV HEADER` into `data/<table>.csv`
of a zip, next to `datapackage.json` (fields with Frictionless types, primary and foreign keys) and the
uploaded files under `uploads/<storage key>`. Accounts carry their password hashes only.

Import: into a database without organizations; COPY FROM in dependency order with the row triggers off
(`session_replication_role = replica`), ids preserved, then every foreign key and trigger rule re-checked with
set-based SQL (api.services.bulk_checks), sequences moved past the ids and the report aggregates rebuilt.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import asyncpg
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from api.models import Base

PROFILE = "tabular-data-package"
FORMAT_VERSION = 1
# Not exported: derived (rebuilt on import), the server's own journal, and credentials of this server.
# Operational tables: the audit trail, sessions, tokens and the change feed's log and horizon (its cursors are xids
# of this instance; an integrator of the new instance reads its feed from the start).
EXCLUDED = {"audit_log", "refresh_tokens", "login_throttles", "api_tokens", "change_log", "change_log_horizon"}
AGGREGATE_PREFIX = "rpt_"
UPLOADS_TABLE = "profile_files"


class ExportError(Exception):
    """A package that cannot be written or read; the message says why."""


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def exported_tables() -> list[Table]:
    """The tables of the package, parents before children (the import order)."""
    return [
        t for t in Base.metadata.sorted_tables if t.name not in EXCLUDED and not t.name.startswith(AGGREGATE_PREFIX)
    ]


def _columns(table: Table) -> list[str]:
    """Stored columns (generated ones are recomputed by the database)."""
    return [c.name for c in table.columns if c.computed is None]


_TYPES = {
    "INTEGER": "integer",
    "BIGINT": "integer",
    "SMALLINT": "integer",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "DATETIME": "datetime",
    "TIMESTAMP": "datetime",
    "NUMERIC": "number",
    "FLOAT": "number",
    "DOUBLE_PRECISION": "number",
    "REAL": "number",
    "JSON": "object",
    "JSONB": "object",
    "TIME": "time",
}


def _frictionless_type(column: Any) -> str:
    name = type(column.type).__name__.upper()
    if name == "ARRAY":
        return "array"
    return _TYPES.get(name, "string")


def _schema(table: Table) -> dict[str, Any]:
    fields = []
    for name in _columns(table):
        column = table.c[name]
        kind = _frictionless_type(column)
        item: dict[str, Any] = {"name": name, "type": kind}
        if kind == "array":
            # PostgreSQL's array literal ({1,2,3}), as COPY writes it.
            item.update(type="string", format="default", description="PostgreSQL array literal, e.g. {1,2,3}")
            item["constraints"] = {"pattern": r"\{[^{}]*\}"}
        elif kind == "boolean":
            item.update(trueValues=["t"], falseValues=["f"])
        elif kind in ("datetime", "date", "time"):
            item["format"] = "any"
        if not column.nullable and not column.primary_key:
            item.setdefault("constraints", {})["required"] = True
        fields.append(item)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    pk = [c.name for c in table.primary_key.columns]
    if pk:
        schema["primaryKey"] = pk
    fks = []
    for constraint in sorted(table.foreign_key_constraints, key=lambda c: str(c.name or "")):
        target = constraint.referred_table.name
        if target in EXCLUDED or target.startswith(AGGREGATE_PREFIX):
            continue
        pairs = [(e.parent.name, e.column.name) for e in constraint.elements]
        if len(pairs) > 1 and any(table.c[local].nullable for local, _ in pairs):
            # SQL skips a composite key with a NULL part (MATCH SIMPLE), Frictionless does not: declare the
            # part that points at the referred primary key; the database checks the rest on import.
            pk = [c.name for c in constraint.referred_table.primary_key.columns]
            pairs = [(local, remote) for local, remote in pairs if [remote] == pk]
            if not pairs:
                continue
        fks.append(
            {
                "fields": [local for local, _ in pairs],
                "reference": {
                    "resource": "" if target == table.name else target,
                    "fields": [remote for _, remote in pairs],
                },
            }
        )
    if fks:
        schema["foreignKeys"] = fks
    return schema


@dataclass
class _Scope:
    """SQL that selects the rows of each table in the subtree of one organization."""

    organization_id: int
    whole: bool  # the subtree holds every organization: no filter at all

    def select(self, table: Table) -> str:
        cols = _columns(table)
        exprs = [_q(c) for c in cols]
        if self.whole:
            return f"SELECT {', '.join(exprs)} FROM {_q(table.name)} ORDER BY {self._order(table)}"  # noqa: S608
        n = self.organization_id
        if table.name == "organizations":
            # The ancestors come as bare rows (no head, no data) so that the subtree keeps its place in the tree.
            exprs = [
                f"CASE WHEN path @> ARRAY[{n}] THEN head_person_id END AS head_person_id"
                if c == "head_person_id"
                else _q(c)
                for c in cols
            ]
        if table.name == "persons":
            exprs = [
                "CASE WHEN source_organization_id IN (SELECT id FROM export_package_orgs)"
                " THEN source_organization_id END AS source_organization_id"
                if c == "source_organization_id"
                else _q(c)
                for c in cols
            ]
        where = self._where(table)
        return (
            f"SELECT {', '.join(exprs)} FROM {_q(table.name)}"  # noqa: S608
            f"{' WHERE ' + where if where else ''} ORDER BY {self._order(table)}"
        )

    @staticmethod
    def _order(table: Table) -> str:
        if table.name == "organizations":
            return "array_length(path, 1), id"
        pk = [c.name for c in table.primary_key.columns]
        return ", ".join(_q(c) for c in pk) if pk else "1"

    def _where(self, table: Table) -> str:
        name = table.name
        if name == "organizations":
            return "id IN (SELECT id FROM export_package_orgs)"
        if name == "persons":
            return "id IN (SELECT id FROM export_persons)"
        conditions = []
        if "organization_id" in table.c:
            col = table.c["organization_id"]
            cond = "organization_id IN (SELECT id FROM export_orgs)"
            conditions.append(f"(organization_id IS NULL OR {cond})" if col.nullable else cond)
        for constraint in table.foreign_key_constraints:
            if len(constraint.columns) != 1:
                continue
            column = next(iter(constraint.columns))
            if column.name == "organization_id":
                continue
            target = constraint.referred_table.name
            subset = {
                "organizations": "SELECT id FROM export_orgs",
                "persons": "SELECT id FROM export_persons",
                "users": "SELECT id FROM users WHERE organization_id IN (SELECT id FROM export_orgs)",
                "announcements": "SELECT id FROM announcements"
                " WHERE sender_organization_id IN (SELECT id FROM export_orgs)",
            }.get(target)
            if subset is None:
                continue
            cond = f"{_q(column.name)} IN ({subset})"
            conditions.append(f"({_q(column.name)} IS NULL OR {cond})" if column.nullable else cond)
        if not conditions and name not in _REFERENCE:
            raise ExportError(f"no rule scopes the table {name} to a subtree")
        return " AND ".join(conditions)


# Shared reference data, exported whole.
_REFERENCE = {"academic_years", "organization_structures", "organization_types", "regions", "districts", "periods"}


async def _prepare_scope(raw: asyncpg.Connection, organization_id: int) -> _Scope:
    exists = await raw.fetchval("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1)", organization_id)
    if not exists:
        raise ExportError(f"organization {organization_id} does not exist")
    outside = await raw.fetchval(
        "SELECT EXISTS (SELECT 1 FROM organizations WHERE NOT path @> ARRAY[$1::int])", organization_id
    )
    if not outside:
        return _Scope(organization_id, whole=True)
    await raw.execute(
        "CREATE TEMP TABLE export_orgs ON COMMIT DROP AS SELECT id FROM organizations"  # noqa: S608
        f" WHERE path @> ARRAY[{int(organization_id)}]"
    )
    await raw.execute(
        "CREATE TEMP TABLE export_package_orgs ON COMMIT DROP AS SELECT id FROM export_orgs"  # noqa: S608
        f" UNION SELECT unnest(path) FROM organizations WHERE id = {int(organization_id)}"
    )
    # Persons: everyone some row of the subtree points at, their sources, and the parents of its children.
    parts = [
        "SELECT head_person_id FROM organizations WHERE id IN (SELECT id FROM export_orgs)",
        "SELECT id FROM persons WHERE source_organization_id IN (SELECT id FROM export_orgs)",
    ]
    for table in exported_tables():
        if "organization_id" not in table.c:
            continue
        for constraint in table.foreign_key_constraints:
            if len(constraint.columns) == 1 and constraint.referred_table.name == "persons":
                col = _q(next(iter(constraint.columns)).name)
                parts.append(
                    f"SELECT {col} FROM {_q(table.name)} WHERE organization_id IN (SELECT id FROM export_orgs)"  # noqa: S608
                )
    await raw.execute(
        "CREATE TEMP TABLE export_persons ON COMMIT DROP AS SELECT DISTINCT id FROM ("  # noqa: S608
        + " UNION ".join(f"({p})" for p in parts)
        + ") s(id) WHERE id IS NOT NULL"
    )
    await raw.execute(
        "INSERT INTO export_persons SELECT DISTINCT parent_person_id FROM parent_links"
        " WHERE child_person_id IN (SELECT id FROM export_persons)"
        " AND parent_person_id NOT IN (SELECT id FROM export_persons)"
    )
    await raw.execute("ANALYZE export_orgs; ANALYZE export_persons; ANALYZE export_package_orgs")
    return _Scope(organization_id, whole=False)


@dataclass
class ExportResult:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    seconds: float = 0.0


Progress = Callable[[str, int, int, int], None]  # (table, tables done, bytes written, rows so far)


async def export_package(
    raw: asyncpg.Connection,
    organization_id: int,
    out: IO[bytes],
    uploads_root: Path | None,
    *,
    progress: Progress = lambda *_: None,
) -> ExportResult:
    """Write the package of the organization's subtree to `out` (a writable binary stream).

    The connection must be free: the export runs in its own REPEATABLE READ transaction, rolled back at the end.
    """
    started = time.perf_counter()
    result = ExportResult()
    tables = exported_tables()
    written = 0
    async with raw.transaction(isolation="repeatable_read"):
        scope = await _prepare_scope(raw, organization_id)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1, allowZip64=True) as zf:
            resources = []
            for index, table in enumerate(tables):
                path = f"data/{table.name}.csv"
                with zf.open(path, "w", force_zip64=True) as fh:
                    count = 0

                    async def sink(chunk: bytes, fh: IO[bytes] = fh) -> None:
                        nonlocal written, count
                        fh.write(chunk)
                        written += len(chunk)
                        count += chunk.count(b"\n")

                    status = await raw.copy_from_query(scope.select(table), output=sink, format="csv", header=True)
                rows = int(status.split()[-1]) if status else max(count - 1, 0)
                result.rows[table.name] = rows
                resources.append(
                    {
                        "name": table.name,
                        "path": path,
                        "profile": "tabular-data-resource",
                        "format": "csv",
                        "mediatype": "text/csv",
                        "encoding": "utf-8",
                        "dialect": {"delimiter": ",", "header": True, "doubleQuote": True},
                        "schema": _schema(table),
                        "bilim:rows": rows,
                    }
                )
                progress(table.name, index + 1, written, sum(result.rows.values()))
            keys = [r["storage_key"] for r in await raw.fetch(scope.select(Base.metadata.tables[UPLOADS_TABLE]))]
            for key in keys:
                source = uploads_root / key[:2] / key if uploads_root else None
                if source is None or not source.is_file():
                    continue
                zf.write(source, f"uploads/{key}")
                result.files += 1
            progress("uploads", len(tables), written, sum(result.rows.values()))
            descriptor = {
                "profile": PROFILE,
                "name": f"bilim-organization-{organization_id}",
                "title": f"Bilim OUO: data of organization {organization_id} and its subtree",
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "bilim:format": FORMAT_VERSION,
                "bilim:organization_id": organization_id,
                "bilim:uploads": "uploads/<profile_files.storage_key>",
                "resources": resources,
            }
            zf.writestr("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=1))
        await raw.execute("SELECT 1")
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class ImportResult:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


def read_descriptor(zf: zipfile.ZipFile) -> dict[str, Any]:
    """The package's descriptor, checked against the tables of this version; ExportError says what is wrong."""
    try:
        descriptor = json.loads(zf.read("datapackage.json"))
    except KeyError:
        raise ExportError("datapackage.json: missing from the package") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExportError(f"datapackage.json: not valid JSON ({exc})") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise ExportError("datapackage.json: resources: expected a list")
    if descriptor.get("bilim:format") != FORMAT_VERSION:
        raise ExportError(f"datapackage.json: bilim:format: expected {FORMAT_VERSION}")
    known = {t.name: t for t in exported_tables()}
    names = set(zf.namelist())
    seen = set()
    for index, resource in enumerate(descriptor["resources"]):
        where = f"datapackage.json: resources[{index}]"
        if not isinstance(resource, dict):
            raise ExportError(f"{where}: expected an object")
        name = resource.get("name")
        if name not in known:
            raise ExportError(f"{where}.name: unknown table {name!r}")
        if name in seen:
            raise ExportError(f"{where}.name: table {name!r} twice")
        seen.add(name)
        if resource.get("path") not in names:
            raise ExportError(f"{where}.path: {resource.get('path')!r} is not in the package")
        fields = resource.get("schema", {}).get("fields") if isinstance(resource.get("schema"), dict) else None
        if not isinstance(fields, list) or not fields:
            raise ExportError(f"{where}.schema.fields: expected a non-empty list")
        columns = set(_columns(known[name]))
        for f_index, item in enumerate(fields):
            if not isinstance(item, dict) or item.get("name") not in columns:
                raise ExportError(
                    f"{where}.schema.fields[{f_index}]: {item.get('name') if isinstance(item, dict) else item!r}"
                    f" is not a column of {name}"
                )
        with zf.open(resource["path"]) as fh:
            header = fh.readline().decode("utf-8").strip()
        if header.split(",") != [f["name"] for f in fields]:
            raise ExportError(f"{resource['path']}: the header does not match {where}.schema.fields")
    missing = [n for n in known if n not in seen]
    if missing:
        raise ExportError(f"datapackage.json: resources: no table {', '.join(missing)}")
    return descriptor


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
            has_rows = await raw.fetchval(f"SELECT EXISTS (SELECT 1 FROM {_q(table)})")  # noqa: S608
            with zf.open(resource["path"]) as fh:
                if not has_rows:
                    status = await raw.copy_to_table(table, source=fh, columns=columns, format="csv", header=True)
                else:
                    # Rows the migrations seed (reference data): keep theirs, add the package's others.
                    tmp = f"import_{table}"
                    await raw.execute(
                        f"CREATE TEMP TABLE {_q(tmp)} ON COMMIT DROP AS "  # noqa: S608
                        f"SELECT {', '.join(map(_q, columns))} FROM {_q(table)} WITH NO DATA"
                    )
                    await raw.copy_to_table(tmp, source=fh, columns=columns, format="csv", header=True)
                    cols = ", ".join(map(_q, columns))
                    status = await raw.execute(
                        f"INSERT INTO {_q(table)} ({cols}) SELECT {cols} FROM {_q(tmp)} ON CONFLICT DO NOTHING"  # noqa: S608
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
                    f"SELECT setval($1::regclass, COALESCE((SELECT max(id) FROM {_q(table)}), 0) + 1, false)",  # noqa: S608
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

    empty = [t for t in tables if not await raw.fetchval(f"SELECT EXISTS (SELECT 1 FROM {_q(t)})")]  # noqa: S608
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


def add_export_arguments(parser: Any) -> None:
    parser.add_argument("--organization-id", type=int, required=True, help="the body whose subtree is exported")
    parser.add_argument("--database", default=None, help="database name on the server (default: the app's)")
    parser.add_argument("out", help="the zip to write (a Frictionless data package)")


def add_import_arguments(parser: Any) -> None:
    parser.add_argument("--database", default=None, help="database name on the server (default: the app's)")
    parser.add_argument("package", help="the zip written by `python -m api export`")


def _url(database: str | None) -> str:
    from api.db import resolve_database_url, with_database

    url = resolve_database_url()
    return with_database(url, database) if database else url


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def run_export_to(
    url: str,
    organization_id: int,
    out_path: Path,
    uploads_root: Path | None,
    *,
    progress: Progress = lambda *_: None,
) -> ExportResult:
    """Write the package to `out_path` (through a temporary file beside it, renamed at the end)."""
    raw = await asyncpg.connect(_asyncpg_dsn(url), server_settings={"timezone": "UTC"})
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:  # noqa: ASYNC230
            result = await export_package(raw, organization_id, fh, uploads_root, progress=progress)
        os.replace(tmp, out_path)
        return result
    finally:
        tmp.unlink(missing_ok=True)
        await raw.close()


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


def _uploads_root() -> Path:
    from api.config import get_settings

    return Path(get_settings().data_dir) / "uploads"


def run_export(args: Any) -> int:
    out = Path(args.out)
    try:
        result = asyncio.run(run_export_to(_url(args.database), args.organization_id, out, _uploads_root()))
    except ExportError as exc:
        print(f"export: {exc}")
        return 1
    total = sum(result.rows.values())
    print(
        f"export: {total:,} rows in {len(result.rows)} tables, {result.files} uploads, "
        f"{out.stat().st_size / 1e6:.1f} MB in {result.seconds:.1f} s → {out}"
    )
    return 0


def run_import(args: Any) -> int:
    try:
        result = asyncio.run(run_import_from(_url(args.database), Path(args.package), _uploads_root(), log=print))
    except (ExportError, zipfile.BadZipFile) as exc:
        print(f"import: {exc}")
        return 1
    print(
        f"import: {sum(result.rows.values()):,} rows, {result.files} uploads in {result.seconds:.1f} s "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in result.phases.items())})"
    )
    return 0
