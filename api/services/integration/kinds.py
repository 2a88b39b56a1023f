"""The entity kinds of the integration API: for each, its item schema, its table and its checks.

`prepare(ctx, items)` resolves the references of the whole batch in bulk (one query per reference kind),
checks every item, records each problem with its index and field, and returns one row per item in the
order of the kind's `Table.columns`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from api import clock
from api.schemas import integration as s
from api.services import iin as iin_rules
from api.services import school_calendar
from api.services.integration.engine import Ctx, Table, check_dates

Row = tuple[Any, ...]
Prepare = Callable[[Ctx, list[Any]], Awaitable[list[Row]]]


@dataclass(frozen=True)
class Kind:
    """An entity kind: URL segment, item schema, table, checks; and whether it may be deleted."""

    name: str
    item: type[Any]  # a pydantic model, or a TypedDict for the high-volume kinds
    table: Table
    prepare: Prepare
    deletable: bool = False


def _not_future(ctx: Ctx, index: int, field_name: str, value: dt.date | None, slack_days: int = 1) -> None:
    if value is not None and value > clock.today() + dt.timedelta(days=slack_days):
        ctx.error(index, field_name, f"{value.isoformat()} lies in the future")


def _in_year(ctx: Ctx, index: int, field_name: str, value: dt.date | None, cls: Any, what: str = "class") -> None:
    if value is not None and cls is not None and not cls["starts_on"] <= value <= cls["ends_on"]:
        ctx.error(
            index,
            field_name,
            f"{value.isoformat()} lies outside the academic year of the {what}"
            f" ({cls['starts_on'].isoformat()} – {cls['ends_on'].isoformat()})",
        )


# ---- organizations ---------------------------------------------------------------------------------------

ORG_TABLE = Table(
    "organizations",
    [
        ("parent_id", "int"),
        ("kind", "text"),
        ("region_id", "int"),
        ("district_id", "int"),
        ("type_id", "int"),
        ("structure_id", "int"),
        ("name_ru", "text"),
        ("name_kk", "text"),
        ("short_name", "text"),
        ("postal_address", "text"),
        ("building_address", "text"),
        ("phones", "text"),
        ("email", "text"),
        ("website", "text"),
        ("head_person_id", "int"),
        ("license_number", "text"),
        ("license_date", "date"),
        ("license_issuer", "text"),
        ("accreditation_number", "text"),
        ("accreditation_date", "date"),
        ("accreditation_valid_until", "date"),
    ],
    scope_column="id",
    touch_updated_at=True,
)


def _bind_region(ctx: Ctx, i: int, it: s.OrganizationItem, parent: Any, regions: set[int]) -> int | None:
    """The region of an organization, as the tree binds it (api.services.tree._place), with the same messages.

    Below a body that has a region, the organization lies in it (a different region_id is refused); directly
    under the ministry (a parent with no region), the item names its region, which must exist.
    """
    if it.kind == "regional_body" and it.district_id is not None:
        ctx.error(i, "district_id", "a regional body has no district")
    if parent is None:
        return it.region_id
    if parent["region_id"] is not None:
        if it.region_id is not None and it.region_id != parent["region_id"]:
            ctx.error(i, "region_id", f"must be the region of the parent body ({parent['region_id']})")
        return int(parent["region_id"])
    if it.region_id is None:
        if it.kind in ("regional_body", "district_body"):
            ctx.error(i, "region_id", "a management body below the ministry needs its region")
        else:
            ctx.error(i, "region_id", "an educational organization needs its region")
        return None
    if it.region_id not in regions:
        ctx.error(i, "region_id", f"no region {it.region_id}")
    return it.region_id


async def prepare_organizations(ctx: Ctx, items: list[s.OrganizationItem]) -> list[Row]:
    """Parents must exist (or come earlier in the batch) inside the subtree; schools need a type."""
    batch_ids = {it.external_id: i for i, it in enumerate(items)}
    parents = await ctx.organizations(it.parent_external_id for it in items)
    heads = await ctx.persons(it.head_external_id for it in items)
    existing = await ctx.organizations(it.external_id for it in items)
    own_ids = [it.id for it in items if it.id is not None]
    parent_ids = [it.parent_id for it in items if it.parent_id is not None]
    by_id = {
        r["id"]: r
        for r in await ctx.conn.fetch(
            "SELECT o.id, o.kind, o.region_id, o.district_id, o.external_system, o.external_id, o.path,"
            " o.path @> ARRAY[$2::int] AS in_scope FROM organizations o WHERE o.id = ANY($1::int[])",
            own_ids + parent_ids,
            ctx.root,
        )
    }
    types = {
        r["code"]: r["id"]
        for r in await ctx.conn.fetch(
            "SELECT code, id FROM organization_types WHERE code = ANY($1::text[])",
            [it.type_code for it in items if it.type_code],
        )
    }
    structures = {
        r["code"]: r["id"]
        for r in await ctx.conn.fetch(
            "SELECT code, id FROM organization_structures WHERE code = ANY($1::text[])",
            [it.structure_code for it in items if it.structure_code],
        )
    }
    regions = set(
        await ctx.conn.fetchval(
            "SELECT coalesce(array_agg(id), '{}') FROM regions WHERE id = ANY($1::int[])",
            [it.region_id for it in items if it.region_id is not None],
        )
    )
    resolved_regions: dict[int, int | None] = {}
    rows: list[Row] = []
    named_heads: list[tuple[int, int | None, str, int]] = []
    for i, it in enumerate(items):
        parent: Any = None
        if (it.parent_id is None) == (it.parent_external_id is None):
            ctx.error(i, "parent_external_id", "give exactly one of parent_external_id and parent_id")
        elif it.parent_id is not None:
            parent = by_id.get(it.parent_id)
            if parent is None or not parent["in_scope"]:
                ctx.error(i, "parent_id", f"no organization {it.parent_id} in the token's subtree")
                parent = None
        elif it.parent_external_id in batch_ids and it.parent_external_id not in parents:
            j = batch_ids[it.parent_external_id]
            if j >= i:
                ctx.error(i, "parent_external_id", f"the parent comes later in the batch (index {j}); put it first")
            else:
                parent = {
                    "id": None,
                    "kind": items[j].kind,
                    "region_id": resolved_regions.get(j),
                    "district_id": items[j].district_id,
                }
        else:
            parent = ctx.ref(parents, i, "parent_external_id", it.parent_external_id, "organization")
        parent_field = "parent_id" if it.parent_id is not None else "parent_external_id"
        if parent is not None and parent["kind"] == "school":
            ctx.error(i, parent_field, "an educational organization cannot be a parent")
        own_id = (
            it.id if it.id is not None else (existing[it.external_id]["id"] if it.external_id in existing else None)
        )
        if parent is not None and own_id is not None and own_id in (parent.get("path") or ()):
            ctx.error(i, parent_field, "the parent lies under this organization (or is it): that would make a cycle")
        region_id = _bind_region(ctx, i, it, parent, regions)
        resolved_regions[i] = region_id
        if it.id is not None:
            own = by_id.get(it.id)
            if own is None or not own["in_scope"]:
                ctx.error(i, "id", f"no organization {it.id} in the token's subtree")
            elif own["external_id"] is not None and (own["external_system"], own["external_id"]) != (
                ctx.system,
                it.external_id,
            ):
                ctx.error(i, "id", f"organization {it.id} is already bound to another external id")
        type_id = types.get(it.type_code) if it.type_code else None
        if it.type_code and type_id is None:
            ctx.error(i, "type_code", f"unknown organization type {it.type_code!r}")
        if it.kind == "school" and not it.type_code:
            ctx.error(i, "type_code", "an educational organization needs its type")
        structure_id = structures.get(it.structure_code) if it.structure_code else None
        if it.structure_code and structure_id is None:
            ctx.error(i, "structure_code", f"unknown organizational structure {it.structure_code!r}")
        if it.kind == "district_body" and it.district_id is None and (parent is None or parent["district_id"] is None):
            ctx.error(i, "district_id", "a district body needs its district")
        check_dates(ctx, i, it.accreditation_date, it.accreditation_valid_until, "accreditation_valid_until")
        _not_future(ctx, i, "license_date", it.license_date)
        _not_future(ctx, i, "accreditation_date", it.accreditation_date)
        head = ctx.ref(heads, i, "head_external_id", it.head_external_id, "person")
        if head is not None:
            named_heads.append((i, it.id, it.external_id, head["id"]))
        district_id = it.district_id if it.district_id is not None else (parent or {}).get("district_id")
        rows.append(
            (
                parent["id"] if parent is not None else None,
                it.kind,
                region_id,
                district_id,
                type_id,
                structure_id,
                it.name_ru,
                it.name_kk,
                it.short_name,
                it.postal_address,
                it.building_address,
                it.phones,
                it.email,
                it.website,
                head["id"] if head is not None else None,
                it.license_number,
                it.license_date,
                it.license_issuer,
                it.accreditation_number,
                it.accreditation_date,
                it.accreditation_valid_until,
            )
        )
    await _check_heads(ctx, named_heads)
    return rows


async def _check_heads(ctx: Ctx, named: list[tuple[int, int | None, str, int]]) -> None:
    """A head must hold a current staff post in the organization (so one can't publish anyone as a head)."""
    if not named:
        return
    posted = {
        r[0]
        for r in await ctx.conn.fetch(
            "SELECT i.idx FROM unnest($1::int[], $2::int[], $3::text[], $4::int[]) AS i(idx, org_id, ext, head)"  # noqa: S608
            " WHERE EXISTS (SELECT 1 FROM staff_posts x WHERE x.person_id = i.head AND x.organization_id ="
            " coalesce(i.org_id, (SELECT o.id FROM organizations o WHERE o.external_system = $5"
            f" AND o.external_id = i.ext)) AND {_OPEN_POST.replace('{today}', '$6::date')})",
            [n[0] for n in named],
            [n[1] for n in named],
            [n[2] for n in named],
            [n[3] for n in named],
            ctx.system,
            clock.today(),
        )
    }
    for i, _, _, _ in named:
        if i not in posted:
            ctx.error(
                i,
                "head_external_id",
                "the head must hold a current staff post in this organization: send the organization without"
                " its head, then the staff post, then the head",
            )


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
    return f"(SELECT o.path FROM organizations o WHERE o.id = {org}) @> ARRAY[{{root}}::int]"  # noqa: S608


# who belongs on a day: the one rule, is_member_on (migration 0311_reports, api.services.membership)
_OPEN_ENROLMENT = f"is_member_on(e.starts_on, e.ends_on, {TODAY_SQL})"
_OPEN_POST = f"is_member_on(x.started_on, x.ended_on, {TODAY_SQL})"


def _current_links(pid: str, where: str) -> str:
    """SQL: the person `pid` has a current membership whose organization (alias `org`) satisfies `where`."""
    enr = _in_subtree("e.organization_id")
    post = _in_subtree("x.organization_id")
    w_enr, w_post = where.format(org=enr), where.format(org=post)
    return (
        f"(EXISTS (SELECT 1 FROM enrolments e WHERE e.student_person_id = {pid} AND {_OPEN_ENROLMENT} AND {w_enr})"  # noqa: S608
        f" OR EXISTS (SELECT 1 FROM staff_posts x WHERE x.person_id = {pid} AND {_OPEN_POST} AND {w_post})"
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
    region_id = await ctx.conn.fetchval("SELECT region_id FROM organizations WHERE id = $1", ctx.root)
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


# ---- staff posts -----------------------------------------------------------------------------------------

STAFF_TABLE = Table(
    "staff_posts",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("person_id", "int"),
        ("position", "text"),
        ("role_kind", "text"),
        ("category", "text"),
        ("started_on", "date"),
        ("ended_on", "date"),
    ],
    touch_updated_at=True,
)


async def prepare_staff_posts(ctx: Ctx, items: list[s.StaffPostItem]) -> list[Row]:
    """Organization in scope, person known, dates in order."""
    orgs = await ctx.organizations(it.organization_external_id for it in items)
    persons = await ctx.persons(it.person_external_id for it in items)
    rows: list[Row] = []
    for i, it in enumerate(items):
        org = ctx.ref(orgs, i, "organization_external_id", it.organization_external_id, "organization")
        p = ctx.ref(persons, i, "person_external_id", it.person_external_id, "person")
        check_dates(ctx, i, it.started_on, it.ended_on, "ended_on")
        _not_future(ctx, i, "started_on", it.started_on, slack_days=366)
        rows.append(
            (
                org["id"] if org else None,
                org["region_id"] if org else None,
                p["id"] if p else None,
                it.position,
                it.role_kind.value,
                it.category.value,
                it.started_on,
                it.ended_on,
            )
        )
    return rows


# ---- classes ---------------------------------------------------------------------------------------------

CLASS_TABLE = Table(
    "classes",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("academic_year_id", "int"),
        ("grade", "int"),
        ("letter", "text"),
        ("class_teacher_person_id", "int"),
    ],
    touch_updated_at=True,
)


