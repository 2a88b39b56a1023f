"""Люди: people of an organization's subtree, for employees of management bodies only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser
from api.replicas import ReadSession, ReplicaRoute
from api.routers.profile import Page
from api.schemas.profile.structure import PeopleCategory, PeopleList
from api.services.profile import people

router = APIRouter(tags=["profile: people"], route_class=ReplicaRoute)


@router.get("/organizations/{organization_id}/people", response_model=PeopleList)
async def list_people(
    organization_id: int,
    session: ReadSession,
    principal: CurrentUser,
    category: Annotated[
        PeopleCategory, Query(description="Все, Руководители, Администрация, Сотрудники ОО, …")
    ] = "all",
    q: Annotated[str | None, Query(max_length=200, description="name words in any order; a typo is tolerated")] = None,
    online: Annotated[bool, Query(description="only persons seen on the site in the last 5 minutes")] = False,
    page: Page = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
) -> PeopleList:
    """People of the organization's subtree (within the caller's scope) by category, name search and presence."""
    return await people.list_people(
        session, principal, organization_id, category=category, q=q, online_only=online, page=page, page_size=page_size
    )
