"""Export: the data of an organization's subtree as a data package (api.services.datapackage.descriptor).

One REPEATABLE READ snapshot; every table of the package is streamed with
`COPY (SELECT … scoped to the subtree) TO STDOUT WITH CSV HEADER` into `data/<table>.csv` of a zip, next to
`datapackage.json` and the uploaded files. Accounts carry their password hashes only.
"""

from __future__ import annotations

import json
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import asyncpg
from sqlalchemy import Table

from api.db import asyncpg_dsn
from api.models import Base
from api.services.datapackage.descriptor import (
    FORMAT_VERSION,
    PROFILE,
    UPLOADS_TABLE,
    ExportError,
    exported_tables,
    quote,
    stored_columns,
    table_schema,
)
from api.services.scope import subtree_sql


@dataclass
class _Scope:
    """SQL that selects the rows of each table in the subtree of one organization."""

    organization_id: int
    whole: bool  # the subtree holds every organization: no filter at all

    def select(self, table: Table) -> str:
        cols = stored_columns(table)
        exprs = [quote(c) for c in cols]
        if self.whole:
            return f"SELECT {', '.join(exprs)} FROM {quote(table.name)} ORDER BY {self._order(table)}"  # noqa: S608
        n = self.organization_id
        if table.name == "organizations":
            # The ancestors come as bare rows (no head, no data) so that the subtree keeps its place in the tree.
            exprs = [
                f"CASE WHEN {subtree_sql('path', str(n))} THEN head_person_id END AS head_person_id"
                if c == "head_person_id"
                else quote(c)
                for c in cols
            ]
        if table.name == "persons":
            exprs = [
                "CASE WHEN source_organization_id IN (SELECT id FROM export_package_orgs)"
                " THEN source_organization_id END AS source_organization_id"
                if c == "source_organization_id"
                else quote(c)
                for c in cols
            ]
        where = self._where(table)
        return (
            f"SELECT {', '.join(exprs)} FROM {quote(table.name)}"  # noqa: S608
            f"{' WHERE ' + where if where else ''} ORDER BY {self._order(table)}"
        )

    @staticmethod
    def _order(table: Table) -> str:
        if table.name == "organizations":
            return "array_length(path, 1), id"
        pk = [c.name for c in table.primary_key.columns]
        return ", ".join(quote(c) for c in pk) if pk else "1"

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
            cond = f"{quote(column.name)} IN ({subset})"
            conditions.append(f"({quote(column.name)} IS NULL OR {cond})" if column.nullable else cond)
        if not conditions and name not in _REFERENCE:
            raise ExportError(f"no rule scopes the table {name} to a subtree")
        return " AND ".join(conditions)


# Shared reference data, exported whole.
_REFERENCE = {"academic_years", "organization_structures", "organization_types", "regions", "districts", "periods"}


async def _prepare_scope(raw: asyncpg.Connection, organization_id: int) -> _Scope:
    exists = await raw.fetchval("SELECT EXISTS (SELECT 1 FROM organizations WHERE id = $1)", organization_id)
    if not exists:
        raise ExportError(f"organization {organization_id} does not exist")
    outside_sql = f"SELECT EXISTS (SELECT 1 FROM organizations WHERE NOT {subtree_sql('path', '$1')})"  # noqa: S608
    outside = await raw.fetchval(outside_sql, organization_id)
    if not outside:
        return _Scope(organization_id, whole=True)
    await raw.execute(
        "CREATE TEMP TABLE export_orgs ON COMMIT DROP AS SELECT id FROM organizations"  # noqa: S608
        f" WHERE {subtree_sql('path', str(int(organization_id)))}"
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
                col = quote(next(iter(constraint.columns)).name)
                parts.append(
                    f"SELECT {col} FROM {quote(table.name)} WHERE organization_id IN (SELECT id FROM export_orgs)"  # noqa: S608
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
                        "schema": table_schema(table),
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


async def run_export_to(
    url: str,
    organization_id: int,
    out_path: Path,
    uploads_root: Path | None,
    *,
    progress: Progress = lambda *_: None,
) -> ExportResult:
    """Write the package to `out_path` (through a temporary file beside it, renamed at the end)."""
    raw = await asyncpg.connect(asyncpg_dsn(url), server_settings={"timezone": "UTC"})
    tmp = out_path.with_name(f".{out_path.name}.tmp")
    try:
        with open(tmp, "wb") as fh:  # noqa: ASYNC230
            result = await export_package(raw, organization_id, fh, uploads_root, progress=progress)
        os.replace(tmp, out_path)
        return result
    finally:
        tmp.unlink(missing_ok=True)
        await raw.close()
