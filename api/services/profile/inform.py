"""Информирование: announcements sent by a management body down to chosen subordinate organizations.

Recipients are fixed when an announcement is sent (all subordinates, those of a district or of a
type, or a list) and always lie inside the sender's subtree. Users whose organization is a
recipient see the announcement; the sender sees who has read it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import UploadFile
from sqlalchemy import ColumnElement, exists, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ScalarSelect

from api.config import Settings
from api.errors import InvalidInput, NotFound
from api.models import (
    Announcement,
    AnnouncementRead,
    AnnouncementRecipient,
    District,
    Organization,
    OrganizationType,
    Person,
    StoredFile,
    User,
)
from api.models.people import full_name
from api.schemas.profile.base import FileRead, OrgBrief
from api.schemas.profile.inform import (
    AnnouncementList,
    AnnouncementReads,
    AnnouncementWrite,
    InformTargets,
    Reader,
    RecipientReads,
    TargetChoice,
    TargetOrganization,
)
from api.schemas.profile.inform import AnnouncementRead as AnnouncementSchema
from api.services.profile.access import byline, check_ids_allowed, check_ids_unique, get_org_for_edit, paging, sanitised
from api.services.profile.files import delete_with_files, file_read, store_upload
from api.services.scope import Principal, in_subtree, org_in_scope


def and_subtree(sender_id: int) -> ColumnElement[bool]:
    """Organizations strictly below the sender."""
    return in_subtree(sender_id) & (Organization.id != sender_id)


async def _chosen(
    session: AsyncSession,
    model: type[District | OrganizationType],
    ident: int | None,
    field: str,
    what: str,
    a_what: str,
) -> int:
    """The id of the district or type a target names: 422 when it is missing or does not exist."""
    if ident is None:
        raise InvalidInput(field, f"choose {a_what}")
    if await session.get(model, ident) is None:
        raise InvalidInput(field, f"{what} {ident} does not exist")
    return ident


async def _recipient_ids(session: AsyncSession, sender: Organization, data: AnnouncementWrite) -> list[int]:
    t = data.target
    base = select(Organization.id).where(and_subtree(sender.id))
    if t.kind == "district":
        district_id = await _chosen(session, District, t.district_id, "target.district_id", "district", "a district")
        base = base.where(Organization.district_id == district_id)
    elif t.kind == "type":
        type_id = await _chosen(
            session, OrganizationType, t.type_id, "target.type_id", "organization type", "an organization type"
        )
        base = base.where(Organization.type_id == type_id)
    elif t.kind == "list":
        ids = t.organization_ids or []
        if not ids:
            raise InvalidInput("target.organization_ids", "list at least one organization")
        check_ids_unique(ids, "target.organization_ids")
        found = set(await session.scalars(base.where(Organization.id.in_(ids))))
        check_ids_allowed(
            ids,
            found,
            "target.organization_ids",
            lambda oid: f"organization {oid} is not subordinate to the sender",
            "not subordinate to the sender",
        )
        return ids
    found_ids = list(await session.scalars(base.order_by(Organization.id)))
    if not found_ids:
        raise InvalidInput("target", "no subordinate organization matches the choice")
    return found_ids


async def targets(session: AsyncSession, principal: Principal) -> InformTargets:
    """The choices of the send form: districts, types and organizations below the caller's body, with counts."""
    sender = await get_org_for_edit(session, principal, principal.organization_id)
    orgs = (
        await session.execute(
            select(
                Organization.id,
                Organization.name_ru,
                Organization.name_kk,
                Organization.kind,
                Organization.district_id,
                Organization.type_id,
            )
            .where(and_subtree(sender.id))
            .order_by(Organization.name_ru, Organization.id)
        )
    ).all()
    districts: dict[int, int] = defaultdict(int)
    types: dict[int, int] = defaultdict(int)
    for o in orgs:
        if o.district_id is not None:
            districts[o.district_id] += 1
        if o.type_id is not None:
            types[o.type_id] += 1
    district_rows = await session.execute(
        select(District.id, District.name_ru, District.name_kk)
        .where(District.id.in_(list(districts)))
        .order_by(District.name_ru, District.id)
    )
    type_rows = await session.execute(
        select(OrganizationType.id, OrganizationType.name_ru, OrganizationType.name_kk, OrganizationType.name_en)
        .where(OrganizationType.id.in_(list(types)))
        .order_by(OrganizationType.sort_order, OrganizationType.name_ru, OrganizationType.id)
    )
    return InformTargets(
        organizations_count=len(orgs),
        districts=[
            TargetChoice(id=d.id, name_ru=d.name_ru, name_kk=d.name_kk, organizations_count=districts[d.id])
            for d in district_rows
        ],
        types=[
            TargetChoice(
                id=t.id, name_ru=t.name_ru, name_kk=t.name_kk, name_en=t.name_en, organizations_count=types[t.id]
            )
            for t in type_rows
        ],
        organizations=[TargetOrganization.of(o) for o in orgs],
    )


