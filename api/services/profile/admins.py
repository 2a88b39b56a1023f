"""Администраторы профиля: employees of a body named by its administrator to keep the body's site."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import Forbidden, InvalidInput
from api.models import Organization, Person, ProfileAdministrator, User
from api.schemas.profile.page import AdminBrief, ProfileAdminsRead
from api.services.profile.access import check_ids_allowed, check_ids_unique, is_employee_of, person_name_sql
from api.services.scope import Principal, get_org_in_scope

MAX_PROFILE_ADMINS = 100


def can_name_admins(principal: Principal | None, org: Organization) -> bool:
    """Only an administrator of the body or of a body above it names profile administrators."""
    return principal is not None and principal.is_admin and is_employee_of(principal, org)


async def _org_for_naming(session: AsyncSession, principal: Principal, organization_id: int) -> Organization:
    org = await get_org_in_scope(session, principal, organization_id)
    if not can_name_admins(principal, org):
        raise Forbidden("only an administrator of the body names its profile administrators")
    return org


def _employees(org_id: int) -> Select[Any]:
    return (
        select(User.id, User.person_id, func.coalesce(person_name_sql(), User.username))
        .outerjoin(Person, Person.id == User.person_id)
        .where(User.organization_id == org_id, User.app_role.is_not(None), User.status == "active")
    )


async def named(session: AsyncSession, org_id: int) -> list[AdminBrief]:
    """The named profile administrators of a body that are still its active employees."""
    rows = (
        await session.execute(
            _employees(org_id)
            .join(ProfileAdministrator, ProfileAdministrator.user_id == User.id)
            .where(ProfileAdministrator.organization_id == org_id, User.app_role != "admin")
            .order_by(Person.surname, Person.first_name, User.id)
        )
    ).all()
    return [AdminBrief(user_id=r[0], person_id=r[1], full_name=r[2] or "", profile_admin=True) for r in rows]


async def list_profile_admins(session: AsyncSession, principal: Principal, organization_id: int) -> ProfileAdminsRead:
    """The profile administrators of a body and the employees an administrator may name."""
    org = await _org_for_naming(session, principal, organization_id)
    rows = (
        await session.execute(
            _employees(org.id).where(User.app_role != "admin").order_by(Person.surname, Person.first_name, User.id)
        )
    ).all()
    return ProfileAdminsRead(
        items=await named(session, org.id),
        candidates=[AdminBrief(user_id=r[0], person_id=r[1], full_name=r[2] or "") for r in rows],
    )


async def set_profile_admins(
    session: AsyncSession, principal: Principal, organization_id: int, user_ids: list[int]
) -> ProfileAdminsRead:
    """Replace the list of profile administrators: each must be an active employee (not an administrator)."""
    org = await _org_for_naming(session, principal, organization_id)
    check_ids_unique(user_ids, "user_ids")
    if len(user_ids) > MAX_PROFILE_ADMINS:
        raise InvalidInput("user_ids", f"at most {MAX_PROFILE_ADMINS} profile administrators")
    allowed = set(
        await session.scalars(
            select(User.id).where(
                User.id.in_(user_ids),
                User.organization_id == org.id,
                User.app_role == "employee",
                User.status == "active",
            )
        )
    )
    check_ids_allowed(
        user_ids,
        allowed,
        "user_ids",
        lambda uid: f"user {uid} is not an active employee of this body",
        "not an active employee of this body",
    )
    await session.execute(delete(ProfileAdministrator).where(ProfileAdministrator.organization_id == org.id))
    if user_ids:
        await session.execute(
            insert(ProfileAdministrator), [{"organization_id": org.id, "user_id": uid} for uid in user_ids]
        )
    await session.flush()
    return await list_profile_admins(session, principal, org.id)
