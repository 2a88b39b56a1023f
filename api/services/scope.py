"""Access scope: the subtree of organizations a caller may see, applied in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import NotFound
from api.models import Organization


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user of a management body (employee or administrator)."""

    user_id: int
    person_id: int | None
    organization_id: int  # the management body; its subtree is the scope
    role: str  # "employee" | "admin"
    username: str
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def scope_org_ids(root_id: int) -> Select[int]:
    """SELECT of the ids of the organizations in root's subtree (root included)."""
    return select(Organization.id).where(Organization.path.contains([root_id]))


def in_scope(
    org_id_column: ColumnElement[int] | ColumnElement[int | None], principal: Principal
) -> ColumnElement[bool]:
    """A WHERE condition: the row's organization lies in the caller's subtree."""
    return org_id_column.in_(scope_org_ids(principal.organization_id))


def org_in_scope(principal: Principal) -> ColumnElement[bool]:
    """A WHERE condition on the organizations table itself."""
    return Organization.path.contains([principal.organization_id])


async def get_org_in_scope(session: AsyncSession, principal: Principal, organization_id: int) -> Organization:
    """The organization when it is in the caller's subtree; 404 otherwise (no hint that it exists)."""
    org = await session.scalar(select(Organization).where(Organization.id == organization_id, org_in_scope(principal)))
    if org is None:
        raise NotFound(f"organization {organization_id} not found")
    return org
