"""End-to-end stack: a fresh database with the demo region and the real app on a free port.

Prints one JSON line {"base_url", "database_url"} when the app answers, then runs until stdin closes
or SIGTERM arrives; then stops the app and drops the database. Used by Playwright's global setup, and with
E2E_EMPTY=1 (migrations only, not one organization) by the first-run spec, which runs `init` itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from api.config import Settings  # noqa: E402
from api.db import ensure_database, resolve_database_url, run_migrations, with_database  # noqa: E402

DEMO_PASSWORD = "demo12345"
# The demo region's structure (regions, districts, types, accounts) at a size that loads in well under a
# minute; E2E_DEMO_ARGS="" loads the full default region.
DEMO_ARGS = os.environ.get("E2E_DEMO_ARGS", "--schools 10 --parallels 1 --students-per-class 6-10")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def has_demo_command() -> bool:
    """Whether `python -m api demo` exists (the demo region generator)."""
    from api.__main__ import COMMANDS

    return "demo" in COMMANDS


async def seed_minimal(url: str) -> None:
    """Without the demo generator: a region with two districts, schools of two types and the `region` account."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from tests import factories as f

    engine = create_async_engine(url, poolclass=NullPool)
    async with async_sessionmaker(engine, expire_on_commit=False)() as db:
        w = await f.world(db)
        lyceum = await f.org_type(db, name_ru="Лицей", name_kk="Лицей", name_en="Lyceum")
        for i in range(3):
            await f.organization(db, "school", w.body_a, name_ru=f"Школа-гимназия №{i + 10}", type_id=w.school_type.id)
        await f.organization(db, "school", w.body_b, name_ru="Лицей №1", type_id=lyceum.id)
        await f.app_user(db, w.regional_body, username="region", password=DEMO_PASSWORD)
        await db.commit()
    await engine.dispose()


async def drop(url: str, name: str) -> None:
    """Drop the e2e database (connections forced out)."""
    admin = create_async_engine(with_database(url, "postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Poll the health endpoint until it answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the app did not answer {url} within {seconds}s")


def main() -> int:
    """Create, seed, serve; clean up on exit."""
    os.environ.setdefault("BILIM_ENVIRONMENT", "dev")
    server = resolve_database_url(Settings())
    name = f"bilim_e2e_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = with_database(server, name)
    asyncio.run(ensure_database(url))
    app: subprocess.Popen[bytes] | None = None
    try:
        run_migrations(url)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(port)}
        if os.environ.get("E2E_EMPTY") == "1":
            pass  # an empty install: the spec runs `python -m api init` against database_url
        elif has_demo_command():
            demo = [sys.executable, "-m", "api", "demo", *DEMO_ARGS.split()]
            subprocess.run(demo, env=env, cwd=ROOT, check=True, stdout=sys.stderr)
        else:
            asyncio.run(seed_minimal(url))
        app = subprocess.Popen([sys.executable, "-m", "api", "serve"], env=env, cwd=ROOT, stdout=sys.stderr)
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/api/v1/health", app)
        print(json.dumps({"base_url": base, "database_url": url}), flush=True)

        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
        stop.wait()
    finally:
        if app is not None and app.poll() is None:
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
        asyncio.run(drop(url, name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
