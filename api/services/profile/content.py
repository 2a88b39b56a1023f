"""Вкладка «Профиль»: the card, contacts, news, interactive pages, the wall, leaders and administrators."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from api.clock import today
from api.config import Settings
from api.errors import Forbidden, InvalidInput
from api.models import NewsPost, Organization, Person, ProfilePage, StaffPost, StoredFile, User, WallMessage
from api.sanitize import clean_html, linkify_html
from api.schemas.profile.base import LeaderBrief, OrgBrief
from api.schemas.profile.page import (
    AdminBrief,
    NewsList,
    NewsRead,
    NewsUpdate,
    NewsWrite,
    OrganizationCard,
    PageBrief,
    PageRead,
    PageUpdate,
    PageWrite,
    ProfileRead,
    ProfileUpdate,
    WallRead,
)
from api.services.membership import member_on
from api.services.profile import admins
from api.services.profile.access import (
    byline,
    can_edit,
    check_ids_allowed,
    check_ids_unique,
    delete_for_edit,
    get_for_edit,
    get_or_404,
    get_org_for_edit,
    get_org_for_member,
    get_public_org,
    is_employee_of,
    paging,
    person_name_sql,
    registered_sql,
    sanitised,
)
from api.services.profile.files import delete_with_files, file_read
from api.services.scope import Principal

LEADER_ROLES = ("head", "deputy")


def current_post() -> ColumnElement[bool]:
    """A staff post held today (the one membership rule, api.services.membership)."""
    return member_on(StaffPost.started_on, StaffPost.ended_on, today())


def holds_post_in(org_id: int, person_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """SQL: the person holds a current staff post in the organization (a head on the card is published only then)."""
    return exists().where(StaffPost.organization_id == org_id, StaffPost.person_id == person_id, current_post())


async def leaders(session: AsyncSession, org: Organization) -> list[LeaderBrief]:
    """Heads and deputies of the organization (current staff posts, plus the head named on the card)."""
    rows = (
        await session.execute(
            select(
                Person.id,
                person_name_sql(),
                StaffPost.position,
                StaffPost.role_kind,
                Person.phone,
                Person.email,
                registered_sql(),
            )
            .join(StaffPost, StaffPost.person_id == Person.id)
            .where(
                StaffPost.organization_id == org.id,
                StaffPost.role_kind.in_(LEADER_ROLES),
                current_post(),
            )
            .order_by(case((StaffPost.role_kind == "head", 0), else_=1), Person.surname, Person.first_name)
        )
    ).all()
    out = [
        LeaderBrief(
            person_id=r[0], full_name=r[1], position=r[2], role_kind=r[3], phone=r[4], email=r[5], registered=r[6]
        )
        for r in rows
    ]
    if org.head_person_id is not None and all(x.person_id != org.head_person_id for x in out):
        head = (
            await session.execute(
                select(Person.id, person_name_sql(), Person.phone, Person.email, registered_sql()).where(
                    Person.id == org.head_person_id, holds_post_in(org.id, Person.id)
                )
            )
        ).first()
        if head is not None:
            out.insert(
                0,
                LeaderBrief(
                    person_id=head[0],
                    full_name=head[1],
                    position="Руководитель",
                    role_kind="head",
                    phone=head[2],
                    email=head[3],
                    registered=head[4],
                ),
            )
    return out


async def administrators(session: AsyncSession, org: Organization) -> list[AdminBrief]:
    """Active administrator accounts of the organization."""
    rows = (
        await session.execute(
            select(User.id, User.person_id, func.coalesce(person_name_sql(), User.username))
            .outerjoin(Person, Person.id == User.person_id)
            .where(User.organization_id == org.id, User.app_role == "admin", User.status == "active")
            .order_by(User.id)
        )
    ).all()
    return [AdminBrief(user_id=r[0], person_id=r[1], full_name=r[2] or "") for r in rows] + await admins.named(
        session, org.id
    )


async def _images_by_news(session: AsyncSession, news_ids: list[int]) -> dict[int, list[StoredFile]]:
    out: dict[int, list[StoredFile]] = defaultdict(list)
    if news_ids:
        files = await session.scalars(
            select(StoredFile).where(StoredFile.news_id.in_(news_ids)).order_by(StoredFile.id)
        )
        for f in files:
            assert f.news_id is not None
            out[f.news_id].append(f)
    return out


async def _insert(session: AsyncSession, row: object) -> None:
    """Write a new row and read back what the database filled in (id, timestamps)."""
    session.add(row)
    await session.flush()
    await session.refresh(row)


def _news_read(n: NewsPost, images: list[StoredFile]) -> NewsRead:
    return NewsRead.of(n, images=[file_read(f) for f in images])


async def get_profile(session: AsyncSession, principal: Principal | None, organization_id: int) -> ProfileRead:
    """The «Профиль» tab of any organization, for anyone."""
    org = await get_public_org(session, organization_id)
    news = await list_news(session, organization_id, 1, 5)
    pages = await session.scalars(
        select(ProfilePage)
        .where(ProfilePage.organization_id == org.id)
        .order_by(ProfilePage.sort_order, ProfilePage.id)
    )
    docs = await session.scalars(
        select(StoredFile)
        .where(StoredFile.organization_id == org.id, StoredFile.kind == "document")
        .order_by(StoredFile.created_at.desc(), StoredFile.id.desc())
        .limit(5)
    )
    wall = await session.scalars(
        select(WallMessage)
        .where(WallMessage.organization_id == org.id, WallMessage.hidden.is_(False))
        .order_by(WallMessage.created_at.desc(), WallMessage.id.desc())
        .limit(20)
    )
    parent = await session.get(Organization, org.parent_id) if org.parent_id is not None else None
    return ProfileRead(
        organization=OrganizationCard.model_validate(org),
        parent=OrgBrief.model_validate(parent) if parent is not None else None,
        can_edit=await can_edit(session, principal, org),
        can_name_admins=admins.can_name_admins(principal, org),
        is_employee=is_employee_of(principal, org),
        leaders=await leaders(session, org),
        administrators=await administrators(session, org),
        news=news.items,
        pages=[PageBrief.model_validate(p) for p in pages],
        latest_documents=[file_read(f) for f in docs],
        wall=[WallRead.model_validate(w) for w in wall],
    )


async def update_profile(
    session: AsyncSession, principal: Principal, organization_id: int, data: ProfileUpdate
) -> OrganizationCard:
    """Change the description (sanitised) and contacts of the organization."""
    org = await get_org_for_edit(session, principal, organization_id)
    for field in data.model_fields_set:
        value = getattr(data, field)
        if field == "description" and value is not None:
            value = clean_html(value)
        setattr(org, field, value or None)
    await session.flush()
    return OrganizationCard.model_validate(org)


async def list_news(session: AsyncSession, organization_id: int, page: int, page_size: int) -> NewsList:
    """News of an organization, newest first."""
    await get_public_org(session, organization_id)
    limit, offset = paging(page, page_size)
    cond = NewsPost.organization_id == organization_id
    total = await session.scalar(select(func.count()).select_from(NewsPost).where(cond)) or 0
    rows = list(
        await session.scalars(
            select(NewsPost)
            .where(cond)
            .order_by(NewsPost.published_at.desc(), NewsPost.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    images = await _images_by_news(session, [n.id for n in rows])
    return NewsList(items=[_news_read(n, images[n.id]) for n in rows], total=total, page=page, page_size=page_size)


async def get_news(session: AsyncSession, news_id: int) -> NewsRead:
    """One news post with its images."""
    n = await get_or_404(session, NewsPost, news_id, "news")
    return _news_read(n, (await _images_by_news(session, [n.id]))[n.id])


async def create_news(session: AsyncSession, principal: Principal, organization_id: int, data: NewsWrite) -> NewsRead:
    """Publish a news post (text sanitised)."""
    org = await get_org_for_edit(session, principal, organization_id)
    n = NewsPost(
        organization_id=org.id,
        **await byline(session, principal),
        title=data.title,
        body_html=clean_html(data.body_html),
    )
    if data.published_at is not None:
        n.published_at = data.published_at
    await _insert(session, n)
    return _news_read(n, [])


async def news_for_edit(session: AsyncSession, principal: Principal, news_id: int) -> NewsPost:
    """The news post when the caller may edit its organization."""
    n, _ = await get_for_edit(session, principal, NewsPost, news_id, "news")
    return n


async def update_news(session: AsyncSession, principal: Principal, news_id: int, data: NewsUpdate) -> NewsRead:
    """Change a news post."""
    n = await news_for_edit(session, principal, news_id)
    if data.title is not None:
        n.title = data.title
    if data.body_html is not None:
        n.body_html = clean_html(data.body_html)
    if data.published_at is not None:
        n.published_at = data.published_at
    await session.flush()
    await session.refresh(n)
    return _news_read(n, (await _images_by_news(session, [n.id]))[n.id])


async def delete_news(session: AsyncSession, settings: Settings, principal: Principal, news_id: int) -> None:
    """Delete a news post and its images."""
    n = await news_for_edit(session, principal, news_id)
    await delete_with_files(session, settings, n, StoredFile.news_id == n.id)


async def list_pages(session: AsyncSession, organization_id: int) -> list[PageBrief]:
    """The interactive pages of an organization in their order."""
    await get_public_org(session, organization_id)
    rows = await session.scalars(
        select(ProfilePage)
        .where(ProfilePage.organization_id == organization_id)
        .order_by(ProfilePage.sort_order, ProfilePage.id)
    )
    return [PageBrief.model_validate(p) for p in rows]


async def get_page(session: AsyncSession, page_id: int) -> PageRead:
    """One interactive page."""
    return PageRead.model_validate(await get_or_404(session, ProfilePage, page_id, "page"))


async def create_page(session: AsyncSession, principal: Principal, organization_id: int, data: PageWrite) -> PageRead:
    """Create an interactive page at the end of the menu."""
    org = await get_org_for_edit(session, principal, organization_id)
    last = await session.scalar(
        select(func.coalesce(func.max(ProfilePage.sort_order), -1)).where(ProfilePage.organization_id == org.id)
    )
    p = ProfilePage(
        organization_id=org.id, title=data.title, body_html=clean_html(data.body_html), sort_order=(last or 0) + 1
    )
    await _insert(session, p)
    return PageRead.model_validate(p)


async def update_page(session: AsyncSession, principal: Principal, page_id: int, data: PageUpdate) -> PageRead:
    """Change an interactive page."""
    p, _ = await get_for_edit(session, principal, ProfilePage, page_id, "page")
    if data.title is not None:
        p.title = data.title
    if data.body_html is not None:
        p.body_html = clean_html(data.body_html)
    await session.flush()
    await session.refresh(p)
    return PageRead.model_validate(p)


async def delete_page(session: AsyncSession, principal: Principal, page_id: int) -> None:
    """Delete an interactive page."""
    await delete_for_edit(session, principal, ProfilePage, page_id, "page")


async def order_pages(
    session: AsyncSession, principal: Principal, organization_id: int, ids: list[int]
) -> list[PageBrief]:
    """Put the organization's pages in the given order (every page exactly once)."""
    org = await get_org_for_edit(session, principal, organization_id)
    check_ids_unique(ids, "ids")
    existing = set(await session.scalars(select(ProfilePage.id).where(ProfilePage.organization_id == org.id)))
    check_ids_allowed(
        ids, existing, "ids", lambda page_id: f"page {page_id} is not a page of this organization", "unknown page"
    )
    if len(ids) != len(existing):
        raise InvalidInput("ids", f"list every page of the organization ({len(existing)}), not {len(ids)}")
    for pos, page_id in enumerate(ids):
        await session.execute(update(ProfilePage).where(ProfilePage.id == page_id).values(sort_order=pos))
    await session.flush()
    return await list_pages(session, org.id)


