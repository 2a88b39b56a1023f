"""The Frictionless data package of a body's data: which tables it holds, their schemas, and the descriptor's check.

A package is a zip: `datapackage.json` (fields with Frictionless types, primary and foreign keys), one
`data/<table>.csv` per table of the models except the derived ones (report aggregates), the audit log and
secrets that only make sense on this server (refresh tokens, API tokens, login throttles), and the uploaded files
under `uploads/<storage key>`. Written by api.services.datapackage.export, loaded by api.services.datapackage.load.
"""

from __future__ import annotations

import json
import zipfile
from typing import Any

from sqlalchemy import Table

from api.models import Base
from api.models.partition_keys import KEY_TABLES

PROFILE = "tabular-data-package"
FORMAT_VERSION = 1
# Not exported: derived (rebuilt on import), the server's own journal, and credentials of this server.
# Operational tables: the audit trail, sessions, tokens and the change feed's log and horizon (its cursors are xids
# of this instance; an integrator of the new instance reads its feed from the start).
# The key tables of the partitioned tables are made again from the rows on import (partitions.after_bulk_load).
EXCLUDED = {
    "audit_log",
    "refresh_tokens",
    "login_throttles",
    "api_tokens",
    "change_log",
    "change_log_horizon",
    *KEY_TABLES,
}
AGGREGATE_PREFIX = "rpt_"
UPLOADS_TABLE = "profile_files"


class ExportError(Exception):
    """A package that cannot be written or read; the message says why."""


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def exported_tables() -> list[Table]:
    """The tables of the package, parents before children (the import order)."""
    return [
        t for t in Base.metadata.sorted_tables if t.name not in EXCLUDED and not t.name.startswith(AGGREGATE_PREFIX)
    ]


def stored_columns(table: Table) -> list[str]:
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


def table_schema(table: Table) -> dict[str, Any]:
    fields = []
    for name in stored_columns(table):
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
        columns = set(stored_columns(known[name]))
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