async def _read_schema(session: AsyncSession, rows: Sequence[Any]) -> list[AnnouncementSchema]:
    ids = [a.id for a, *_ in rows]
    files: dict[int, list[FileRead]] = defaultdict(list)
    if ids:
        for f in await session.scalars(
            select(StoredFile).where(StoredFile.announcement_id.in_(ids)).order_by(StoredFile.id)
        ):
            assert f.announcement_id is not None
            files[f.announcement_id].append(file_read(f))
    return [
        AnnouncementSchema.of(
            a,
            sender=OrgBrief.model_validate(sender),
            attachments=files[a.id],
            recipients_count=count,
            read_at=read_at,
        )
        for a, sender, count, read_at in rows
    ]


def _recipients_count() -> ColumnElement[int]:
    return select(func.count()).where(AnnouncementRecipient.announcement_id == Announcement.id).scalar_subquery()


def _my_read(principal: Principal) -> ScalarSelect[datetime]:
    return (
        select(AnnouncementRead.read_at)
        .where(AnnouncementRead.announcement_id == Announcement.id, AnnouncementRead.user_id == principal.user_id)
        .scalar_subquery()
    )


def _visible(principal: Principal) -> ColumnElement[bool]:
    """Announcements the caller may open: sent to their organization, or sent from inside their scope."""
    return or_(
        exists().where(
            AnnouncementRecipient.announcement_id == Announcement.id,
            AnnouncementRecipient.organization_id == principal.organization_id,
        )
        & Announcement.withdrawn_at.is_(None),
        Announcement.sender_organization_id.in_(select(Organization.id).where(org_in_scope(principal))),
    )


async def send(session: AsyncSession, principal: Principal, data: AnnouncementWrite) -> AnnouncementSchema:
    """Send an announcement from the caller's management body to the chosen subordinate organizations."""
    sender = await get_org_for_edit(session, principal, principal.organization_id)
    recipients = await _recipient_ids(session, sender, data)
    a = Announcement(
        sender_organization_id=sender.id,
        **await byline(session, principal),
        title=data.title,
        body_html=sanitised(data.body_html, "body_html"),
        importance=data.importance,
        deadline=data.deadline,
        target_kind=data.target.kind,
        target_district_id=data.target.district_id if data.target.kind == "district" else None,
        target_type_id=data.target.type_id if data.target.kind == "type" else None,
    )
    session.add(a)
    await session.flush()
    await session.execute(
        insert(AnnouncementRecipient), [{"announcement_id": a.id, "organization_id": oid} for oid in recipients]
    )
    await session.refresh(a)
    return (await _read_schema(session, [(a, sender, len(recipients), None)]))[0]


async def _list(
    session: AsyncSession, principal: Principal, cond: ColumnElement[bool], page: int, page_size: int
) -> AnnouncementList:
    limit, offset = paging(page, page_size)
    total = await session.scalar(select(func.count()).select_from(Announcement).where(cond)) or 0
    rows = (
        await session.execute(
            select(Announcement, Organization, _recipients_count(), _my_read(principal))
            .join(Organization, Organization.id == Announcement.sender_organization_id)
            .where(cond)
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .limit(limit)
            .offset(offset)
        )
    ).all()
    items = await _read_schema(session, rows)
    return AnnouncementList(items=items, total=total, page=page, page_size=page_size)


async def inbox(
    session: AsyncSession, principal: Principal, unread_only: bool, page: int, page_size: int
) -> AnnouncementList:
    """Announcements sent to the caller's organization, newest first."""
    cond: ColumnElement[bool] = exists().where(
        AnnouncementRecipient.announcement_id == Announcement.id,
        AnnouncementRecipient.organization_id == principal.organization_id,
    ) & Announcement.withdrawn_at.is_(None)
    if unread_only:
        cond = cond & ~exists().where(
            AnnouncementRead.announcement_id == Announcement.id, AnnouncementRead.user_id == principal.user_id
        )
    return await _list(session, principal, cond, page, page_size)


async def sent(session: AsyncSession, principal: Principal, page: int, page_size: int) -> AnnouncementList:
    """Announcements sent by the caller's management body, newest first."""
    return await _list(
        session, principal, Announcement.sender_organization_id == principal.organization_id, page, page_size
    )


async def get(session: AsyncSession, principal: Principal, announcement_id: int) -> AnnouncementSchema:
    """One announcement the caller may see (404 otherwise)."""
    row = (
        await session.execute(
            select(Announcement, Organization, _recipients_count(), _my_read(principal))
            .join(Organization, Organization.id == Announcement.sender_organization_id)
            .where(Announcement.id == announcement_id, _visible(principal))
        )
    ).first()
    if row is None:
        raise NotFound(f"announcement {announcement_id} not found")
    return (await _read_schema(session, [row]))[0]