async def prepare_classes(ctx: Ctx, items: list[s.ClassItem]) -> list[Row]:
    """School in scope, academic year known, grade and letter not taken by another class of the school."""
    orgs = await ctx.organizations(it.organization_external_id for it in items)
    teachers = await ctx.persons(it.class_teacher_external_id for it in items)
    # The current and the coming school year open on demand with the usual dates (api.services.school_calendar):
    # in August the school systems push next year's classes before anyone thought of the calendar.
    on_demand = school_calendar.opens_on_demand(clock.today())
    for name in sorted({it.academic_year for it in items} & on_demand.keys()):
        await school_calendar.ensure_school_year(ctx.conn, on_demand[name])
    years = {
        r["name"]: r["id"]
        for r in await ctx.conn.fetch(
            "SELECT name, id FROM academic_years WHERE name = ANY($1::text[])", list({it.academic_year for it in items})
        )
    }
    rows: list[Row] = []
    for i, it in enumerate(items):
        org = ctx.ref(orgs, i, "organization_external_id", it.organization_external_id, "organization")
        if org is not None and org["kind"] != "school":
            ctx.error(i, "organization_external_id", "classes belong to an educational organization, not a body")
        year_id = years.get(it.academic_year)
        if year_id is None:
            ctx.error(i, "academic_year", f"no academic year named {it.academic_year!r}")
        t = ctx.ref(teachers, i, "class_teacher_external_id", it.class_teacher_external_id, "person")
        rows.append(
            (
                org["id"] if org else None,
                org["region_id"] if org else None,
                year_id,
                it.grade,
                it.letter,
                t["id"] if t else None,
            )
        )
    # One class per school, year, grade and letter: within the batch and against other rows.
    await _check_natural_key(
        ctx,
        items,
        rows,
        cols=(0, 2, 3, 4),
        types=("int", "int", "int", "text"),
        table="classes",
        key=("organization_id", "academic_year_id", "grade", "letter"),
        field="letter",
        repeated="the same class (grade and letter) is already at index {j} of this batch",
        taken="the school already has another class with this grade and letter this year",
    )
    return rows


