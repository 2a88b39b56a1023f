"""Вкладка «Люди»: people of an organization's subtree by category, searched by name with pg_trgm.

Only employees of a management body reach this (CurrentUser), and only for organizations in their
scope; every list is limited in SQL to the intersection of the organization's subtree and the caller's.

Search: the query is lower-cased with ё→е like `persons.search_name`, split into words, and every word
must match by substring or by trigram word similarity (`<%`), so word order does not matter and a
typo is tolerated; both conditions use the GIN trigram index on search_name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, exists, func, literal, or_, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.errors import InvalidInput
from api.models import Enrolment, Organization, ParentLink, Person, SchoolClass, StaffPost, User
from api.schemas.profile import PeopleCategory, PeopleList, PersonOrg, PersonRow
from api.services.profile.access import paging
from api.services.scope import Principal, get_org_in_scope

ONLINE_MINUTES = 5
MAX_WORDS = 5
# word_similarity threshold: 0.4 lets one wrong letter in the middle of a 6-letter word through
# (3 of its 7 trigrams change); ranking by similarity keeps the close matches first.
WORD_SIMILARITY = 0.4
LEADER_ROLES = ("head", "deputy")
# Shorter words match by substring only: a typo in a 4-letter word leaves too few trigrams to tell, and
# similarity on them matches a large part of a region (e.g. «анна» ~ every Анна, Жанна, Ханна, …).
TYPO_MIN_LENGTH = 5
# A search needs one word of at least this length (shorter ones would match a good part of a region).
MIN_WORD = 3


def normalize(q: str) -> list[str]:
    """The search words: lower case, ё→е, letters/digits/hyphens only, at most MAX_WORDS."""
    q = q.lower().replace("ё", "е")
    words = [w for w in re.split(r"[^\w-]+", q) if w.strip("-_")]
    return words[:MAX_WORDS]


def _like_escape(w: str) -> str:
    return w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_condition(words: list[str], fuzzy: bool = False) -> ColumnElement[bool]:
    """Every word is a substring of search_name; with `fuzzy`, long words may match by trigram word similarity."""
    conds = []
    for w in words:
        like = Person.search_name.like(f"%{_like_escape(w)}%", escape="\\")
        if fuzzy and len(w) >= TYPO_MIN_LENGTH:
            conds.append(or_(like, Person.search_name.op("%>")(literal(w))))
        else:
            conds.append(like)
    return and_(*conds)


class _Scope:
    """The organizations the listing covers: the organization's subtree inside the caller's scope."""

    def __init__(self, org: Organization, principal: Principal) -> None:
        self.org_id = org.id
        self.subtree = select(Organization.id).where(
            Organization.path.contains([org.id]), Organization.path.contains([principal.organization_id])
        )
        self.today = date.today()

    def current_staff(self) -> ColumnElement[bool]:
        return or_(StaffPost.ended_on.is_(None), StaffPost.ended_on >= self.today)

    def current_enrolment(self, e: Any = Enrolment) -> ColumnElement[bool]:
        return or_(e.ends_on.is_(None), e.ends_on >= self.today)

    def leaders(self) -> ColumnElement[bool]:
        return exists().where(
            StaffPost.person_id == Person.id,
            StaffPost.organization_id == self.org_id,
            StaffPost.role_kind.in_(LEADER_ROLES),
            self.current_staff(),
        )

    def administration(self) -> ColumnElement[bool]:
        return or_(
            exists().where(
                User.person_id == Person.id,
                User.organization_id == self.org_id,
                User.app_role == "admin",
                User.status == "active",
            ),
            exists().where(
                StaffPost.person_id == Person.id,
                StaffPost.organization_id == self.org_id,
                StaffPost.role_kind == "administrator",
                self.current_staff(),
            ),
        )

    def staff_anywhere(self) -> ColumnElement[bool]:
        return or_(
            exists().where(
                StaffPost.person_id == Person.id, StaffPost.organization_id.in_(self.subtree), self.current_staff()
            ),
            exists().where(
                User.person_id == Person.id,
                User.app_role.is_not(None),
                User.status == "active",
                User.organization_id.in_(self.subtree),
            ),
        )

    def school_staff(self) -> ColumnElement[bool]:
        return exists().where(
            StaffPost.person_id == Person.id,
            StaffPost.organization_id.in_(self.subtree),
            StaffPost.organization_id != self.org_id,
            self.current_staff(),
        )

    def students(self) -> ColumnElement[bool]:
        return exists().where(
            Enrolment.student_person_id == Person.id,
            Enrolment.organization_id.in_(self.subtree),
            self.current_enrolment(),
        )

    def parents(self) -> ColumnElement[bool]:
        return exists().where(
            ParentLink.parent_person_id == Person.id,
            Enrolment.student_person_id == ParentLink.child_person_id,
            Enrolment.organization_id.in_(self.subtree),
            self.current_enrolment(),
        )

    def member_ids(self, category: PeopleCategory, among: Select[Any]) -> CompoundSelect[Any]:
        """Ids of the candidates (`among`) that belong to the category in the scope, one semi-join per source.

        Driven from the few search candidates, every branch is an index lookup by person.
        """
        staff = select(StaffPost.person_id).where(StaffPost.person_id.in_(among), self.current_staff())
        accounts = select(User.person_id).where(User.person_id.in_(among), User.status == "active")
        branches: list[Select[Any]] = []
        if category == "leaders":
            branches = [staff.where(StaffPost.organization_id == self.org_id, StaffPost.role_kind.in_(LEADER_ROLES))]
        elif category == "administration":
            branches = [
                accounts.where(User.organization_id == self.org_id, User.app_role == "admin"),
                staff.where(StaffPost.organization_id == self.org_id, StaffPost.role_kind == "administrator"),
            ]
        elif category == "school_staff":
            branches = [
                staff.where(StaffPost.organization_id.in_(self.subtree), StaffPost.organization_id != self.org_id)
            ]
        else:
            students = select(Enrolment.student_person_id).where(
                Enrolment.student_person_id.in_(among),
                Enrolment.organization_id.in_(self.subtree),
                self.current_enrolment(),
            )
            parents = (
                select(ParentLink.parent_person_id)
                .join(Enrolment, Enrolment.student_person_id == ParentLink.child_person_id)
                .where(
                    ParentLink.parent_person_id.in_(among),
                    Enrolment.organization_id.in_(self.subtree),
                    self.current_enrolment(),
                )
            )
            if category == "students":
                branches = [students]
            elif category == "parents":
                branches = [parents]
            else:
                branches = [
                    staff.where(StaffPost.organization_id.in_(self.subtree)),
                    accounts.where(User.app_role.is_not(None), User.organization_id.in_(self.subtree)),
                    students,
                    parents,
                ]
        return union_all(*branches)

    def category(self, category: PeopleCategory) -> ColumnElement[bool]:
        if category == "leaders":
            return self.leaders()
        if category == "administration":
            return self.administration()
        if category == "school_staff":
            return self.school_staff()
        if category == "students":
            return self.students()
        if category == "parents":
            return self.parents()
        return or_(self.staff_anywhere(), self.students(), self.parents())


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
    scope = _Scope(org, principal)
    words = normalize(q or "")
    if q and q.strip() and not words:
        raise InvalidInput("q", "type letters or digits of a name")
    if words and all(len(w) < MIN_WORD for w in words):
        raise InvalidInput("q", f"type at least {MIN_WORD} letters of a name")
    # The account of the listed person; aliased, as the category conditions query users on their own.
    acc = aliased(User, name="acc")
    online = acc.last_seen_at > func.now() - text(f"interval '{ONLINE_MINUTES} minutes'")
    base = select(
        Person.id,
        func.concat_ws(" ", Person.surname, Person.first_name, Person.patronymic),
        acc.id,
        func.coalesce(online, False),
    ).outerjoin(acc, acc.person_id == Person.id)
    if online_only:
        base = base.where(online)
    limit, offset = paging(page, page_size)

    async def fetch(stmt: Select[Any], limit: int, offset: int) -> list[Any]:
        return list((await session.execute(stmt.limit(limit).offset(offset))).all())

    approximate = False
    if words:
        # asyncpg prepares statements: a generic plan can't see how selective the name pattern is. The
        # candidates are few (hundreds), so index lookups per candidate beat hashing whole tables.
        await session.execute(
            text(
                "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                "set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true), "
                "set_config('pg_trgm.word_similarity_threshold', :threshold, true)"
            ),
            {"threshold": str(WORD_SIMILARITY)},
        )
        rows = await fetch(_search(base, scope, category, words, fuzzy=False), limit + 1, offset)
        can_fuzz = any(len(w) >= TYPO_MIN_LENGTH for w in words)
        # A typo is tolerated when the exact words match nobody: trigram similarity is the fallback.
        if not rows and can_fuzz and (page == 1 or not await fetch(_search(base, scope, category, words, False), 1, 0)):
            rows = await fetch(_search(base, scope, category, words, fuzzy=True), limit + 1, offset)
            approximate = True
    else:
        rows = await fetch(
            base.where(scope.category(category)).order_by(Person.search_name, Person.id), limit + 1, offset
        )
    has_more = len(rows) > limit
    rows = rows[:limit]
    memberships = await _memberships(session, scope, [r[0] for r in rows])
    return PeopleList(
        items=[
            PersonRow(
                person_id=r[0],
                full_name=r[1],
                registered=r[2] is not None,
                user_id=r[2],
                online=bool(r[3]),
                memberships=memberships.get(r[0], []),
            )
            for r in rows
        ],
        page=page,
        page_size=page_size,
        has_more=has_more,
        approximate=approximate,
    )


def _search(base: Select[Any], scope: _Scope, category: PeopleCategory, words: list[str], fuzzy: bool) -> Select[Any]:
    """The matching persons first (materialised), then membership checked for them only; best matches first."""
    candidates = select(Person.id).where(search_condition(words, fuzzy)).cte("candidates").prefix_with("MATERIALIZED")
    among = select(candidates.c.id)
    score = sum((func.word_similarity(literal(w), Person.search_name) for w in words), start=literal(0.0))
    # Members are drawn from the candidates only, so they alone select the rows.
    return base.where(Person.id.in_(scope.member_ids(category, among))).order_by(
        score.desc(), Person.search_name, Person.id
    )


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
        .order_by(found.c.pid, found.c.kind, found.c.oid)
    )
    for pid, oid, oname, role, detail in rows:
        out[pid].append(PersonOrg(organization_id=oid, organization_name=oname, role=role, detail=detail))
    return out
