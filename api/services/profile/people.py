"""Вкладка «Люди»: people of an organization's subtree by category, searched by name with pg_trgm.

Only employees of a management body reach this (CurrentUser), and only for organizations in their
scope; every list is limited in SQL to the intersection of the organization's subtree and the caller's.

Search: the query is lower-cased with ё→е like `persons.search_name`, split into words, and every word
must be a substring of the name (GIN trigram index), so word order does not matter. Names that start
with one of the words (the surname does) come first, then the others, each group by name. When no one
in the scope matches exactly, words of 5+ letters may match by trigram word similarity (`%>`): a typo
is tolerated and the closest names come first.

Order: the name in the C collation (code point order, the same on every server), then id, served by
the btree (search_name COLLATE "C", id), whose ranges also find the names that start with a word.

Speed: a page never checks more people than it has to. A small set of candidates (the people seen in
the last minutes, the body's own staff, the matches of a rare name: at most SORT_LIMIT) is read once,
sorted and walked; anything larger is walked in name order on the btree, the names starting with a
word first. Each person walked is checked for membership by a LATERAL probe over the sources in turn
(enrolment, parent link, staff post, account) that stops at the first hit, and the walk stops when
the page is full. School staff matching a common name are drawn from the staff of the scope instead.
The total is counted the same way up to TOTAL_CAP; beyond that the list says "1000+" (total_exact
false) rather than count a whole region on every page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    case,
    func,
    literal,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.clock import today
from api.errors import InvalidInput
from api.models import Enrolment, Organization, ParentLink, Person, SchoolClass, StaffPost, User
from api.models.people import full_name
from api.schemas.profile.structure import PeopleCategory, PeopleList, PersonOrg, PersonRow
from api.services.membership import member_on
from api.services.profile.access import paging
from api.services.profile.people_search import (
    MIN_WORD,
    NAME,
    TYPO_MIN_LENGTH,
    WORD_SIMILARITY,
    normalize,
    planner,
    planner_settings,
    search_condition,
    starts,
)
from api.services.scope import Principal, get_org_in_scope, in_subtree

ONLINE_MINUTES = 5
LEADER_ROLES = ("head", "deputy")
# Up to this many name matches are sorted and walked; more are found by walking the name index in order
# (a common short substring matches tens of thousands: fetching and sorting them all costs more).
SORT_LIMIT = 4000
# The total is counted up to this many; beyond, the answer is "more than TOTAL_CAP" (total_exact false).
TOTAL_CAP = 1000
# Categories drawn from the staff of the scope (small) rather than from everyone in it.
STAFF_CATEGORIES = ("leaders", "administration", "school_staff")


def subtree(org: Organization, principal: Principal) -> Select[Any]:
    """Ids of the organization's subtree inside the caller's scope."""
    return select(Organization.id).where(in_subtree(org.id), in_subtree(principal.organization_id))


class _Scope:
    """The organizations the listing covers: the organization's subtree inside the caller's scope."""

    def __init__(self, org: Organization, principal: Principal, subtree_ids: list[int]) -> None:
        self.org_id = org.id
        self.subtree = subtree(org, principal)
        # The subtree, read once, as a constant array: each membership probe tests it in a hash.
        self.ids = literal(subtree_ids, ARRAY(Integer))
        self.today = today()

    def in_subtree(self, column: Any) -> ColumnElement[bool]:
        return column == any_(self.ids)

    def current_staff(self) -> ColumnElement[bool]:
        return member_on(StaffPost.started_on, StaffPost.ended_on, self.today)

    def current_enrolment(self, e: Any = Enrolment) -> ColumnElement[bool]:
        return member_on(e.starts_on, e.ends_on, self.today)

    def sources(self, category: PeopleCategory, person: Any = None) -> list[Select[Any]]:
        """Where members of the category come from (person ids), most frequent first; for one person if given."""

        def only(stmt: Select[Any], column: Any) -> Select[Any]:
            return stmt if person is None else stmt.where(column == person)

        staff = only(select(StaffPost.person_id).where(self.current_staff()), StaffPost.person_id)
        accounts = only(select(User.person_id).where(User.status == "active"), User.person_id)
        if category == "leaders":
            return [staff.where(StaffPost.organization_id == self.org_id, StaffPost.role_kind.in_(LEADER_ROLES))]
        if category == "administration":
            return [
                accounts.where(User.organization_id == self.org_id, User.app_role == "admin"),
                staff.where(StaffPost.organization_id == self.org_id, StaffPost.role_kind == "administrator"),
            ]
        if category == "school_staff":
            return [staff.where(self.in_subtree(StaffPost.organization_id), StaffPost.organization_id != self.org_id)]
        students = only(
            select(Enrolment.student_person_id).where(
                self.in_subtree(Enrolment.organization_id), self.current_enrolment()
            ),
            Enrolment.student_person_id,
        )
        parents = only(
            select(ParentLink.parent_person_id)
            .join(Enrolment, Enrolment.student_person_id == ParentLink.child_person_id)
            .where(self.in_subtree(Enrolment.organization_id), self.current_enrolment()),
            ParentLink.parent_person_id,
        )
        if category == "students":
            return [students]
        if category == "parents":
            return [parents]
        return [
            students,
            parents,
            staff.where(self.in_subtree(StaffPost.organization_id)),
            accounts.where(User.app_role.is_not(None), self.in_subtree(User.organization_id)),
        ]

    def member(self, category: PeopleCategory, person: Any) -> Any:
        """A LATERAL row when `person` belongs to the category here: the sources in turn, stopping at the first hit."""
        branches = self.sources(category, person)
        probe = union_all(*branches) if len(branches) > 1 else branches[0]
        return probe.limit(1).lateral("member")

    def members_capped(self, category: PeopleCategory) -> Select[Any]:
        """How many distinct members, from the sources themselves (for the small staff categories), capped."""
        ids = union_all(*self.sources(category)).subquery()
        distinct = select(ids.c[0]).distinct().limit(TOTAL_CAP + 1).subquery()
        return select(func.count()).select_from(distinct)


_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")


@dataclass
class _Find:
    """One listing: the category, the name condition and its rank, the online filter, the page."""

    scope: _Scope
    category: PeopleCategory
    limit: int
    offset: int
    words: list[str] = field(default_factory=list)
    cond: ColumnElement[bool] | None = None
    rank: ColumnElement[Any] | None = None  # ascending; None: by name only
    online: ColumnElement[bool] | None = None
    from_staff: bool = False  # candidates drawn from the staff of the scope, then matched by name

    def _filtered(self, stmt: _S) -> _S:
        for c in (self.cond, self.online):
            if c is not None:
                stmt = stmt.where(c)
        return stmt

    async def sorted_page(self, session: AsyncSession) -> tuple[list[int], int]:
        """A small candidate set: fetched once, sorted, walked with the membership probe; counted in the same go."""
        cols: list[Any] = [
            Person.id,
            NAME.label("name"),
            (self.rank if self.rank is not None else literal(0)).label("rank"),
        ]
        stmt = self._filtered(select(*cols))
        if self.from_staff:
            staff = union_all(*self.scope.sources(self.category)).subquery("staff")
            ids = select(staff.c[0].label("id")).distinct().subquery("staff_ids")
            stmt = stmt.select_from(ids).join(Person, Person.id == ids.c.id)
        elif self.category in STAFF_CATEGORIES:
            stmt = stmt.where(Person.id.in_(union_all(*self.scope.sources(self.category))))
        cand = stmt.cte("candidates").prefix_with("MATERIALIZED")
        # OFFSET 0 keeps the sort below the probe: the walk stops once the page is full.
        ordered = select(cand).order_by(cand.c.rank, cand.c.name, cand.c.id).offset(0).subquery("c")
        page = (
            select(ordered.c.id, ordered.c.rank, ordered.c.name)
            .select_from(ordered.join(self.scope.member(self.category, ordered.c.id), true()))
            .order_by(ordered.c.rank, ordered.c.name, ordered.c.id)
            .limit(self.limit + 1)
            .offset(self.offset)
            .subquery("page")
        )
        hits = (
            select(literal(1))
            .select_from(cand.join(self.scope.member(self.category, cand.c.id), true()))
            .limit(TOTAL_CAP + 1)
            .subquery()
        )
        total = select(func.count()).select_from(hits).scalar_subquery()
        rows = (await session.execute(select(page.c.id, total).order_by(page.c.rank, page.c.name, page.c.id))).all()
        if rows:
            return [r[0] for r in rows], int(rows[0][1])
        return [], int(await session.scalar(select(total)) or 0) if self.offset else 0

    def _walk(self, where: list[ColumnElement[bool]], limit: int, offset: int = 0) -> Select[int, str]:
        member = self.scope.member(self.category, Person.id)
        walk = select(Person.id, NAME).select_from(Person).join(member, true()).where(*where)
        stmt = self._filtered(walk)
        return stmt.order_by(NAME, Person.id).limit(limit).offset(offset)

    async def walked(self, session: AsyncSession) -> tuple[list[int], int]:
        """Everyone (or every name match) in name order on the index, probed until the page is full; then the total.

        With search words, names that start with one of them come first (index ranges, in order), then the
        other matches; both walks stop as soon as the page is full.
        """
        # Only the index order may serve the page: a sort or a bitmap would visit every match first.
        async with planner(session, enable_sort="off", enable_bitmapscan="off"):
            if not self.words:
                page = await _ids(session, self._walk([], self.limit + 1, self.offset))
            else:
                wanted = self.offset + self.limit + 1
                first: dict[int, str] = {}
                for w in dict.fromkeys(self.words):
                    for pid, name in await session.execute(self._walk([starts(w)], wanted)):
                        first[pid] = name
                starting = sorted(first, key=lambda pid: (first[pid], pid))[:wanted]
                page = starting[self.offset :]
                if len(starting) < wanted:
                    rest = and_(*(~starts(w) for w in self.words))
                    skip = max(0, self.offset - len(starting))
                    page += await _ids(session, self._walk([rest], self.limit + 1 - len(page), skip))
        if not page and not self.offset:
            return page, 0
        return page, await self._walked_total(session)

    async def _walked_total(self, session: AsyncSession) -> int:
        """The members counted up to TOTAL_CAP + 1, in any order (a bitmap on the name, or a scan)."""
        if not self.words and self.online is None and self.category in STAFF_CATEGORIES:
            return int(await session.scalar(self.scope.members_capped(self.category)) or 0)
        member = self.scope.member(self.category, Person.id)
        hits = self._filtered(select(literal(1)).select_from(Person).join(member, true()))
        return int(await session.scalar(select(func.count()).select_from(hits.limit(TOTAL_CAP + 1).subquery())) or 0)


async def _ids(session: AsyncSession, stmt: Select[int, str]) -> list[int]:
    return [r[0] for r in await session.execute(stmt)]


async def _matches(session: AsyncSession, cond: ColumnElement[bool]) -> int:
    """How many persons the name condition matches, counted up to SORT_LIMIT + 1."""
    hits = select(literal(1)).select_from(Person).where(cond).limit(SORT_LIMIT + 1).subquery()
    return int(await session.scalar(select(func.count()).select_from(hits)) or 0)


async def list_people(
    session: AsyncSession,
    principal: Principal,
    organization_id: int,
    *,
    category: PeopleCategory = "all",
    q: str | None = None,
    online_only: bool = False,
    page: int = 1,
    page_size: int = 50,
) -> PeopleList:
    """People of the organization's subtree by category; search by name; online only; paginated."""
    org = await get_org_in_scope(session, principal, organization_id)
    words = normalize(q or "")
    if q and q.strip() and not words:
        raise InvalidInput("q", "type letters or digits of a name")
    if words and all(len(w) < MIN_WORD for w in words):
        raise InvalidInput("q", f"type at least {MIN_WORD} letters of a name")
    scope = _Scope(org, principal, list(await session.scalars(subtree(org, principal))))
    limit, offset = paging(page, page_size)
    # asyncpg prepares statements: a generic plan can't see how selective the name pattern is.
    await planner_settings(
        session, plan_cache_mode="force_custom_plan", pg_trgm__word_similarity_threshold=str(WORD_SIMILARITY)
    )
    online = None
    if online_only:
        recent = func.now() - text(f"interval '{ONLINE_MINUTES} minutes'")
        online = Person.id.in_(select(User.person_id).where(User.last_seen_at > recent))
    find = _Find(scope, category, limit, offset, words=words, online=online)
    if words:
        find.cond = search_condition(words)
        find.rank = case((or_(*(starts(w) for w in words)), 0), else_=1)
    # Small sources are sorted in full (the people seen in the last minutes, the body's own staff, a rare
    # name); the rest is walked in name order and the walk stops when the page is full.
    if online_only or category in ("leaders", "administration"):
        ids, total = await find.sorted_page(session)
    elif find.cond is None:
        ids, total = await find.walked(session)
    elif await _matches(session, find.cond) <= SORT_LIMIT:
        ids, total = await find.sorted_page(session)
    elif category == "school_staff":
        # A common name among the staff: start from the staff (tens of thousands at most), not from the name.
        find.from_staff = True
        async with planner(session, enable_bitmapscan="off", enable_hashjoin="off", enable_mergejoin="off"):
            ids, total = await find.sorted_page(session)
    else:
        ids, total = await find.walked(session)
    approximate = False
    # A typo is tolerated when the exact words match nobody here: trigram similarity is the fallback.
    if words and total == 0 and any(len(w) >= TYPO_MIN_LENGTH for w in words):
        score = sum((func.word_similarity(literal(w), Person.search_name) for w in words), start=literal(0.0))
        similar = _Find(
            scope, category, limit, offset, cond=search_condition(words, fuzzy=True), rank=-score, online=online
        )
        ids, total = await similar.sorted_page(session)
        approximate = True
    has_more = len(ids) > limit
    ids = ids[:limit]
    rows = await _rows(session, ids)
    memberships = await _memberships(session, scope, ids)
    return PeopleList(
        items=[
            PersonRow(
                person_id=pid,
                full_name=rows[pid][0],
                registered=rows[pid][1] is not None,
                user_id=rows[pid][1],
                online=rows[pid][2],
                memberships=memberships.get(pid, []),
            )
            for pid in ids
        ],
        page=page,
        page_size=page_size,
        has_more=has_more,
        total=min(total, TOTAL_CAP),
        total_exact=total <= TOTAL_CAP,
        approximate=approximate,
    )