# ---- subjects --------------------------------------------------------------------------------------------

# A subject of an organization is that organization's (the usual scope check). A subject of the common list
# (no organization) is shared by every school that teaches it: anyone may create one or send it unchanged,
# but a token may change it (rename it, or make it an organization's own) only when every class that has
# it (its assignments) lies in the token's subtree.
SUBJECT_TABLE = Table(
    "subjects",
    [("organization_id", "int"), ("name_ru", "text"), ("name_kk", "text"), ("name_en", "text"), ("short_name", "text")],
    change_guard=(
        "up.old_organization_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM assignments a"
        " JOIN organizations o ON o.id = a.organization_id"
        " WHERE a.subject_id = up.id AND NOT o.path @> ARRAY[{root}::int])"
    ),
    guard_returning="new.id, old.organization_id AS old_organization_id",
    guard_message="a subject of the common list taught outside the token's subtree may not be changed from here",
)


async def prepare_subjects(ctx: Ctx, items: list[s.SubjectItem]) -> list[Row]:
    """Organization (when given) in scope; a common subject changed only by a token covering all its classes."""
    orgs = await ctx.organizations(it.organization_external_id for it in items)
    rows: list[Row] = []
    for i, it in enumerate(items):
        org = ctx.ref(orgs, i, "organization_external_id", it.organization_external_id, "organization")
        rows.append((org["id"] if org else None, it.name_ru, it.name_kk, it.name_en, it.short_name))
    return rows


# ---- assignments -----------------------------------------------------------------------------------------

ASSIGNMENT_TABLE = Table(
    "assignments",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("class_id", "int"),
        ("subject_id", "int"),
        ("teacher_person_id", "int"),
        ("hours_per_week", "int"),
    ],
)