async def list_wall(
    session: AsyncSession, principal: Principal | None, organization_id: int, page: int, page_size: int
) -> list[WallRead]:
    """Messages of the wall, newest first; administrators also see hidden ones."""
    org = await get_public_org(session, organization_id)
    limit, offset = paging(page, page_size)
    q = select(WallMessage).where(WallMessage.organization_id == org.id)
    if not await can_edit(session, principal, org):
        q = q.where(WallMessage.hidden.is_(False))
    rows = await session.scalars(
        q.order_by(WallMessage.created_at.desc(), WallMessage.id.desc()).limit(limit).offset(offset)
    )
    return [WallRead.model_validate(w) for w in rows]


async def post_wall(session: AsyncSession, principal: Principal, organization_id: int, body_html: str) -> WallRead:
    """Write on the wall (employees of the bodies above the organization); the text is sanitised."""
    org = await get_org_for_member(session, principal, organization_id)
    body = sanitised(body_html, "body_html", linkify_html)
    w = WallMessage(organization_id=org.id, **await byline(session, principal), body_html=body)
    await _insert(session, w)
    return WallRead.model_validate(w)


async def moderate_wall(session: AsyncSession, principal: Principal, message_id: int, hidden: bool) -> WallRead:
    """Hide or show a wall message (administrators)."""
    w, _ = await get_for_edit(session, principal, WallMessage, message_id, "wall message")
    w.hidden = hidden
    await session.flush()
    return WallRead.model_validate(w)


async def delete_wall(session: AsyncSession, principal: Principal, message_id: int) -> None:
    """Delete a wall message: its author or an administrator of the organization."""
    w = await get_or_404(session, WallMessage, message_id, "wall message")
    org = await get_org_for_member(session, principal, w.organization_id)
    if w.author_user_id != principal.user_id and not await can_edit(session, principal, org):
        raise Forbidden("only the author or an administrator may delete this message")
    await session.delete(w)
    await session.flush()
