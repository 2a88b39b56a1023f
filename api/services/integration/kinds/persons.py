"""Persons, their school user accounts and their parent links; who may change a person's record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api import clock
from api.models import ParentLink, User
from api.schemas import integration as s
from api.services import iin as iin_rules
from api.services.integration.engine import Ctx, Table
from api.services.integration.kinds.spec import IN_ORGANIZATION, Key, Refs, Row, Spec, ref, root_region, table_of
from api.services.scope import org_subtree_sql

# ---- persons ---------------------------------------------------------------------------------------------

# Who may change a person's record. A person belongs to the source system, not to one organization, so the
# subtree is found through the person's CURRENT memberships ("today" is the UTC date):
#   - an open enrolment (starts_on <= today <= ends_on, NULL = open),
#   - an open staff post (started_on NULL or <= today, ended_on NULL or >= today),
#   - a parent link to a child with an open enrolment (the link lies where the child is enrolled).
# A token may change an existing person
#   - with current memberships: only when every one of them lies in the token's subtree (an ended or future
#     post grants nothing; a student enrolled in another district is that district's, whatever posts or
#     links a token adds here);
#   - without any: only when the person was created by a token of the subtree or has no recorded creator,
#     and every link the person ever had (enrolments, posts, accounts, enrolled children) lies in the subtree.
# A school user account neither grants nor proves membership (a token may open one for any named person); an
# account elsewhere counts as a link elsewhere. A person linked elsewhere (now or before) keeps their identity
# fields: a token may fill an empty one but not overwrite one (422 on that field).
# A new person may always be created (the token's organization is recorded as its creator), and a person of
# another subtree may be sent unchanged (nothing is written, so a shared record can be re-sent).
# Checked before the write (`person_facts`) with every reason, and again in the statement that writes
# (`PERSON_GUARD`, on the rows the upsert really changes) so that a link added meanwhile can't slip through.
# Organization paths are read by scalar subqueries so that the planner keeps the plan led by the person.
# «today» is the region's calendar day (api.clock.today), bound at each execution: `{today}` stands for it.
TODAY_SQL = "{today}"
IDENTITY_FIELDS = ("surname", "first_name", "patronymic", "sex", "birth_date", "iin")


def _in_subtree(org: str) -> str:
    return org_subtree_sql(org, "{root}")


# who belongs on a day: the one rule, is_member_on (migration 0311_reports, api.services.membership)
_OPEN_ENROLMENT = f"is_member_on(e.starts_on, e.ends_on, {TODAY_SQL})"
OPEN_POST = f"is_member_on(x.started_on, x.ended_on, {TODAY_SQL})"


def _current_links(pid: str, where: str) -> str:
    """SQL: the person `pid` has a current membership whose organization (alias `org`) satisfies `where`."""
    enr = _in_subtree("e.organization_id")
    post = _in_subtree("x.organization_id")
    w_enr, w_post = where.format(org=enr), where.format(org=post)
    return (
        f"(EXISTS (SELECT 1 FROM enrolments e WHERE e.student_person_id = {pid} AND {_OPEN_ENROLMENT} AND {w_enr})"  # noqa: S608
        f" OR EXISTS (SELECT 1 FROM staff_posts x WHERE x.person_id = {pid} AND {OPEN_POST} AND {w_post})"
        f" OR EXISTS (SELECT 1 FROM parent_links pl JOIN enrolments e ON e.student_person_id = pl.child_person_id"
        f" WHERE pl.parent_person_id = {pid} AND {_OPEN_ENROLMENT} AND {w_enr}))"
    )


def _links_outside(pid: str) -> str:
    """SQL: the person `pid` has (or had) any link to an organization outside the subtree."""
    out = "({org}) IS NOT TRUE"
    return (
        f"(EXISTS (SELECT 1 FROM enrolments e WHERE e.student_person_id = {pid}"  # noqa: S608
        f" AND {out.format(org=_in_subtree('e.organization_id'))})"
        f" OR EXISTS (SELECT 1 FROM staff_posts x WHERE x.person_id = {pid}"
        f" AND {out.format(org=_in_subtree('x.organization_id'))})"
        f" OR EXISTS (SELECT 1 FROM users x WHERE x.person_id = {pid}"
        f" AND {out.format(org=_in_subtree('x.organization_id'))})"
        f" OR EXISTS (SELECT 1 FROM parent_links pl JOIN enrolments e ON e.student_person_id = pl.child_person_id"
        f" WHERE pl.parent_person_id = {pid} AND {out.format(org=_in_subtree('e.organization_id'))}))"
    )


def _may_change(pid: str, source: str) -> str:
    current_in = _current_links(pid, "{org}")
    current_out = _current_links(pid, "({org}) IS NOT TRUE")
    return (
        f"(CASE WHEN {current_out} THEN false WHEN {current_in} THEN true"
        f" ELSE ({source} IS NULL OR {_in_subtree(source)}) AND NOT {_links_outside(pid)} END)"
    )


PERSON_GUARD = _may_change("up.id", "up.source_organization_id")


# One row per existing person: whether the token may change it, whether it is linked outside the subtree,
# and whether it lies in the token's own data (a current membership or created by a token of the subtree).
def _facts_sql() -> str:
    may = _may_change("p.id", "p.source_organization_id")
    own = f"({_current_links('p.id', '{org}')} OR {_in_subtree('p.source_organization_id')}) IS TRUE"
    sql = (  # fragments of this module; values are bound
        f"SELECT p.id, {may} AS may_change, {_links_outside('p.id')} AS linked_elsewhere, {own} AS own"  # noqa: S608
        " FROM persons p WHERE p.id = ANY($1::int[])"
    )
    return sql.replace("{root}", "$2").replace("{today}", "$3::date")


PERSON_FACTS_SQL = _facts_sql()

PERSON_TABLE = Table(
    "persons",
    [
        ("surname", "text"),
        ("first_name", "text"),
        ("patronymic", "text"),
        ("sex", "text"),
        ("birth_date", "date"),
        ("iin", "text"),
        ("phone", "text"),
        ("email", "text"),
        ("region_id", "int"),
        ("source_organization_id", "int"),
    ],
    scope_column=None,
    change_guard=PERSON_GUARD,
    guard_returning="new.id, new.source_organization_id",
    insert_only=frozenset({"source_organization_id"}),
    guard_message=(
        "the person's current enrolments, staff posts or enrolled children lie outside the token's subtree"
        " (or, with none, the person was created there or is linked there): they may not be changed from here"
    ),
    touch_updated_at=True,
)
PERSON_REFUSED = (
    "the person has a current enrolment, staff post or enrolled child outside the token's subtree, or (with"
    " none) was created or linked outside it: only a token whose subtree holds all of them may change the person"
)
_IDENTITY_LABEL = {
    "surname": "surname",
    "first_name": "first name",
    "patronymic": "patronymic",
    "sex": "sex",
    "birth_date": "birth date",
    "iin": "ИИН",
}


async def prepare_persons(ctx: Ctx, items: list[s.PersonItem]) -> list[Row]:
    """ИИН valid and matching birth date and sex; the person ours to change; identity kept when linked elsewhere.

    An ИИН held by another person is named only when that person lies in the token's own data; otherwise the
    item is accepted, the ИИН is not stored (kept as it was) and the batch's audit event lists the item, so
    that the answer never tells whether an ИИН exists outside the token's data.
    """
    region_id = await root_region(ctx)
    existing = {
        r["external_id"]: r
        for r in await ctx.conn.fetch(
            "SELECT id, external_id, surname, first_name, patronymic, sex, birth_date, iin, phone, email, region_id"
            " FROM persons WHERE external_system = $1 AND external_id = ANY($2::text[])",
            ctx.system,
            [it.external_id for it in items],
        )
    }
    wanted = [
        (
            it.surname,
            it.first_name,
            it.patronymic,
            it.sex.value if it.sex else None,
            it.birth_date,
            it.iin,
            it.phone,
            it.email,
            region_id,
        )
        for it in items
    ]
    compared = ("surname", "first_name", "patronymic", "sex", "birth_date", "iin", "phone", "email", "region_id")
    changing = {
        i: old
        for i, it in enumerate(items)
        if (old := existing.get(it.external_id)) is not None and tuple(old[c] for c in compared) != wanted[i]
    }
    facts = {
        r["id"]: r
        for r in await ctx.conn.fetch(
            PERSON_FACTS_SQL, [old["id"] for old in changing.values()], ctx.root, clock.today()
        )
    }
    iins = [it.iin for it in items if it.iin]
    holders = {
        r["iin"]: r
        for r in await ctx.conn.fetch(
            "SELECT id, iin, external_system, external_id FROM persons WHERE iin = ANY($1::text[])", iins
        )
    }
    holder_facts = {
        r["id"]: r
        for r in await ctx.conn.fetch(
            PERSON_FACTS_SQL,
            [h["id"] for h in holders.values() if h["external_system"] == ctx.system],
            ctx.root,
            clock.today(),
        )
    }
    withheld: list[str] = []
    seen: dict[str, int] = {}
    rows: list[Row] = []
    for i, it in enumerate(items):
        if it.birth_date is not None and not dt.date(1900, 1, 2) <= it.birth_date <= clock.today():
            ctx.error(i, "birth_date", f"{it.birth_date.isoformat()} is not a plausible birth date")
        old = changing.get(i)
        if old is not None:
            fact = facts.get(old["id"])
            if fact is None or not fact["may_change"]:
                ctx.error(i, "external_id", PERSON_REFUSED)
            elif fact["linked_elsewhere"]:
                for name, new in zip(IDENTITY_FIELDS, (*wanted[i][:4], it.birth_date, it.iin), strict=True):
                    if old[name] is not None and old[name] != new:
                        ctx.error(
                            i,
                            name,
                            f"the person is also linked to organizations outside the token's subtree: their"
                            f" {_IDENTITY_LABEL[name]} is kept and may be changed only by a token whose subtree"
                            " holds all of their links",
                        )
        store_iin = it.iin
        if it.iin is not None:
            if not iin_rules.is_valid(it.iin):
                ctx.error(i, "iin", "not a valid ИИН (12 digits with a correct check digit)")
            elif it.birth_date is not None and not iin_rules.matches_birth(
                it.iin, it.birth_date, it.sex.value if it.sex else None
            ):
                ctx.error(i, "iin", "does not match the birth date and sex")
            holder = holders.get(it.iin)
            if holder is not None and (holder["external_system"], holder["external_id"]) != (
                ctx.system,
                it.external_id,
            ):
                fact = holder_facts.get(holder["id"])
                if fact is not None and fact["own"]:
                    ctx.error(i, "iin", f"belongs to another person of this system's data, {holder['external_id']!r}")
                else:
                    # Not ours to name: accepted without it (see the docstring).
                    before = existing.get(it.external_id)
                    store_iin = before["iin"] if before is not None else None
                    withheld.append(it.external_id)
            j = seen.setdefault(it.iin, i)
            if j != i:
                ctx.error(i, "iin", f"the same ИИН is already at index {j} of this batch")
        rows.append((*wanted[i][:5], store_iin, *wanted[i][6:], ctx.root))
    if withheld:
        ctx.notes["iin_withheld"] = withheld
        # Counted as the stored ИИН would have been: an existing person whose only change was it is "updated".
        held = set(withheld)
        ctx.notes["extra_updated"] = sum(
            1
            for i, it in enumerate(items)
            if it.external_id in held and i in changing and rows[i][:9] == tuple(changing[i][c] for c in compared)
        )
    return rows


# ---- user accounts ---------------------------------------------------------------------------------------

USER_TABLE = table_of(
    User,
    omit=("username", "password_hash", "app_role", "token_version", "must_change_password"),
    defaults={"registered_at": "now()"},
    not_compared=frozenset({"registered_at"}),
)


def _check_user(ctx: Ctx, i: int, it: s.UserItem, _refs: Refs, _extra: Any) -> None:
    if it.registered_at and it.last_seen_at and it.last_seen_at < it.registered_at:
        ctx.error(i, "last_seen_at", "is before registered_at")


# A registered school user: person known and without another account, organization in scope.
USERS = Spec(
    USER_TABLE,
    refs=(ref("person_external_id", "persons", person_id="id"), IN_ORGANIZATION),
    check=_check_user,
    key=Key(
        ("person_id",),
        "person_external_id",
        repeated="the same person already has an account at index {j}",
        taken="the person already has another account",
    ),
)


# ---- parent links ----------------------------------------------------------------------------------------

# A parent link belongs to the subtrees where its child is enrolled: a token writes (creates, changes,
# deletes) only links whose child is enrolled, now or ever, in a class of its subtree. The parent may be any
# person of the source system (brothers and sisters go to different schools).
PARENT_LINK_TABLE = table_of(
    ParentLink,
    scope_column=None,
    outside_sql=(
        "SELECT t.external_id FROM parent_links t"  # noqa: S608 - our fragments
        " WHERE t.external_system = $1 AND t.external_id = ANY($2::text::text[])"
        " AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.student_person_id = t.child_person_id"
        f" AND {org_subtree_sql('e.organization_id', '$3')})"
    ),
    outside_message="the existing link's child is not enrolled in a class of the token's subtree",
)


async def _load_parent_links(ctx: Ctx, _items: list[Any], refs: list[Refs]) -> tuple[int | None, set[int]]:
    """The region of the token's organization, and the children enrolled in the token's subtree."""
    region_id = await root_region(ctx)
    children = (r["child_external_id"] for r in refs)
    return region_id, await ctx.enrolled_in_subtree(c["id"] for c in children if c is not None)


def _check_parent_link(ctx: Ctx, i: int, it: s.ParentLinkItem, refs: Refs, extra: tuple[Any, set[int]]) -> None:
    child = refs["child_external_id"]
    if it.parent_external_id == it.child_external_id:
        ctx.error(i, "child_external_id", "a person cannot be their own parent")
    elif child is not None and child["id"] not in extra[1]:
        ctx.error(
            i,
            "child_external_id",
            f"student {it.child_external_id!r} is not enrolled in a class of the token's subtree",
        )


# Both persons known and different, the child enrolled in the token's subtree; a parent–child pair once.
PARENT_LINKS = Spec(
    PARENT_LINK_TABLE,
    refs=(
        ref("parent_external_id", "persons", parent_person_id="id"),
        ref("child_external_id", "persons", child_person_id="id"),
    ),
    derive={"region_id": lambda _it, _refs, extra: extra[0]},
    load=_load_parent_links,
    check=_check_parent_link,
    key=Key(
        ("parent_person_id", "child_person_id"),
        "child_external_id",
        repeated="the same parent and child are already at index {j}",
        taken="this parent and child are already linked",
    ),
)
