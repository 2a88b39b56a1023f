"""Access scope: the subtree of organizations a caller may see, applied in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ARRAY, ColumnElement, Integer, Select, bindparam, select
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


def in_subtree(root_id: int, bind_as: str | None = None) -> ColumnElement[bool]:
    """A WHERE condition on the organizations table: the organization lies in root's subtree (root included).

    `bind_as` names the bind parameter, for statements cached by shape and run again with other values."""
    if bind_as is None:
        return Organization.path.contains([root_id])
    return Organization.path.contains(bindparam(bind_as, [root_id], type_=ARRAY(Integer)))


def subtree_sql(path: str, root: str) -> str:
    """The same condition in SQL text, for the raw statements (change feed, integration batches, export): `path` is
    an organization's path, `root` the parameter (or number) holding the subtree's root id."""
    return f"{path} @> ARRAY[CAST({root} AS integer)]"


def org_subtree_sql(org_id: str, root: str) -> str:
    """SQL text: the organization whose id is in the column `org_id` lies in root's subtree (its path read by a scalar
    subquery, so that the plan stays led by the outer rows)."""
    return subtree_sql(f"(SELECT o.path FROM organizations o WHERE o.id = {org_id})", root)  # noqa: S608 - our fragments


def scope_org_ids(root_id: int) -> Select[int]:
    """SELECT of the ids of the organizations in root's subtree (root included)."""
    return select(Organization.id).where(in_subtree(root_id))


def in_scope(
    org_id_column: ColumnElement[int] | ColumnElement[int | None], principal: Principal
) -> ColumnElement[bool]:
    """A WHERE condition: the row's organization lies in the caller's subtree."""
    return org_id_column.in_(scope_org_ids(principal.organization_id))


def org_in_scope(principal: Principal) -> ColumnElement[bool]:
    """A WHERE condition on the organizations table itself."""
    return in_subtree(principal.organization_id)


async def get_org_in_scope(session: AsyncSession, principal: Principal, organization_id: int) -> Organization:
    """The organization when it is in the caller's subtree; 404 otherwise (no hint that it exists)."""
    org = await session.scalar(select(Organization).where(Organization.id == organization_id, org_in_scope(principal)))
    if org is None:
        raise NotFound(f"organization {organization_id} not found")
    return org
