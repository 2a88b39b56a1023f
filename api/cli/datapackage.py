"""`python -m api export` and `python -m api import`: a body's data package to a file and back."""

from __future__ import annotations

import asyncio
import zipfile
from pathlib import Path
from typing import Any

from api.config import get_settings
from api.db import resolve_database_url, with_database
from api.services.datapackage.descriptor import ExportError
from api.services.datapackage.export import run_export_to
from api.services.datapackage.load import run_import_from
from api.services.storage import uploads_root


def add_export_arguments(parser: Any) -> None:
    parser.add_argument("--organization-id", type=int, required=True, help="the body whose subtree is exported")
    parser.add_argument("--database", default=None, help="database name on the server (default: the app's)")
    parser.add_argument("out", help="the zip to write (a Frictionless data package)")


def add_import_arguments(parser: Any) -> None:
    parser.add_argument("--database", default=None, help="database name on the server (default: the app's)")
    parser.add_argument("package", help="the zip written by `python -m api export`")


def _url(database: str | None) -> str:
    url = resolve_database_url()
    return with_database(url, database) if database else url


def _uploads_root() -> Path:
    return uploads_root(get_settings())


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
