"""Вкладка «Форум»: sections, topics, posts and replies; ETag/If-Match on edits; moderation by administrators."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import Forbidden, InvalidInput, NotFound, PreconditionFailed, PreconditionRequired
from api.models import ForumPost, ForumSection, ForumTopic, Organization
from api.sanitize import linkify_html
from api.schemas.profile.base import OrgBrief
from api.schemas.profile.forum import (
    ForumRead,
    Moderation,
    PostRead,
    PostUpdate,
    PostWrite,
    SectionRead,
    SectionWrite,
    TopicDetail,
    TopicList,
    TopicRead,
    TopicWrite,
)
from api.services.profile import access
from api.services.scope import Principal


def etag(post: ForumPost) -> str:
    """The strong ETag of a post's current version."""
    return f'"post-{post.id}-v{post.version}"'


def post_read(p: ForumPost) -> PostRead:
    """The schema of a post with its ETag."""
    return PostRead.of(p, etag=etag(p))


def _clean_body(body_html: str) -> str:
    return access.sanitised(body_html, "body_html", linkify_html)


async def _section_reads(
    session: AsyncSession, org_id: int, moderator: bool, section_id: int | None = None
) -> list[SectionRead]:
    count_q = select(func.count()).where(ForumTopic.section_id == ForumSection.id)
    if not moderator:
        count_q = count_q.where(ForumTopic.hidden.is_(False))
    q = select(ForumSection, count_q.scalar_subquery()).where(ForumSection.organization_id == org_id)
    if section_id is not None:
        q = q.where(ForumSection.id == section_id)
    rows = (await session.execute(q.order_by(ForumSection.sort_order, ForumSection.id))).all()
    return [
        SectionRead(id=s.id, title=s.title, description=s.description, sort_order=s.sort_order, topic_count=c)
        for s, c in rows
    ]


async def get_forum(session: AsyncSession, principal: Principal | None, organization_id: int) -> ForumRead:
    """The forum's sections with their topic counts."""
    org = await access.get_public_org(session, organization_id)
    moderator = await access.can_edit(session, principal, org)
    return ForumRead(
        organization=OrgBrief.model_validate(org),
        sections=await _section_reads(session, org.id, moderator),
        can_moderate=moderator,
        can_post=access.is_employee_of(principal, org),
    )


async def create_section(
    session: AsyncSession, principal: Principal, organization_id: int, data: SectionWrite
) -> SectionRead:
    """Add a forum section (administrators)."""
    org = await access.get_org_for_edit(session, principal, organization_id)
    s = ForumSection(organization_id=org.id, **data.model_dump())
    session.add(s)
    await session.flush()
    return SectionRead(id=s.id, title=s.title, description=s.description, sort_order=s.sort_order, topic_count=0)


async def _section(session: AsyncSession, section_id: int) -> tuple[ForumSection, Organization]:
    s = await access.get_or_404(session, ForumSection, section_id, "forum section")
    return s, await access.get_public_org(session, s.organization_id)


async def update_section(
    session: AsyncSession, principal: Principal, section_id: int, data: SectionWrite
) -> SectionRead:
    """Change a forum section (administrators)."""
    s, org = await _section(session, section_id)
    await access.get_org_for_edit(session, principal, org.id)
    for k, v in data.model_dump().items():
        setattr(s, k, v)
    await session.flush()
    return (await _section_reads(session, org.id, True, s.id))[0]


async def delete_section(session: AsyncSession, principal: Principal, section_id: int) -> None:
    """Delete a forum section with its topics (administrators)."""
    s, org = await _section(session, section_id)
    await access.get_org_for_edit(session, principal, org.id)
    await session.delete(s)
    await session.flush()


def _topic_read(t: ForumTopic, post_count: int) -> TopicRead:
    return TopicRead.of(t, post_count=post_count)


