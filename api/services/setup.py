"""First run of a real install: `python -m api init` creates the top body and its first administrator.

On an empty database only: the ministry (or a regional body, the root of a regional install, with its region), its
names in Russian and Kazakh, and an administrator whose password must be changed at the first login. A database that
already has organizations is refused and left as it is (there is no --force).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.clock import today
from api.db import raw_connection
from api.errors import Conflict, InvalidInput
from api.models import Organization, Region
from api.models.audit import ActorKind
from api.models.geography import RegionKind
from api.models.organizations import OrganizationKind
from api.models.people import AppRole
from api.schemas.auth import NewPassword, Username
from api.services import audit, reference, school_calendar
from api.services.accounts import add_account, record_created
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
    # The password went through a terminal or an environment variable: its owner sets their own first.
    user = await add_account(session, org, None, data.username, password_hash, AppRole.admin, must_change_password=True)
    # The reference lists a registry import matches, and the current school year with its quarters (the first
    # class a school system pushes names it).
    await reference.ensure_reference_values(session)
    raw = await raw_connection(await session.connection())
    await school_calendar.ensure_school_year(raw, school_calendar.current_start_year(today()))
    await audit.record_organization_event(
        session, None, "organization.change", org.id, {"change": "created", "by": "init", "kind": org.kind}, _CLI
    )
    await record_created(session, None, user, org.id, _CLI, by="init")
    return InitResult(
        organization_id=org.id, organization_kind=org.kind, region_id=region_id, user_id=user.id, username=data.username
    )
