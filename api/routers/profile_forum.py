"""Форум: sections, topics, posts and replies; edits need If-Match with the post's ETag."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from api.deps import CurrentUser, OptionalUser, SessionDep
from api.replicas import PublicReadSession, ReplicaRoute
from api.routers.owned import RowRoutes
from api.routers.profile import Page, PageSize
from api.schemas.profile import forum as schemas
from api.services.profile import forum

router = APIRouter(tags=["profile: forum"], route_class=ReplicaRoute)

IfMatch = Annotated[str | None, Header(alias="If-Match", description="the post's ETag from GET")]


@router.get("/organizations/{organization_id}/forum", response_model=schemas.ForumRead)
async def get_forum(organization_id: int, session: PublicReadSession, principal: OptionalUser) -> schemas.ForumRead:
    """The forum's sections (public)."""
    return await forum.get_forum(session, principal, organization_id)


section_row = RowRoutes(router, "/forum/sections/{section_id}", schemas.SectionRead)
section_row.create(
    "/organizations/{organization_id}/forum/sections",
    "create_section",
    forum.create_section,
    schemas.SectionWrite,
    "Add a section (administrators).",
)
section_row.write(
    "put", "update_section", forum.update_section, schemas.SectionWrite, "Change a section (administrators)."
)
section_row.delete("delete_section", forum.delete_section, "Delete a section with its topics (administrators).")


@router.get("/forum/sections/{section_id}/topics", response_model=schemas.TopicList)
async def list_topics(
    section_id: int, session: PublicReadSession, principal: OptionalUser, page: Page = 1, page_size: PageSize = 20
) -> schemas.TopicList:
    """Topics of a section, most recently active first (public)."""
    return await forum.list_topics(session, principal, section_id, page, page_size)


topic_row = RowRoutes(router, "/forum/topics/{topic_id}", schemas.TopicDetail)
topic_row.create(
    "/forum/sections/{section_id}/topics",
    "create_topic",
    forum.create_topic,
    schemas.TopicWrite,
    "Open a topic with its first post (employees of the organization's body).",
)


@router.get("/forum/topics/{topic_id}", response_model=schemas.TopicDetail)
async def get_topic(topic_id: int, session: PublicReadSession, principal: OptionalUser) -> schemas.TopicDetail:
    """A topic with its posts (public)."""
    return await forum.get_topic(session, principal, topic_id)


topic_row.write(
    "patch", "moderate_topic", forum.moderate_topic, schemas.Moderation, "Lock or hide a topic (administrators)."
)
topic_row.delete("delete_topic", forum.delete_topic, "Delete a topic with its posts (administrators).")


@router.post("/forum/topics/{topic_id}/posts", response_model=schemas.PostRead, status_code=status.HTTP_201_CREATED)
async def create_post(
    topic_id: int, data: schemas.PostWrite, response: Response, session: SessionDep, principal: CurrentUser
) -> schemas.PostRead:
    """Post in a topic or reply to a post (employees of the organization's body)."""
    post = await forum.create_post(session, principal, topic_id, data)
    response.headers["ETag"] = post.etag
    return post


@router.get("/forum/posts/{post_id}", response_model=schemas.PostRead)
async def get_post(post_id: int, response: Response, session: SessionDep, principal: OptionalUser) -> schemas.PostRead:
    """One post; its ETag header is what an edit sends back in If-Match."""
    post = await forum.get_post(session, principal, post_id)
    response.headers["ETag"] = post.etag
    return post


@router.patch(
    "/forum/posts/{post_id}",
    response_model=schemas.PostRead,
    responses={412: {"description": "the post changed since the ETag"}, 428: {"description": "If-Match is missing"}},
)
async def update_post(
    post_id: int,
    data: schemas.PostUpdate,
    response: Response,
    session: SessionDep,
    principal: CurrentUser,
    if_match: IfMatch = None,
) -> schemas.PostRead:
    """Edit a post (its author or an administrator); If-Match must carry the current ETag."""
    post = await forum.update_post(session, principal, post_id, data, if_match)
    response.headers["ETag"] = post.etag
    return post


RowRoutes(router, "/forum/posts/{post_id}/moderation", schemas.PostRead).write(
    "post", "moderate_post", forum.moderate_post, schemas.Moderation, "Hide or show a post (administrators)."
)


@router.delete(
    "/forum/posts/{post_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={412: {"description": "the post changed since the ETag"}, 428: {"description": "If-Match is missing"}},
)
async def delete_post(post_id: int, session: SessionDep, principal: CurrentUser, if_match: IfMatch = None) -> Response:
    """Delete a post (its author or an administrator); If-Match must carry the current ETag."""
    await forum.delete_post(session, principal, post_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
