"""Organizations: bodies and schools in the tree, bound to their region, parent and head."""

from __future__ import annotations

from typing import Any

from api import clock
from api.models import Organization
from api.schemas import integration as s
from api.services.integration.engine import Ctx, check_dates
from api.services.integration.kinds.persons import OPEN_POST
from api.services.integration.kinds.spec import Row, item_row, not_future, table_of
from api.services.scope import subtree_sql

ORG_TABLE = table_of(
    Organization,
    omit=("path", "description", "closed_on"),
    scope_column="id",
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
    parents = await ctx.lookup("organizations", (it.parent_external_id for it in items))
    heads = await ctx.lookup("persons", (it.head_external_id for it in items))
    existing = await ctx.lookup("organizations", (it.external_id for it in items))
    own_ids = [it.id for it in items if it.id is not None]
    parent_ids = [it.parent_id for it in items if it.parent_id is not None]
    by_id = {
        r["id"]: r
        for r in await ctx.conn.fetch(
            "SELECT o.id, o.kind, o.region_id, o.district_id, o.external_system, o.external_id, o.path,"  # noqa: S608 - our fragments
            f" {subtree_sql('o.path', '$2')} AS in_scope FROM organizations o WHERE o.id = ANY($1::int[])",
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
        not_future(ctx, i, "license_date", it.license_date)
        not_future(ctx, i, "accreditation_date", it.accreditation_date)
        head = ctx.ref(heads, i, "head_external_id", it.head_external_id, "person")
        if head is not None:
            named_heads.append((i, it.id, it.external_id, head["id"]))
        district_id = it.district_id if it.district_id is not None else (parent or {}).get("district_id")
        rows.append(
            item_row(
                ORG_TABLE,
                it,
                parent_id=parent["id"] if parent is not None else None,
                region_id=region_id,
                district_id=district_id,
                type_id=type_id,
                structure_id=structure_id,
                head_person_id=head["id"] if head is not None else None,
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
            f" AND o.external_id = i.ext)) AND {OPEN_POST.replace('{today}', '$6::date')})",
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