async def list_topics(
    session: AsyncSession, principal: Principal | None, section_id: int, page: int, page_size: int
) -> TopicList:
    """Topics of a section, most recently active first (hidden ones only for moderators)."""
    s, org = await _section(session, section_id)
    moderator = await access.can_edit(session, principal, org)
    cond = [ForumTopic.section_id == s.id]
    if not moderator:
        cond.append(ForumTopic.hidden.is_(False))
    limit, offset = access.paging(page, page_size)
    total = await session.scalar(select(func.count()).select_from(ForumTopic).where(*cond)) or 0
    count_q = select(func.count()).where(ForumPost.topic_id == ForumTopic.id)
    if not moderator:
        count_q = count_q.where(ForumPost.hidden.is_(False))
    rows = (
        await session.execute(
            select(ForumTopic, count_q.scalar_subquery())
            .where(*cond)
            .order_by(ForumTopic.updated_at.desc(), ForumTopic.id.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return TopicList(
        section=(await _section_reads(session, org.id, moderator, s.id))[0],
        items=[_topic_read(t, c) for t, c in rows],
        total=total,
        page=page,
        page_size=page_size,
    )


async def create_topic(session: AsyncSession, principal: Principal, section_id: int, data: TopicWrite) -> TopicDetail:
    """Open a topic with its first post (employees of the organization's management body)."""
    s, org = await _section(session, section_id)
    await access.get_org_for_member(session, principal, org.id)
    author = await access.byline(session, principal)
    t = ForumTopic(section_id=s.id, organization_id=org.id, **author, title=data.title)
    session.add(t)
    await session.flush()
    session.add(ForumPost(topic_id=t.id, organization_id=org.id, **author, body_html=_clean_body(data.body_html)))
    await session.flush()
    return await get_topic(session, principal, t.id)


async def _topic(session: AsyncSession, topic_id: int) -> tuple[ForumTopic, Organization]:
    t = await access.get_or_404(session, ForumTopic, topic_id, "topic")
    return t, await access.get_public_org(session, t.organization_id)


async def get_topic(session: AsyncSession, principal: Principal | None, topic_id: int) -> TopicDetail:
    """A topic with its posts (hidden topics and posts only for moderators)."""
    t, org = await _topic(session, topic_id)
    moderator = await access.can_edit(session, principal, org)
    if t.hidden and not moderator:
        raise NotFound(f"topic {topic_id} not found")
    q = select(ForumPost).where(ForumPost.topic_id == t.id)
    if not moderator:
        q = q.where(ForumPost.hidden.is_(False))
    posts = list(await session.scalars(q.order_by(ForumPost.created_at, ForumPost.id)))
    await session.refresh(t)
    return TopicDetail(
        topic=_topic_read(t, len(posts)),
        section=(await _section_reads(session, org.id, moderator, t.section_id))[0],
        posts=[post_read(p) for p in posts],
        can_moderate=moderator,
        can_post=access.is_employee_of(principal, org) and (not t.locked or moderator),
    )


async def create_post(session: AsyncSession, principal: Principal, topic_id: int, data: PostWrite) -> PostRead:
    """Post in a topic or reply to a post (employees; a locked topic takes posts from moderators only)."""
    t, org = await _topic(session, topic_id)
    await access.get_org_for_member(session, principal, org.id)
    moderator = await access.can_edit(session, principal, org)
    if t.hidden and not moderator:
        raise NotFound(f"topic {topic_id} not found")
    if t.locked and not moderator:
        raise Forbidden("the topic is locked")
    if data.parent_post_id is not None:
        parent = await session.get(ForumPost, data.parent_post_id)
        if parent is None or parent.topic_id != t.id or (parent.hidden and not moderator):
            raise InvalidInput("parent_post_id", f"post {data.parent_post_id} is not a post of this topic")
    p = ForumPost(
        topic_id=t.id,
        organization_id=org.id,
        parent_post_id=data.parent_post_id,
        **await access.byline(session, principal),
        body_html=_clean_body(data.body_html),
    )
    session.add(p)
    t.updated_at = func.now()
    await session.flush()
    await session.refresh(p)
    return post_read(p)


async def _check_visible(session: AsyncSession, principal: Principal | None, p: ForumPost) -> Organization:
    """The post's organization; 404 (as for the topic itself) when the post or its topic is hidden and the caller
    does not moderate it: nothing under a hidden topic is readable or editable by others, its author included."""
    org = await access.get_public_org(session, p.organization_id)
    if await access.can_edit(session, principal, org):
        return org
    topic_hidden = await session.scalar(select(ForumTopic.hidden).where(ForumTopic.id == p.topic_id))
    if p.hidden or topic_hidden is not False:
        raise NotFound(f"post {p.id} not found")
    return org


async def get_post(session: AsyncSession, principal: Principal | None, post_id: int) -> PostRead:
    """One post (its ETag is what an edit must send in If-Match)."""
    p = await access.get_or_404(session, ForumPost, post_id, "post")
    await _check_visible(session, principal, p)
    return post_read(p)


async def _locked_post(session: AsyncSession, principal: Principal, post_id: int, if_match: str | None) -> ForumPost:
    """The post locked FOR UPDATE: 404 outside the caller's subtree or when hidden from the caller, then If-Match
    against its version (428/412)."""
    org_id = await session.scalar(select(ForumPost.organization_id).where(ForumPost.id == post_id))
    if org_id is None:
        raise NotFound(f"post {post_id} not found")
    await access.get_org_for_member(session, principal, org_id)
    p = await session.scalar(
        select(ForumPost).where(ForumPost.id == post_id).with_for_update().execution_options(populate_existing=True)
    )
    if p is None:
        raise NotFound(f"post {post_id} not found")
    await _check_visible(session, principal, p)
    if if_match is None or not if_match.strip():
        raise PreconditionRequired("If-Match: send the post's ETag to edit it (GET the post first)")
    tags = {tag.strip() for tag in if_match.split(",")}
    if "*" not in tags and etag(p) not in tags:
        raise PreconditionFailed(
            "If-Match: the post was changed by someone else; reload it and edit again",
            headers={"ETag": etag(p)},
        )
    return p


async def update_post(
    session: AsyncSession, principal: Principal, post_id: int, data: PostUpdate, if_match: str | None
) -> PostRead:
    """Edit a post: its author or an administrator; If-Match must carry the current ETag."""
    p = await _locked_post(session, principal, post_id, if_match)
    org = await access.get_public_org(session, p.organization_id)
    if p.author_user_id != principal.user_id and not await access.can_edit(session, principal, org):
        raise Forbidden("only the author or an administrator may edit this post")
    t = await session.get(ForumTopic, p.topic_id)
    if t is not None and t.locked and not await access.can_edit(session, principal, org):
        raise Forbidden("the topic is locked")
    p.body_html = _clean_body(data.body_html)
    p.version = p.version + 1
    await session.flush()
    await session.refresh(p)
    return post_read(p)


async def moderate_post(session: AsyncSession, principal: Principal, post_id: int, data: Moderation) -> PostRead:
    """Hide or show a post (administrators)."""
    p, _ = await access.get_for_edit(session, principal, ForumPost, post_id, "post")
    if data.locked is not None:
        raise InvalidInput("locked", "posts are not locked; lock the topic")
    if data.hidden is not None:
        p.hidden = data.hidden
        p.version = p.version + 1
    await session.flush()
    await session.refresh(p)
    return post_read(p)


async def delete_post(session: AsyncSession, principal: Principal, post_id: int, if_match: str | None) -> None:
    """Delete a post: its author or an administrator (If-Match required, as for edits)."""
    p = await _locked_post(session, principal, post_id, if_match)
    org = await access.get_public_org(session, p.organization_id)
    if p.author_user_id != principal.user_id and not await access.can_edit(session, principal, org):
        raise Forbidden("only the author or an administrator may delete this post")
    await session.delete(p)
    await session.flush()


async def moderate_topic(session: AsyncSession, principal: Principal, topic_id: int, data: Moderation) -> TopicDetail:
    """Lock/unlock or hide/show a topic (administrators)."""
    t, org = await _topic(session, topic_id)
    await access.get_org_for_edit(session, principal, org.id)
    if data.hidden is not None:
        t.hidden = data.hidden
    if data.locked is not None:
        t.locked = data.locked
    await session.flush()
    return await get_topic(session, principal, t.id)


async def delete_topic(session: AsyncSession, principal: Principal, topic_id: int) -> None:
    """Delete a topic with its posts (administrators)."""
    t, org = await _topic(session, topic_id)
    await access.get_org_for_edit(session, principal, org.id)
    await session.delete(t)
    await session.flush()
