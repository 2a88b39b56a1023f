"""Command line: `python -m api serve | migrate | …`."""

from __future__ import annotations

import argparse
import asyncio
import sys

from api.config import get_settings


def _serve(_: argparse.Namespace) -> int:
    import uvicorn

    from api.db import migrate, resolve_database_url

    settings = get_settings()
    url = resolve_database_url(settings)
    asyncio.run(migrate(url))
    base = f"http://{settings.host}:{settings.port}"
    print(f"Bilim OUO: {base}/  ·  API docs: {base}/api/docs  ·  health: {base}/api/v1/health", flush=True)
    uvicorn.run("api.main:create_app", factory=True, host=settings.host, port=settings.port, log_level="info")
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from api.db import migrate, resolve_database_url

    asyncio.run(migrate(resolve_database_url()))
    print("migrations applied")
    return 0


COMMANDS = {"serve": _serve, "migrate": _migrate}


def main(argv: list[str] | None = None) -> int:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(prog="python -m api")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="migrate and serve the app (embedded database unless DATABASE_URL is set)")
    sub.add_parser("migrate", help="bring the database to the migration heads")
    args = parser.parse_args(argv)
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
