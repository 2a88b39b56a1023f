"""First run of a real install: `python -m api init` creates the top body and its first administrator.

On an empty database only: the ministry (or a regional body, the root of a regional install, with its region), its
names in Russian and Kazakh, and an administrator whose password must be changed at the first login. A database that
already has organizations is refused and left as it is (there is no --force).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.clock import today
from api.config import SECRET_KEY_FILE, get_settings
from api.db import raw_connection
from api.errors import Conflict, InvalidInput
from api.models import Organization, Region, User
from api.models.audit import ActorKind
from api.models.geography import RegionKind
from api.models.organizations import OrganizationKind
from api.models.people import AccountStatus, AppRole
from api.schemas.auth import NewPassword, Username
from api.services import audit, reference, school_calendar
from api.services.passwords import hash_password

ROOT_KINDS = {"ministry": OrganizationKind.ministry, "region_body": OrganizationKind.regional_body}
# Serializes concurrent `init`s on one database (a transaction-level advisory lock).
_INIT_LOCK = 0x0B11_1A_01
_CLI = audit.Actor(ActorKind.anonymous, name="cli init")


@dataclass(frozen=True)
class InitRequest:
    """What `init` creates."""

    kind: str  # "ministry" | "region_body"
    name_ru: str
    name_kk: str
    username: str
    password: str
    region_name_ru: str = ""
    region_name_kk: str = ""
    region_kind: str = RegionKind.oblast


@dataclass(frozen=True)
class InitResult:
    """What `init` created."""

    organization_id: int
    organization_kind: str
    region_id: int | None
    user_id: int
    username: str


def _required(field: str, value: str, max_length: int) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(field, "must not be blank")
    if len(value) > max_length:
        raise InvalidInput(field, f"at most {max_length} characters")
    return value


def _validated(data: InitRequest) -> InitRequest:
    if data.kind not in ROOT_KINDS:
        raise InvalidInput("kind", "the top body is a ministry or a regional body (ministry | region_body)")
    try:
        username = TypeAdapter(Username).validate_python(data.username)
    except ValidationError as exc:
        raise InvalidInput("username", exc.errors()[0]["msg"]) from None
    try:
        TypeAdapter(NewPassword).validate_python(data.password)
    except ValidationError:
        raise InvalidInput("password", "use 8–128 characters") from None
    region_ru = region_kk = ""
    if data.kind == "region_body":
        region_ru = _required("region_name_ru", data.region_name_ru, 255)
        region_kk = _required("region_name_kk", data.region_name_kk, 255)
        if data.region_kind not in {str(k) for k in RegionKind}:
            raise InvalidInput("region_kind", "oblast (область) or city (город республиканского значения)")
    return InitRequest(
        kind=data.kind,
        name_ru=_required("name_ru", data.name_ru, 500),
        name_kk=_required("name_kk", data.name_kk, 500),
        username=username,
        password=data.password,
        region_name_ru=region_ru,
        region_name_kk=region_kk,
        region_kind=data.region_kind,
    )


async def initialize(session: AsyncSession, data: InitRequest) -> InitResult:
    """Create the top body and its first administrator; Conflict when the database already has organizations.

    Flushes only: the caller commits (all or nothing).
    """
    data = _validated(data)
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INIT_LOCK})
    if await session.scalar(select(Organization.id).limit(1)) is not None:
        raise Conflict(
            "the database already has organizations: init runs only on an empty database "
            "(add bodies and schools in the app, or use another database)"
        )
    region_id: int | None = None
    if data.kind == "region_body":
        region = Region(name_ru=data.region_name_ru, name_kk=data.region_name_kk, kind=data.region_kind)
        session.add(region)
        await session.flush()
        region_id = region.id
    org = Organization(
        parent_id=None, kind=ROOT_KINDS[data.kind], region_id=region_id, name_ru=data.name_ru, name_kk=data.name_kk
    )
    session.add(org)
    await session.flush()
    password_hash = await asyncio.to_thread(hash_password, data.password)
    user = User(
        organization_id=org.id,
        region_id=region_id,
        username=data.username,
        password_hash=password_hash,
        app_role=AppRole.admin,
        status=AccountStatus.active,
        # The password went through a terminal or an environment variable: its owner sets their own first.
        must_change_password=True,
    )
    session.add(user)
    await session.flush()
    # The reference lists a registry import matches, and the current school year with its quarters (the first
    # class a school system pushes names it).
    await reference.ensure_reference_values(session)
    raw = await raw_connection(await session.connection())
    await school_calendar.ensure_school_year(raw, school_calendar.current_start_year(today()))
    await audit.record(
        session,
        None,
        action="organization.change",
        target_kind="organization",
        target_id=org.id,
        organization_id=org.id,
        details={"change": "created", "by": "init", "kind": org.kind},
        actor=_CLI,
    )
    await audit.record_account_change(
        session,
        None,
        user.id,
        org.id,
        {"change": "created", "username": user.username, "role": user.app_role, "by": "init"},
        _CLI,
    )
    return InitResult(
        organization_id=org.id, organization_kind=org.kind, region_id=region_id, user_id=user.id, username=data.username
    )


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
    from api.db import make_engine, migrate, resolve_database_url, sessionmaker_for
    from api.errors import DomainError

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

    async def _run() -> InitResult:
        url = resolve_database_url()
        await migrate(url)
        engine = make_engine(url)
        try:
            async with sessionmaker_for(engine)() as session:
                result = await initialize(session, data)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    try:
        result = asyncio.run(_run())
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