async def prepare_assignments(ctx: Ctx, items: list[s.AssignmentItem]) -> list[Row]:
    """Class and subject in scope, teacher known; a class–subject–teacher once."""
    classes = await ctx.classes(it.class_external_id for it in items)
    subjects = await ctx.subjects(it.subject_external_id for it in items)
    teachers = await ctx.persons(it.teacher_external_id for it in items)
    rows: list[Row] = []
    for i, it in enumerate(items):
        c = ctx.ref(classes, i, "class_external_id", it.class_external_id, "class")
        subj = ctx.ref(subjects, i, "subject_external_id", it.subject_external_id, "subject")
        t = ctx.ref(teachers, i, "teacher_external_id", it.teacher_external_id, "person")
        if c is not None and subj is not None and subj["organization_id"] not in (None, c["organization_id"]):
            ctx.error(i, "subject_external_id", "the subject belongs to another organization than the class")
        rows.append(
            (
                c["organization_id"] if c else None,
                c["region_id"] if c else None,
                c["id"] if c else None,
                subj["id"] if subj else None,
                t["id"] if t else None,
                it.hours_per_week,
            )
        )
    await _check_natural_key(
        ctx,
        items,
        rows,
        cols=(2, 3, 4),
        types=("int", "int", "int"),
        table="assignments",
        key=("class_id", "subject_id", "teacher_person_id"),
        field="teacher_external_id",
        repeated="the same class, subject and teacher are already at index {j}",
        taken="this class already has this subject with this teacher",
    )
    return rows


# ---- enrolments ------------------------------------------------------------------------------------------

ENROLMENT_TABLE = Table(
    "enrolments",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("class_id", "int"),
        ("student_person_id", "int"),
        ("starts_on", "date"),
        ("ends_on", "date"),
    ],
)


def _overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    return a_start <= (b_end or dt.date.max) and b_start <= (a_end or dt.date.max)


async def prepare_enrolments(ctx: Ctx, items: list[s.EnrolmentItem]) -> list[Row]:
    """Class in scope, dates in order and inside the class's year, no student in two classes at once."""
    classes = await ctx.classes(it.class_external_id for it in items)
    students = await ctx.persons(it.student_external_id for it in items)
    rows: list[Row] = []
    for i, it in enumerate(items):
        c = ctx.ref(classes, i, "class_external_id", it.class_external_id, "class")
        st = ctx.ref(students, i, "student_external_id", it.student_external_id, "person")
        check_dates(ctx, i, it.starts_on, it.ends_on, "ends_on")
        _in_year(ctx, i, "starts_on", it.starts_on, c)
        rows.append(
            (
                c["organization_id"] if c else None,
                c["region_id"] if c else None,
                c["id"] if c else None,
                st["id"] if st else None,
                it.starts_on,
                it.ends_on,
            )
        )
    # Overlaps are looked for among items with their dates in order (the others already have their problem).
    dated = [i for i, r in enumerate(rows) if r[3] is not None and (r[5] is None or r[5] >= r[4])]
    by_student: dict[int, list[int]] = defaultdict(list)
    for i in dated:
        by_student[rows[i][3]].append(i)
    for idxs in by_student.values():
        for a, i in enumerate(idxs):
            for j in idxs[:a]:
                if _overlap(items[i].starts_on, items[i].ends_on, items[j].starts_on, items[j].ends_on):
                    ctx.error(i, "starts_on", f"overlaps the enrolment of the same student at index {j}")
                    break
    valid = dated
    if valid:
        clash = await ctx.conn.fetch(
            "SELECT DISTINCT i.idx FROM unnest($1::int[], $2::int[], $3::date[], $4::date[], $5::text[])"
            " AS i(idx, student_id, starts_on, ends_on, ext) JOIN enrolments e ON e.student_person_id = i.student_id"
            " AND daterange(e.starts_on, coalesce(e.ends_on, 'infinity'::date), '[]')"
            " && daterange(i.starts_on, coalesce(i.ends_on, 'infinity'::date), '[]')"
            " WHERE e.external_system IS DISTINCT FROM $6 OR NOT e.external_id = ANY($7::text[])",
            valid,
            [rows[i][3] for i in valid],
            [items[i].starts_on for i in valid],
            [items[i].ends_on for i in valid],
            [items[i].external_id for i in valid],
            ctx.system,
            [it.external_id for it in items],
        )
        for r in clash:
            ctx.error(r[0], "starts_on", "the student is already enrolled in another class for these dates")
    return rows


# ---- parent links ----------------------------------------------------------------------------------------

# A parent link belongs to the subtrees where its child is enrolled: a token writes (creates, changes,
# deletes) only links whose child is enrolled, now or ever, in a class of its subtree. The parent may be any
# person of the source system (brothers and sisters go to different schools).
PARENT_LINK_TABLE = Table(
    "parent_links",
    [("region_id", "int"), ("parent_person_id", "int"), ("child_person_id", "int"), ("relation", "text")],
    scope_column=None,
    outside_sql=(
        "SELECT t.external_id FROM parent_links t"
        " WHERE t.external_system = $1 AND t.external_id = ANY($2::text::text[])"
        " AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.student_person_id = t.child_person_id"
        " AND (SELECT o.path FROM organizations o WHERE o.id = e.organization_id) @> ARRAY[$3::int])"
    ),
    outside_message="the existing link's child is not enrolled in a class of the token's subtree",
)


async def prepare_parent_links(ctx: Ctx, items: list[s.ParentLinkItem]) -> list[Row]:
    """Both persons known and different, the child enrolled in the token's subtree; a parent–child pair once."""
    persons = await ctx.persons([it.parent_external_id for it in items] + [it.child_external_id for it in items])
    region_id = await ctx.conn.fetchval("SELECT region_id FROM organizations WHERE id = $1", ctx.root)
    enrolled = await ctx.enrolled_in_subtree(
        r["id"] for r in (persons.get(it.child_external_id) for it in items) if r is not None
    )
    rows: list[Row] = []
    for i, it in enumerate(items):
        p = ctx.ref(persons, i, "parent_external_id", it.parent_external_id, "person")
        c = ctx.ref(persons, i, "child_external_id", it.child_external_id, "person")
        if it.parent_external_id == it.child_external_id:
            ctx.error(i, "child_external_id", "a person cannot be their own parent")
        elif c is not None and c["id"] not in enrolled:
            ctx.error(
                i,
                "child_external_id",
                f"student {it.child_external_id!r} is not enrolled in a class of the token's subtree",
            )
        rows.append((region_id, p["id"] if p else None, c["id"] if c else None, it.relation))
    await _check_natural_key(
        ctx,
        items,
        rows,
        cols=(1, 2),
        types=("int", "int"),
        table="parent_links",
        key=("parent_person_id", "child_person_id"),
        field="child_external_id",
        repeated="the same parent and child are already at index {j}",
        taken="this parent and child are already linked",
    )
    return rows