async def _rows(session: AsyncSession, ids: list[int]) -> dict[int, tuple[str, int | None, bool]]:
    """Full name, account and presence of the listed persons."""
    if not ids:
        return {}
    acc = aliased(User, name="acc")
    online = acc.last_seen_at > func.now() - text(f"interval '{ONLINE_MINUTES} minutes'")
    found = await session.execute(
        select(
            Person.id,
            full_name(),
            acc.id,
            func.coalesce(online, False),
        )
        .outerjoin(acc, acc.person_id == Person.id)
        .where(Person.id.in_(ids))
    )
    return {pid: (name, uid, bool(on)) for pid, name, uid, on in found}


async def _memberships(session: AsyncSession, scope: _Scope, person_ids: list[int]) -> dict[int, list[PersonOrg]]:
    """Where each listed person belongs inside the scope (staff posts, accounts, classes, children), in one query."""
    out: dict[int, list[PersonOrg]] = defaultdict(list)
    if not person_ids:
        return out
    staff = select(
        StaffPost.person_id.label("pid"),
        StaffPost.organization_id.label("oid"),
        StaffPost.role_kind.label("role"),
        StaffPost.position.label("detail"),
        literal(1).label("kind"),
    ).where(StaffPost.person_id.in_(person_ids), StaffPost.organization_id.in_(scope.subtree), scope.current_staff())
    accounts = select(
        User.person_id, User.organization_id, func.concat("app_", User.app_role), literal(None), literal(2)
    ).where(User.person_id.in_(person_ids), User.app_role.is_not(None), User.organization_id.in_(scope.subtree))
    studies = (
        select(
            Enrolment.student_person_id,
            Enrolment.organization_id,
            literal("student"),
            func.concat(SchoolClass.grade, SchoolClass.letter),
            literal(3),
        )
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(
            Enrolment.student_person_id.in_(person_ids),
            Enrolment.organization_id.in_(scope.subtree),
            scope.current_enrolment(),
        )
    )
    children = (
        select(
            ParentLink.parent_person_id,
            Enrolment.organization_id,
            literal("parent"),
            func.concat_ws(" ", Person.surname, Person.first_name),
            literal(4),
        )
        .join(Enrolment, Enrolment.student_person_id == ParentLink.child_person_id)
        .join(Person, Person.id == ParentLink.child_person_id)
        .where(
            ParentLink.parent_person_id.in_(person_ids),
            Enrolment.organization_id.in_(scope.subtree),
            scope.current_enrolment(),
        )
    )
    found = union_all(staff, accounts, studies, children).subquery()
    rows = await session.execute(
        select(found.c.pid, found.c.oid, Organization.name_ru, found.c.role, found.c.detail)
        .join(Organization, Organization.id == found.c.oid)
        # The detail last: a parent of two children of one school lists them in the same order every time.
        .order_by(found.c.pid, found.c.kind, found.c.oid, found.c.detail)
    )
    for pid, oid, oname, role, detail in rows:
        out[pid].append(PersonOrg(organization_id=oid, organization_name=oname, role=role, detail=detail))
    return out
