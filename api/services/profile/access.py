"""Who may read and who may edit an organization's profile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import Forbidden, InvalidInput, NotFound
from api.models import Organization, Person, ProfileAdministrator, User
from api.models.people import full_name
from api.sanitize import clean_html
from api.services.scope import Principal, get_org_in_scope


class OwnedRow(Protocol):
    """A row of one organization's profile (news, page, question, unit...)."""

    organization_id: int


Row = TypeVar("Row")
Owned = TypeVar("Owned", bound=OwnedRow)


def paging(page: int, page_size: int) -> tuple[int, int]:
    """(limit, offset) of a 1-based page."""
    return page_size, (page - 1) * page_size


async def get_or_404(session: AsyncSession, model: type[Row], ident: int, what: str) -> Row:
    """The row of `model` with this id; 404 "<what> <id> not found" when there is none."""
    row = await session.get(model, ident)
    if row is None:
        raise NotFound(f"{what} {ident} not found")
    return row


async def get_public_org(session: AsyncSession, organization_id: int) -> Organization:
    """Any organization: profiles are public. 404 when it does not exist."""
    return await get_or_404(session, Organization, organization_id, "organization")


def is_employee_of(principal: Principal | None, org: Organization) -> bool:
    """The caller belongs to a management body whose subtree holds the organization."""
    return principal is not None and principal.organization_id in (org.path or [])


async def is_profile_admin(session: AsyncSession, principal: Principal | None, org: Organization) -> bool:
    """The caller is an employee of the organization named as one of its profile administrators."""
    if principal is None or principal.organization_id != org.id:
        return False
    found = await session.scalar(
        select(ProfileAdministrator.user_id).where(
            ProfileAdministrator.organization_id == org.id, ProfileAdministrator.user_id == principal.user_id
        )
    )
    return found is not None


async def can_edit(session: AsyncSession, principal: Principal | None, org: Organization) -> bool:
    """The caller administers a body whose subtree holds the organization, or is a profile administrator of it."""
    if principal is None:
        return False
    if principal.is_admin and is_employee_of(principal, org):
        return True
    return await is_profile_admin(session, principal, org)


async def get_org_for_edit(session: AsyncSession, principal: Principal, organization_id: int) -> Organization:
    """The organization when the caller may edit its profile: 404 outside the caller's subtree (checked in SQL,
    no hint that it exists), 403 for employees who are neither administrators nor its profile administrators."""
    org = await get_org_in_scope(session, principal, organization_id)
    if not await can_edit(session, principal, org):
        raise Forbidden(
            "only administrators of this organization's management body or its profile administrators may change it"
        )
    return org


async def get_for_edit(
    session: AsyncSession, principal: Principal, model: type[Owned], ident: int, what: str
) -> tuple[Owned, Organization]:
    """A row of a profile and its organization when the caller may edit that profile: 404 when the row does not
    exist, then the answers of get_org_for_edit."""
    row = await get_or_404(session, model, ident, what)
    return row, await get_org_for_edit(session, principal, row.organization_id)


async def delete_for_edit(
    session: AsyncSession, principal: Principal, model: type[OwnedRow], ident: int, what: str
) -> None:
    """Delete a row of a profile the caller may edit (as get_for_edit)."""
    row, _ = await get_for_edit(session, principal, model, ident, what)
    await session.delete(row)
    await session.flush()


async def get_org_for_member(session: AsyncSession, principal: Principal, organization_id: int) -> Organization:
    """The organization when the caller is an employee of a body above (or at) it; 404 outside the subtree."""
    return await get_org_in_scope(session, principal, organization_id)


async def display_name(session: AsyncSession, principal: Principal) -> str:
    """The caller's name for bylines: the person's full name, else the user name."""
    if principal.person_id is not None:
        person = await session.get(Person, principal.person_id)
        if person is not None:
            return person.full_name
    return principal.username or f"user {principal.user_id}"


async def byline(session: AsyncSession, principal: Principal) -> dict[str, Any]:
    """The author columns of what the caller writes: their user id and display name."""
    return {"author_user_id": principal.user_id, "author_name": await display_name(session, principal)}


def sanitised(html: str, field: str, clean: Callable[[str], str] = clean_html) -> str:
    """The cleaned text of a required HTML field; 422 on `field` when nothing is left of it."""
    cleaned = clean(html)
    if not cleaned:
        raise InvalidInput(field, "nothing is left after removing unsafe markup")
    return cleaned


def person_name_sql() -> Any:
    """SQL expression of a person's full name."""
    return full_name()


def registered_sql() -> Any:
    """SQL EXISTS: the person has an account."""
    return select(User.id).where(User.person_id == Person.id).exists()


def _item_error(field: str, index: int, message: str, detail: str) -> InvalidInput:
    """422 about one item of a list field, naming its index."""
    return InvalidInput(field, message, details=[{"field": field, "index": index, "message": detail}])


def check_ids_unique(ids: list[int], field: str) -> None:
    """422 when a list of ids repeats one."""
    seen: set[int] = set()
    for i, v in enumerate(ids):
        if v in seen:
            raise _item_error(field, i, f"id {v} is listed twice", "repeated")
        seen.add(v)


def check_ids_allowed(
    ids: list[int], allowed: set[int], field: str, message: Callable[[int], str], detail: str
) -> None:
    """422 naming the first id of the list (and its index) that is not among `allowed`."""
    for i, v in enumerate(ids):
        if v not in allowed:
            raise _item_error(field, i, message(v), detail)