# ---- user accounts ---------------------------------------------------------------------------------------

USER_TABLE = Table(
    "users",
    [
        ("person_id", "int"),
        ("organization_id", "int"),
        ("region_id", "int"),
        ("status", "text"),
        ("registered_at", "timestamptz"),
        ("last_seen_at", "timestamptz"),
    ],
    defaults={"registered_at": "now()"},
    not_compared=frozenset({"registered_at"}),
    touch_updated_at=True,
)


async def prepare_users(ctx: Ctx, items: list[s.UserItem]) -> list[Row]:
    """A registered school user: person known and without another account, organization in scope."""
    persons = await ctx.persons(it.person_external_id for it in items)
    orgs = await ctx.organizations(it.organization_external_id for it in items)
    rows: list[Row] = []
    for i, it in enumerate(items):
        p = ctx.ref(persons, i, "person_external_id", it.person_external_id, "person")
        org = ctx.ref(orgs, i, "organization_external_id", it.organization_external_id, "organization")
        if it.registered_at and it.last_seen_at and it.last_seen_at < it.registered_at:
            ctx.error(i, "last_seen_at", "is before registered_at")
        rows.append(
            (
                p["id"] if p else None,
                org["id"] if org else None,
                org["region_id"] if org else None,
                it.status.value,
                it.registered_at,
                it.last_seen_at,
            )
        )
    await _check_natural_key(
        ctx,
        items,
        rows,
        cols=(0,),
        types=("int",),
        table="users",
        key=("person_id",),
        field="person_external_id",
        repeated="the same person already has an account at index {j}",
        taken="the person already has another account",
    )
    return rows


# ---- lessons ---------------------------------------------------------------------------------------------

LESSON_TABLE = Table(
    "lessons",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("class_id", "int"),
        ("assignment_id", "int"),
        ("subject_id", "int"),
        ("teacher_person_id", "int"),
        ("date", "date"),
        ("number", "int"),
        ("topic", "text"),
        ("status", "text"),
        ("substitute_person_id", "int"),
        ("change_reason", "text"),
        ("from_timetable", "bool"),
    ],
)


async def prepare_lessons(ctx: Ctx, items: list[s.LessonItem]) -> list[Row]:
    """Assignment in scope, date in the class's academic year, a substitute for a replaced lesson."""
    assignments = await ctx.assignments(it.assignment_external_id for it in items)
    persons = await ctx.persons([it.teacher_external_id for it in items] + [it.substitute_external_id for it in items])
    rows: list[Row] = []
    for i, it in enumerate(items):
        a = ctx.ref(assignments, i, "assignment_external_id", it.assignment_external_id, "assignment")
        teacher = ctx.ref(persons, i, "teacher_external_id", it.teacher_external_id, "person")
        sub = ctx.ref(persons, i, "substitute_external_id", it.substitute_external_id, "person")
        _in_year(ctx, i, "date", it.date, a)
        if it.status == "replaced" and it.substitute_external_id is None:
            ctx.error(i, "substitute_external_id", "a replaced lesson needs its substitute teacher")
        rows.append(
            (
                a["organization_id"] if a else None,
                a["region_id"] if a else None,
                a["class_id"] if a else None,
                a["id"] if a else None,
                a["subject_id"] if a else None,
                teacher["id"] if teacher else (a["teacher_person_id"] if a else None),
                it.date,
                it.number,
                it.topic,
                it.status.value,
                sub["id"] if sub else None,
                it.change_reason,
                it.from_timetable,
            )
        )
    cancelled = [it.external_id for it in items if it.status == "cancelled"]
    if cancelled:
        # a cancelled lesson was not held: it can carry no mark and no absence (REPORTS.md)
        journal = {
            r[0]: (r[1], r[2])
            for r in await ctx.conn.fetch(
                "SELECT l.external_id, (SELECT count(*) FROM marks m WHERE m.lesson_id = l.id),"
                " (SELECT count(*) FROM absences a WHERE a.lesson_id = l.id)"
                " FROM lessons l WHERE l.external_system = $1 AND l.external_id = ANY($2::text[])",
                ctx.system,
                cancelled,
            )
        }
        for i, it in enumerate(items):
            marks, absences = journal.get(it.external_id, (0, 0)) if it.status == "cancelled" else (0, 0)
            if marks:
                ctx.error(i, "status", "the lesson has marks and cannot be cancelled; delete its marks first")
            if absences:
                ctx.error(
                    i,
                    "status",
                    f"lesson {it.external_id!r} has {absences} absence(s) and cannot be cancelled; "
                    "delete its absences first",
                )
    return rows


# ---- homework --------------------------------------------------------------------------------------------

HOMEWORK_TABLE = Table(
    "homework",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("class_id", "int"),
        ("lesson_id", "int"),
        ("text", "text"),
        ("minutes", "int"),
        ("due_on", "date"),
    ],
)


async def prepare_homework(ctx: Ctx, items: list[s.HomeworkItem]) -> list[Row]:
    """Lesson in scope; due no earlier than the lesson."""
    lessons = await ctx.lessons(it.lesson_external_id for it in items)
    rows: list[Row] = []
    for i, it in enumerate(items):
        lesson = ctx.ref(lessons, i, "lesson_external_id", it.lesson_external_id, "lesson")
        if lesson is not None and it.due_on is not None and it.due_on < lesson["date"]:
            ctx.error(i, "due_on", f"{it.due_on.isoformat()} is before the lesson ({lesson['date'].isoformat()})")
        rows.append(
            (
                lesson["organization_id"] if lesson else None,
                lesson["region_id"] if lesson else None,
                lesson["class_id"] if lesson else None,
                lesson["id"] if lesson else None,
                it.text,
                it.minutes,
                it.due_on,
            )
        )
    return rows


