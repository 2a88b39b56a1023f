"""`python -m api check`: what is unsafe or missing in the current settings, before a real install goes live.

Each finding is UNSAFE (in prod the command exits 1), WARN (missing or worth a look) or INFO. Reading the settings
here writes nothing (no signing key is generated, no embedded server is started).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from api.config import MIN_SECRET_KEY_LENGTH, PROJECT_ROOT, SECRET_KEY_FILE, Settings

UNSAFE, WARN, INFO = "UNSAFE", "WARN", "INFO"
# PostgreSQL keeps superuser_reserved_connections (3) out of max_connections; leave room for psql and backups too.
RESERVED_CONNECTIONS = 5
BACKUP_MAX_AGE_DAYS = 2


@dataclass(frozen=True)
class Finding:
    level: str
    setting: str
    message: str


def _placeholder_key() -> str:
    return "k" * MIN_SECRET_KEY_LENGTH


def read_settings(env: Mapping[str, str]) -> tuple[Settings | None, list[Finding]]:
    """The settings as the app would read them, without generating a key; invalid values become findings."""
    try:
        # The key is judged separately: a placeholder keeps Settings from creating data_dir/secret_key.
        return Settings(secret_key=env.get("BILIM_SECRET_KEY") or _placeholder_key()), []
    except ValidationError as exc:
        return None, [
            Finding(UNSAFE, ".".join(str(p) for p in err["loc"]) or "settings", err["msg"]) for err in exc.errors()
        ]


def collect(
    settings: Settings, env: Mapping[str, str], *, max_connections: int | None, backups_dir: Path
) -> list[Finding]:
    """Findings about settings already read (max_connections: the server's, None when not asked)."""
    prod = settings.environment == "prod"
    out: list[Finding] = []
    if not env.get("BILIM_SECRET_KEY"):
        where = Path(settings.data_dir) / SECRET_KEY_FILE
        if prod:
            out.append(
                Finding(UNSAFE, "BILIM_SECRET_KEY", "not set: prod needs an explicit key of 32+ random characters")
            )
        else:
            out.append(Finding(INFO, "BILIM_SECRET_KEY", f"not set: the key generated in {where} signs the sessions"))
    if not prod:
        out.append(
            Finding(
                WARN, "BILIM_ENVIRONMENT", f"{settings.environment!r}: set BILIM_ENVIRONMENT=prod on a real install"
            )
        )
    if not settings.database_url:
        level = UNSAFE if prod else INFO
        out.append(
            Finding(level, "DATABASE_URL", f"not set: the embedded PostgreSQL in {settings.data_dir} (for trying out)")
        )
    if not settings.trusted_proxies:
        out.append(
            Finding(
                INFO,
                "BILIM_TRUSTED_PROXIES",
                "empty: behind a reverse proxy, list its address, or the audit log and the login limits see only the "
                "proxy's address (whether there is a proxy cannot be known from here)",
            )
        )
    per_worker = settings.db_pool_size + settings.db_max_overflow
    need = settings.workers * per_worker
    figures = f"{settings.workers} worker(s) × (pool {settings.db_pool_size} + overflow {settings.db_max_overflow})"
    if max_connections is None:
        out.append(Finding(INFO, "BILIM_WORKERS", f"{figures} = {need} connections at most (server not asked)"))
    elif need > max_connections - RESERVED_CONNECTIONS:
        out.append(
            Finding(
                UNSAFE,
                "BILIM_WORKERS",
                f"{figures} = {need} connections, more than the server's max_connections {max_connections} "
                f"less {RESERVED_CONNECTIONS} reserved: lower the workers or the pool, or raise max_connections",
            )
        )
    else:
        out.append(Finding(INFO, "BILIM_WORKERS", f"{figures} = {need} of max_connections {max_connections}"))
    out.extend(_backups(backups_dir, prod))
    return out


def _backups(backups_dir: Path, prod: bool) -> list[Finding]:
    archives = sorted(backups_dir.glob("bilim-*.tar"), key=lambda p: p.stat().st_mtime) if backups_dir.is_dir() else []
    if not archives:
        return [Finding(WARN, "backups", f"no backup in {backups_dir}: schedule `make backup` (scripts/backup.py)")]
    age_days = (time.time() - archives[-1].stat().st_mtime) / 86400
    if age_days > BACKUP_MAX_AGE_DAYS:
        return [Finding(WARN, "backups", f"the newest backup in {backups_dir} is {age_days:.0f} days old")]
    return [Finding(INFO, "backups", f"newest backup: {archives[-1]}")]


async def _max_connections(url: str) -> int:
    from sqlalchemy import text

    from api.db import make_engine

    engine = make_engine(url)
    try:
        async with asyncio.timeout(10), engine.connect() as conn:
            return int(await conn.scalar(text("SELECT current_setting('max_connections')::int")) or 0)
    finally:
        await engine.dispose()


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `python -m api check`."""
    parser.add_argument(
        "--backups", type=Path, default=PROJECT_ROOT / "backups", help="the folder of the backup archives (./backups)"
    )


def run_check(args: argparse.Namespace) -> int:
    """Print the findings; exit 1 in prod when one is unsafe."""
    env = dict(os.environ)
    settings, findings = read_settings(env)
    prod = env.get("BILIM_ENVIRONMENT", "").strip().lower() == "prod"
    if settings is not None:
        prod = settings.environment == "prod"
        max_connections: int | None = None
        if settings.database_url:
            try:
                max_connections = asyncio.run(_max_connections(settings.database_url))
            except Exception as exc:  # any failure to reach the server is the finding
                findings.append(Finding(UNSAFE, "DATABASE_URL", f"the server does not answer: {type(exc).__name__}"))
        findings += collect(settings, env, max_connections=max_connections, backups_dir=args.backups)
    for finding in sorted(findings, key=lambda f: (UNSAFE, WARN, INFO).index(f.level)):
        print(f"{finding.level:6} {finding.setting}: {finding.message}")
    unsafe = sum(f.level == UNSAFE for f in findings)
    if unsafe and prod:
        print(f"{unsafe} unsafe setting(s): fix them before serving", file=sys.stderr)
        return 1
    print("no unsafe setting" if not unsafe else f"{unsafe} unsafe setting(s) (not prod: exit 0)")
    return 0