async def mark_read(session: AsyncSession, principal: Principal, announcement_id: int) -> AnnouncementSchema:
    """Record that the caller has read an announcement sent to their organization (idempotent)."""
    is_recipient = await session.scalar(
        select(AnnouncementRecipient.announcement_id).where(
            AnnouncementRecipient.announcement_id == announcement_id,
            AnnouncementRecipient.organization_id == principal.organization_id,
        )
    )
    if is_recipient is None:
        raise NotFound(f"announcement {announcement_id} was not sent to your organization")
    await session.execute(
        pg_insert(AnnouncementRead)
        .values(announcement_id=announcement_id, user_id=principal.user_id)
        .on_conflict_do_nothing()
    )
    return await get(session, principal, announcement_id)


async def _sent_in_scope(session: AsyncSession, principal: Principal, announcement_id: int) -> Announcement:
    a = await session.scalar(
        select(Announcement).where(
            Announcement.id == announcement_id,
            Announcement.sender_organization_id.in_(select(Organization.id).where(org_in_scope(principal))),
        )
    )
    if a is None:
        raise NotFound(f"announcement {announcement_id} not found among those sent from your organization")
    return a


async def readers(session: AsyncSession, principal: Principal, announcement_id: int) -> AnnouncementReads:
    """For the sender: every recipient organization with its users and when each read the announcement."""
    a = await _sent_in_scope(session, principal, announcement_id)
    orgs = list(
        await session.scalars(
            select(Organization)
            .join(AnnouncementRecipient, AnnouncementRecipient.organization_id == Organization.id)
            .where(AnnouncementRecipient.announcement_id == a.id)
            .order_by(Organization.name_ru, Organization.id)
        )
    )
    users = (
        await session.execute(
            select(
                User.organization_id,
                User.id,
                func.coalesce(full_name(), User.username),
                AnnouncementRead.read_at,
            )
            .join(AnnouncementRecipient, AnnouncementRecipient.organization_id == User.organization_id)
            .outerjoin(Person, Person.id == User.person_id)
            .outerjoin(
                AnnouncementRead,
                (AnnouncementRead.announcement_id == a.id) & (AnnouncementRead.user_id == User.id),
            )
            .where(
                AnnouncementRecipient.announcement_id == a.id,
                User.app_role.is_not(None),
                or_(User.status == "active", AnnouncementRead.read_at.is_not(None)),
            )
            .order_by(AnnouncementRead.read_at.desc().nulls_last(), User.id)
        )
    ).all()
    by_org: dict[int, list[Reader]] = defaultdict(list)
    for org_id, user_id, name, read_at in users:
        by_org[org_id].append(Reader(user_id=user_id, full_name=name or "", read_at=read_at))
    recipients = [
        RecipientReads(
            organization=OrgBrief.model_validate(o),
            readers=by_org[o.id],
            read_count=sum(1 for r in by_org[o.id] if r.read_at is not None),
            users_count=len(by_org[o.id]),
        )
        for o in orgs
    ]
    return AnnouncementReads(
        announcement_id=a.id,
        recipients=recipients,
        read_count=sum(r.read_count for r in recipients),
        users_count=sum(r.users_count for r in recipients),
    )


async def add_attachment(
    session: AsyncSession, settings: Settings, principal: Principal, announcement_id: int, upload: UploadFile
) -> FileRead:
    """Attach a file to an announcement sent from the caller's organization (administrators)."""
    a = await _sent_in_scope(session, principal, announcement_id)
    await get_org_for_edit(session, principal, a.sender_organization_id)
    row = await store_upload(
        session,
        settings,
        principal,
        upload,
        organization_id=a.sender_organization_id,
        kind="attachment",
        announcement_id=a.id,
    )
    return file_read(row)


async def _sent_for_edit(session: AsyncSession, principal: Principal, announcement_id: int) -> Announcement:
    a = await _sent_in_scope(session, principal, announcement_id)
    await get_org_for_edit(session, principal, a.sender_organization_id)
    return a


async def withdraw(
    session: AsyncSession, principal: Principal, announcement_id: int, withdrawn: bool
) -> AnnouncementSchema:
    """Withdraw an announcement (its recipients stop seeing it) or send it again; the sender's body edits it."""
    a = await _sent_for_edit(session, principal, announcement_id)
    a.withdrawn_at = datetime.now(UTC) if withdrawn else None
    await session.flush()
    return await get(session, principal, a.id)


async def delete(session: AsyncSession, settings: Settings, principal: Principal, announcement_id: int) -> None:
    """Delete an announcement with its recipients, reads and attachments."""
    a = await _sent_for_edit(session, principal, announcement_id)
    await delete_with_files(session, settings, a, StoredFile.announcement_id == a.id)


async def attachment(session: AsyncSession, principal: Principal, file_id: int) -> StoredFile:
    """An attachment of an announcement the caller may see (404 otherwise)."""
    f = await session.get(StoredFile, file_id)
    if f is None or f.kind != "attachment" or f.announcement_id is None:
        raise NotFound(f"attachment {file_id} not found")
    await get(session, principal, f.announcement_id)
    return f