# ---- marks -----------------------------------------------------------------------------------------------

MARK_TABLE = Table(
    "marks",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("class_id", "int"),
        ("subject_id", "int"),
        ("student_person_id", "int"),
        ("lesson_id", "int"),
        ("period_id", "int"),
        ("kind", "text"),
        ("value", "int"),
        ("not_attested", "bool"),
        ("date", "date"),
        ("entered_by_person_id", "int"),
        ("entered_at", "timestamptz"),
    ],
    defaults={"entered_at": "now()"},
    not_compared=frozenset({"entered_at"}),
)
_PERIOD_MARKS = frozenset({"quarter", "year", "exam"})


async def prepare_marks(ctx: Ctx, items: list[s.MarkItem]) -> list[Row]:
    """Student enrolled in the class, lesson of that class and subject and not cancelled, value on the scale."""
    # Marks are the bulk of the traffic: references are resolved once per distinct external id into plain
    # tuples, and the per-item loop does dictionary lookups only (a miss goes to the resolver for its message).
    students = ctx.resolver(
        await ctx.persons([it["student_external_id"] for it in items]), "student_external_id", "person"
    )
    entered_by = ctx.resolver(
        await ctx.persons([it.get("entered_by_external_id") for it in items]), "entered_by_external_id", "person"
    )
    classes = ctx.resolver(await ctx.classes([it["class_external_id"] for it in items]), "class_external_id", "class")
    subjects = ctx.resolver(
        await ctx.subjects([it["subject_external_id"] for it in items]), "subject_external_id", "subject"
    )
    lessons = ctx.resolver(
        await ctx.lessons([it.get("lesson_external_id") for it in items]), "lesson_external_id", "lesson"
    )
    periods: dict[tuple[int, str, int], int] = {}
    year_ids = list({c["academic_year_id"] for c in classes.found.values()})
    if year_ids:
        for p in await ctx.conn.fetch(
            "SELECT id, academic_year_id, kind, number FROM periods WHERE academic_year_id = ANY($1::int[])", year_ids
        ):
            periods[(p["academic_year_id"], p["kind"], p["number"])] = p["id"]
    student_ids = {ext: r["id"] for ext, r in students.found.items()}
    by_ids = {ext: r["id"] for ext, r in entered_by.found.items()}
    # class: (id, organization_id, region_id, academic_year_id, starts_on, ends_on)
    class_rows = {
        ext: (r["id"], r["organization_id"], r["region_id"], r["academic_year_id"], r["starts_on"], r["ends_on"])
        for ext, r in classes.found.items()
    }
    subject_rows = {ext: (r["id"], r["organization_id"]) for ext, r in subjects.found.items()}
    # lesson: (id, class_id, subject_id, date, cancelled)
    lesson_rows = {
        ext: (r["id"], r["class_id"], r["subject_id"], r["date"], r["status"] == "cancelled")
        for ext, r in lessons.found.items()
    }
    rows: list[Row] = []
    append = rows.append
    error = ctx.error
    for i, it in enumerate(items):
        ext = it["student_external_id"]
        student_id = student_ids.get(ext)
        if student_id is None:
            students(i, ext)
        ext = it["class_external_id"]
        c = class_rows.get(ext)
        if c is None:
            classes(i, ext)
        ext = it["subject_external_id"]
        subj = subject_rows.get(ext)
        if subj is None:
            subjects(i, ext)
        lesson_ext = it.get("lesson_external_id")
        lesson = None
        if lesson_ext is not None:
            lesson = lesson_rows.get(lesson_ext)
            if lesson is None:
                lessons(i, lesson_ext)
        by_ext = it.get("entered_by_external_id")
        by_id = None
        if by_ext is not None:
            by_id = by_ids.get(by_ext)
            if by_id is None:
                entered_by(i, by_ext)
        kind = it.get("kind", "current")
        value = it.get("value")
        not_attested = it.get("not_attested", False)
        if not_attested:
            if value is not None:
                error(i, "value", "give either a value or not_attested, not both")
            if kind not in _PERIOD_MARKS:
                error(i, "not_attested", "only a quarter, year or exam mark may be «н/а»")
        elif value is None:
            error(i, "value", "required (1–5) unless not_attested")
        day = it.get("date")
        if lesson is not None:
            if c is not None and lesson[1] != c[0]:
                error(i, "lesson_external_id", f"lesson {lesson_ext!r} belongs to another class")
            if subj is not None and lesson[2] != subj[0]:
                error(i, "lesson_external_id", f"lesson {lesson_ext!r} is a lesson of another subject")
            if lesson[4]:
                error(i, "lesson_external_id", f"lesson {lesson_ext!r} was cancelled and cannot carry marks")
            if day is None:
                day = lesson[3]
            elif day != lesson[3]:
                error(i, "date", f"{day.isoformat()} differs from the lesson's date {lesson[3].isoformat()}")
        elif lesson_ext is None:
            if kind == "current":
                error(i, "lesson_external_id", "a current mark needs its lesson")
            if day is None:
                error(i, "date", "required for a mark without a lesson")
        period_id = None
        if c is not None:
            if subj is not None and subj[1] is not None and subj[1] != c[1]:
                error(i, "subject_external_id", "the subject belongs to another organization than the class")
            if day is not None and not c[4] <= day <= c[5]:
                error(i, "date", f"{day.isoformat()} lies outside the academic year of the class")
            number = it.get("period_number")
            if kind == "year":
                period_id = periods.get((c[3], "year", 1))
                if period_id is None:
                    error(i, "kind", "the academic year of the class has no year period")
            elif number is not None:
                period_id = periods.get((c[3], "quarter", number))
                if period_id is None:
                    error(i, "period_number", f"the academic year has no quarter {number}")
            elif kind == "quarter":
                error(i, "period_number", "a quarter mark needs its quarter (1–4)")
            append(
                (
                    c[1],
                    c[2],
                    c[0],
                    subj[0] if subj is not None else None,
                    student_id,
                    lesson[0] if lesson is not None else None,
                    period_id,
                    kind,
                    value,
                    not_attested,
                    day,
                    by_id,
                    it.get("entered_at"),
                )
            )
        else:
            append((None, None, None, None, student_id, None, None, kind, value, not_attested, day, by_id, None))
    await _check_enrolled(ctx, items, rows, student_col=4, class_col=2)
    return rows


