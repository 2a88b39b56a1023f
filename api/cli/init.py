"""`python -m api init`: the first run of a real install, asking on the terminal for what the arguments omit."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from api.cli.session import in_migrated_session
from api.config import SECRET_KEY_FILE, get_settings
from api.errors import Conflict, DomainError
from api.models.geography import RegionKind
from api.services.setup import ROOT_KINDS, InitRequest, initialize


def add_init_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of `python -m api init` (asked for on the terminal when omitted)."""
    parser.add_argument("--kind", choices=sorted(ROOT_KINDS), help="the top body: ministry, or region_body (регион)")
    parser.add_argument("--name-ru", help="the top body's name in Russian")
    parser.add_argument("--name-kk", help="the top body's name in Kazakh")
    parser.add_argument("--region-name-ru", help="region_body: the region's name in Russian (область / город)")
    parser.add_argument("--region-name-kk", help="region_body: the region's name in Kazakh")
    parser.add_argument(
        "--region-kind",
        choices=[str(k) for k in RegionKind],
        default=str(RegionKind.oblast),
        help="region_body: oblast (область) or city (город республиканского значения)",
    )
    parser.add_argument("--username", help="the first administrator's login")


def _ask(value: str | None, prompt: str) -> str:
    if value is not None:
        return value
    if not sys.stdin.isatty():
        return ""  # no terminal: the missing value is refused by name below
    return input(prompt)


def _secret_key_note() -> str:
    """Make sure the installation has its signing key; say where it is."""
    settings = get_settings()  # without BILIM_SECRET_KEY this creates data_dir/secret_key (0600) once
    if os.environ.get("BILIM_SECRET_KEY"):
        return "secret key: BILIM_SECRET_KEY (from the environment)"
    return f"secret key: {Path(settings.data_dir) / SECRET_KEY_FILE} (generated once; keep it and back it up)"


def run_init(args: argparse.Namespace) -> int:
    """`python -m api init`: 0 when created, 2 on bad input, 3 when the database already has organizations."""
    try:
        key_note = _secret_key_note()
    except ValueError as exc:
        print(f"error: settings: {exc}", file=sys.stderr)
        return 2
    kind = _ask(args.kind, "top body (ministry | region_body): ").strip()
    region_ru = region_kk = ""
    if kind == "region_body":
        region_ru = _ask(args.region_name_ru, "region name (ru): ")
        region_kk = _ask(args.region_name_kk, "region name (kk): ")
    name_ru = _ask(args.name_ru, "body name (ru): ")
    name_kk = _ask(args.name_kk, "body name (kk): ")
    username = _ask(args.username, "administrator login: ").strip()
    password = os.environ.get("BILIM_NEW_PASSWORD") or (getpass.getpass("password: ") if sys.stdin.isatty() else "")
    data = InitRequest(
        kind=kind,
        name_ru=name_ru,
        name_kk=name_kk,
        username=username,
        password=password,
        region_name_ru=region_ru,
        region_name_kk=region_kk,
        region_kind=args.region_kind,
    )

    try:
        result = asyncio.run(in_migrated_session(lambda session: initialize(session, data)))
    except Conflict as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 3
    except DomainError as exc:
        details = "; ".join(f"{d['field']}: {d['message']}" for d in (exc.details or []))
        print(f"error: {details or exc.message}", file=sys.stderr)
        return 2
    print(f"created the top body ({result.organization_kind}, id {result.organization_id}) «{data.name_ru.strip()}»")
    print(
        f"created administrator {result.username!r} (id {result.user_id}): the password must be changed at first login"
    )
    print(key_note)
    return 0