async def _check_enrolled(ctx: Ctx, items: list[Any], rows: list[Row], *, student_col: int, class_col: int) -> None:
    """Every (student, class) of the batch has an enrolment: one query for the distinct pairs."""
    pairs = {(r[student_col], r[class_col]) for r in rows if r[student_col] is not None and r[class_col] is not None}
    enrolled = await ctx.enrolled_pairs(pairs)
    for i, r in enumerate(rows):
        pair = (r[student_col], r[class_col])
        if None not in pair and pair not in enrolled:
            it = items[i]
            ext = it["student_external_id"] if isinstance(it, dict) else it.student_external_id
            ctx.error(i, "student_external_id", f"student {ext!r} is not enrolled in the class")


# ---- absences --------------------------------------------------------------------------------------------

ABSENCE_TABLE = Table(
    "absences",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("class_id", "int"),
        ("lesson_id", "int"),
        ("student_person_id", "int"),
        ("date", "date"),
        ("reason", "text"),
    ],
)


async def prepare_absences(ctx: Ctx, items: list[s.AbsenceItem]) -> list[Row]:
    """Lesson in scope and not cancelled, student enrolled in its class, one absence per student and lesson."""
    students = await ctx.persons(it.student_external_id for it in items)
    lessons = await ctx.lessons(it.lesson_external_id for it in items)
    rows: list[Row] = []
    for i, it in enumerate(items):
        st = ctx.ref(students, i, "student_external_id", it.student_external_id, "person")
        lesson = ctx.ref(lessons, i, "lesson_external_id", it.lesson_external_id, "lesson")
        if lesson is not None and lesson["status"] == "cancelled":
            ctx.error(i, "lesson_external_id", f"lesson {it.lesson_external_id!r} was cancelled")
        rows.append(
            (
                lesson["organization_id"] if lesson else None,
                lesson["region_id"] if lesson else None,
                lesson["class_id"] if lesson else None,
                lesson["id"] if lesson else None,
                st["id"] if st else None,
                lesson["date"] if lesson else None,
                it.reason.value,
            )
        )
    await _check_enrolled(ctx, items, rows, student_col=4, class_col=2)
    await _check_natural_key(
        ctx,
        items,
        rows,
        cols=(4, 3),
        types=("int", "int"),
        table="absences",
        key=("student_person_id", "lesson_id"),
        field="lesson_external_id",
        repeated="the same student and lesson are already at index {j}",
        taken="the student already has an absence on this lesson",
    )
    return rows


# ---- movements and documents -----------------------------------------------------------------------------

MOVEMENT_TABLE = Table(
    "movements",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("class_id", "int"),
        ("student_person_id", "int"),
        ("kind", "text"),
        ("date", "date"),
        ("counterpart", "text"),
        ("reason", "text"),
        ("order_number", "text"),
    ],
)


async def prepare_movements(ctx: Ctx, items: list[s.MovementItem]) -> list[Row]:
    """School in scope, class (when given) of that school, date not in the future."""
    orgs = await ctx.organizations(it.organization_external_id for it in items)
    classes = await ctx.classes(it.class_external_id for it in items)
    students = await ctx.persons(it.student_external_id for it in items)
    rows: list[Row] = []
    for i, it in enumerate(items):
        org = ctx.ref(orgs, i, "organization_external_id", it.organization_external_id, "organization")
        c = ctx.ref(classes, i, "class_external_id", it.class_external_id, "class")
        st = ctx.ref(students, i, "student_external_id", it.student_external_id, "person")
        if org is not None and c is not None and c["organization_id"] != org["id"]:
            ctx.error(i, "class_external_id", "the class belongs to another organization")
        _not_future(ctx, i, "date", it.date, slack_days=31)
        rows.append(
            (
                org["id"] if org else None,
                org["region_id"] if org else None,
                c["id"] if c else None,
                st["id"] if st else None,
                it.kind.value,
                it.date,
                it.counterpart,
                it.reason,
                it.order_number,
            )
        )
    return rows


DOCUMENT_TABLE = Table(
    "education_documents",
    [
        ("organization_id", "int"),
        ("region_id", "int"),
        ("class_id", "int"),
        ("student_person_id", "int"),
        ("doc_type", "text"),
        ("series", "text"),
        ("number", "text"),
        ("issued_on", "date"),
        ("with_honours", "bool"),
    ],
)


async def prepare_documents(ctx: Ctx, items: list[s.DocumentItem]) -> list[Row]:
    """School in scope, class of that school, a document number issued once."""
    orgs = await ctx.organizations(it.organization_external_id for it in items)
    classes = await ctx.classes(it.class_external_id for it in items)
    students = await ctx.persons(it.student_external_id for it in items)
    rows: list[Row] = []
    for i, it in enumerate(items):
        org = ctx.ref(orgs, i, "organization_external_id", it.organization_external_id, "organization")
        c = ctx.ref(classes, i, "class_external_id", it.class_external_id, "class")
        st = ctx.ref(students, i, "student_external_id", it.student_external_id, "person")
        if org is not None and c is not None and c["organization_id"] != org["id"]:
            ctx.error(i, "class_external_id", "the class belongs to another organization")
        _not_future(ctx, i, "issued_on", it.issued_on)
        rows.append(
            (
                org["id"] if org else None,
                org["region_id"] if org else None,
                c["id"] if c else None,
                st["id"] if st else None,
                it.doc_type.value,
                it.series,
                it.number,
                it.issued_on,
                it.with_honours,
            )
        )
    await _check_natural_key(
        ctx,
        items,
        rows,
        cols=(4, 5, 6),
        types=("text", "text", "text"),
        table="education_documents",
        key=("doc_type", "series", "number"),
        field="number",
        repeated="the same document type, series and number are already at index {j}",
        taken="a document with this type, series and number was already issued",
    )
    return rows


# ---- visits ----------------------------------------------------------------------------------------------

VISIT_TABLE = Table(
    "visits",
    [("user_id", "int"), ("organization_id", "int"), ("region_id", "int"), ("visited_at", "timestamptz")],
)


async def prepare_visits(ctx: Ctx, items: list[s.VisitItem]) -> list[Row]:
    """User and organization in scope; not in the future."""
    users = await ctx.users(it.user_external_id for it in items)
    orgs = await ctx.organizations(it.organization_external_id for it in items)
    region_of = {
        r["id"]: r["region_id"]
        for r in await ctx.conn.fetch(
            "SELECT id, region_id FROM organizations WHERE id = ANY($1::int[])",
            list({u["organization_id"] for u in users.values()}),
        )
    }
    now = dt.datetime.now(dt.UTC)
    rows: list[Row] = []
    for i, it in enumerate(items):
        u = ctx.ref(users, i, "user_external_id", it.user_external_id, "user")
        org = ctx.ref(orgs, i, "organization_external_id", it.organization_external_id, "organization")
        visited = it.visited_at if it.visited_at.tzinfo else it.visited_at.replace(tzinfo=dt.UTC)
        if visited > now + dt.timedelta(minutes=10):
            ctx.error(i, "visited_at", "lies in the future")
        org_id = org["id"] if org else (u["organization_id"] if u else None)
        region_id = org["region_id"] if org else (region_of.get(u["organization_id"]) if u else None)
        rows.append((u["id"] if u else None, org_id, region_id, visited))
    return rows


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("organizations", s.OrganizationItem, ORG_TABLE, cast(Prepare, prepare_organizations)),
        Kind("persons", s.PersonItem, PERSON_TABLE, cast(Prepare, prepare_persons)),
        Kind("staff-posts", s.StaffPostItem, STAFF_TABLE, cast(Prepare, prepare_staff_posts), deletable=True),
        Kind("classes", s.ClassItem, CLASS_TABLE, cast(Prepare, prepare_classes)),
        Kind("subjects", s.SubjectItem, SUBJECT_TABLE, cast(Prepare, prepare_subjects)),
        Kind("assignments", s.AssignmentItem, ASSIGNMENT_TABLE, cast(Prepare, prepare_assignments)),
        Kind("enrolments", s.EnrolmentItem, ENROLMENT_TABLE, cast(Prepare, prepare_enrolments), deletable=True),
        Kind("parent-links", s.ParentLinkItem, PARENT_LINK_TABLE, cast(Prepare, prepare_parent_links), deletable=True),
        Kind("users", s.UserItem, USER_TABLE, cast(Prepare, prepare_users)),
        Kind("lessons", s.LessonItem, LESSON_TABLE, cast(Prepare, prepare_lessons), deletable=True),
        Kind("homework", s.HomeworkItem, HOMEWORK_TABLE, cast(Prepare, prepare_homework), deletable=True),
        Kind("marks", s.MarkItem, MARK_TABLE, cast(Prepare, prepare_marks), deletable=True),
        Kind("absences", s.AbsenceItem, ABSENCE_TABLE, cast(Prepare, prepare_absences), deletable=True),
        Kind("movements", s.MovementItem, MOVEMENT_TABLE, cast(Prepare, prepare_movements), deletable=True),
        Kind("documents", s.DocumentItem, DOCUMENT_TABLE, cast(Prepare, prepare_documents), deletable=True),
        Kind("visits", s.VisitItem, VISIT_TABLE, cast(Prepare, prepare_visits)),
    )
}


async def _check_natural_key(
    ctx: Ctx,
    items: list[Any],
    rows: list[Row],
    *,
    cols: tuple[int, ...],
    types: tuple[str, ...],
    table: str,
    key: tuple[str, ...],
    field: str,
    repeated: str,
    taken: str,
) -> None:
    """A key that must be unique: not twice in the batch, not held by a row of another external id.

    The key is the row's columns `cols` (PostgreSQL types `types`), stored in `table` as `key`; items whose
    key has a NULL (an unresolved reference, or an optional part left out) are not checked. One query.
    """
    keyed = [(i, tuple(r[c] for c in cols)) for i, r in enumerate(rows)]
    keyed = [(i, k) for i, k in keyed if None not in k]
    seen: dict[tuple[Any, ...], int] = {}
    for i, k in keyed:
        j = seen.setdefault(k, i)
        if j != i:
            ctx.error(i, field, repeated.format(j=j))
    if not keyed:
        return
    names = [f"k{n}" for n in range(len(cols))]
    arrays = ", ".join(f"${n + 2}::{t}[]" for n, t in enumerate(types))
    ext = len(cols) + 2
    # table and key are constants of this module, never user input.
    sql = (
        f"SELECT DISTINCT i.idx FROM unnest($1::int[], {arrays}, ${ext}::text[])"  # noqa: S608
        f" AS i(idx, {', '.join(names)}, ext) JOIN {table} t ON "
        + " AND ".join(f"t.{col} = i.{name}" for col, name in zip(key, names, strict=True))
        + f" WHERE t.external_system IS DISTINCT FROM ${ext + 1} OR t.external_id IS DISTINCT FROM i.ext"
    )
    found = await ctx.conn.fetch(
        sql,
        [i for i, _ in keyed],
        *([k[n] for _, k in keyed] for n in range(len(cols))),
        [items[i].external_id for i, _ in keyed],
        ctx.system,
    )
    for r in found:
        ctx.error(r[0], field, taken)
