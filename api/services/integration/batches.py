"""Upsert and delete batches of one entity kind: all-or-nothing, idempotent, counted."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ParamSpec

import asyncpg
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api import clock
from api.errors import InvalidInput, NotFound
from api.schemas.integration import BatchResult
from api.services import audit
from api.services.integration.engine import (
    Ctx,
    Table,
    columns_of,
    driver_connection,
    duplicates,
    out_of_scope,
    pg_array,
)
from api.services.integration.kinds.catalogue import KINDS
from api.services.integration.kinds.journal import MARK_TABLE
from api.services.integration.kinds.organizations import ORG_TABLE
from api.services.integration.kinds.spec import Kind, Row
from api.services.integration.tokens import TokenPrincipal
from api.services.scope import subtree_sql

log = logging.getLogger("api.integration")

# Journal rows for marks written by a statement whose CTE `up` returns old and new values of each mark.
_MARK_VALUE = "CASE WHEN {p}not_attested THEN 'н/а' ELSE {p}value::text END"
_MARK_RETURNING = (
    "(old.id IS NULL) AS created, new.id, new.organization_id, new.region_id, new.class_id, new.subject_id,"
    " new.student_person_id, new.date, new.kind, new.entered_by_person_id, old.value AS old_value,"
    " old.not_attested AS old_not_attested, new.value AS new_value, new.not_attested AS new_not_attested,"
    " new.external_id, old.organization_id AS old_organization_id"
)
_JOURNAL_INSERT = (
    "INSERT INTO journal_changes (organization_id, region_id, mark_id, class_id, subject_id, student_person_id,"
    " lesson_date, mark_kind, action, old_value, new_value, changed_by_person_id, changed_by)"
)


def _kind(name: str) -> Kind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(f"no entity kind {name!r}")
    return kind


def _check_allowed(ctx: Ctx) -> None:
    if ctx.kind not in ctx.token.kinds:
        allowed = ", ".join(sorted(ctx.token.kinds))
        ctx.error(None, "kind", f"this token may not write {ctx.kind}; it may write {allowed}")
        ctx.raise_if_errors()


# Rules the checks before the write don't foresee (a race, or a case no check covers), in words: the field
# they concern and why. The batch names no item then (the database doesn't say which row broke the rule).
_RULES = {
    "ck_organizations_no_cycle": ("parent_external_id", "the parents would make a cycle of organizations"),
    "ck_organizations_body_has_region": (
        "region_id",
        "a regional or district body needs a region: its parent's, or region_id under the ministry",
    ),
    "fk_organizations_district_in_region": ("district_id", "no such district in the region of the organization"),
    "ex_enrolments_one_class_at_a_time": (
        "starts_on",
        "the student is already enrolled in another class for these dates",
    ),
}


def _refused(exc: asyncpg.PostgresError) -> InvalidInput:
    """A rule the checks above did not foresee, refused by the database: still a 422, in words, no database text."""
    rule = getattr(exc, "constraint_name", None)
    log.info("integration batch refused by the database: %s %s", exc.sqlstate, rule)
    field, message = _RULES.get(rule or "", ("items", ""))
    if not message:
        if isinstance(exc, asyncpg.DataError):
            message = "a value is out of range or malformed for its field; nothing of the batch was written"
        else:
            message = "the batch conflicts with data already stored; nothing of the batch was written"
    return InvalidInput(field, message, details=[{"field": field, "message": message}])


AUDITED_IDS = 1000  # external ids named in a batch's audit event; the total is always given


async def _audit(
    request: Request | None,
    ctx: Ctx,
    action: str,
    result: BatchResult,
    changed: Sequence[str],
    total: int,
) -> None:
    """One audit event per accepted batch: the token (actor), the kind, the counts and the ids it changed."""
    details: dict[str, Any] = result.model_dump()
    details["external_ids"] = list(changed[:AUDITED_IDS])
    details["external_ids_total"] = total
    for key in ("iin_withheld",):
        if key in ctx.notes:
            details[key] = list(ctx.notes[key][:AUDITED_IDS])
    await audit.record_on(ctx.conn, request, action=action, target_kind=ctx.kind, details=details)


REFUSAL_PROBLEMS = 20  # problems named in the audit event of a refused batch


P = ParamSpec("P")


def refusal_audited(
    action: str,
) -> Callable[[Callable[P, Awaitable[BatchResult]]], Callable[P, Awaitable[BatchResult]]]:
    """Run the batch; a refused one writes nothing, but the attempt is logged as `action` (after the request, on its
    own). The batch function takes `kind_name` and `request` among its parameters, by position or by name."""

    def wrap(batch: Callable[P, Awaitable[BatchResult]]) -> Callable[P, Awaitable[BatchResult]]:
        signature = inspect.signature(batch)

        @functools.wraps(batch)
        async def run(*args: P.args, **kwargs: P.kwargs) -> BatchResult:
            try:
                return await batch(*args, **kwargs)
            except InvalidInput as exc:
                call = signature.bind(*args, **kwargs)
                request = call.arguments.get("request")
                if request is not None:
                    details = {"problems": len(exc.details), "first": exc.details[:REFUSAL_PROBLEMS]}
                    audit.record_after(request, action=action, target_kind=call.arguments["kind_name"], details=details)
                raise

        return run

    return wrap


@refusal_audited("integration.upsert.refused")
async def upsert(
    session: AsyncSession, token: TokenPrincipal, kind_name: str, items: Sequence[Any], request: Request | None = None
) -> BatchResult:
    """Create or update the batch's rows by external id; nothing is written unless every item is valid."""
    kind = _kind(kind_name)
    item_list = list(items)
    ctx = Ctx(await driver_connection(session, len(item_list)), token, kind_name)
    _check_allowed(ctx)
    ext_ids = [it["external_id"] if isinstance(it, dict) else it.external_id for it in item_list]
    duplicates(ctx, ext_ids, "external_id")
    rows = await kind.prepare(ctx, item_list)
    # Marks check the scope of the rows they replace in the write itself (see _write_marks).
    outside = set() if kind.table is MARK_TABLE else await out_of_scope(ctx, kind.table, ext_ids)
    _outside_errors(ctx, ext_ids, outside, kind.table.outside_message)
    ctx.raise_if_errors()
    try:
        if kind.table is ORG_TABLE:
            created, updated, changed = await _write_organizations(ctx, item_list, rows)
        elif kind.table is MARK_TABLE:
            created, updated, outside, changed = await _write_marks(ctx, ext_ids, rows)
            # Raising rolls the request's transaction back: nothing of the batch stays written.
            _outside_errors(ctx, ext_ids, outside, MARK_TABLE.outside_message)
            ctx.raise_if_errors()
        else:
            created, updated, refused, changed = await _write(ctx, kind.table, ext_ids, rows)
            _outside_errors(ctx, ext_ids, refused, kind.table.guard_message)
            ctx.raise_if_errors()
    except (asyncpg.IntegrityConstraintViolationError, asyncpg.DataError) as exc:
        raise _refused(exc) from exc
    written = created + updated
    updated += int(ctx.notes.get("extra_updated", 0))
    result = BatchResult(kind=kind_name, created=created, updated=updated, unchanged=len(item_list) - created - updated)
    await _audit(request, ctx, "integration.upsert", result, changed, written)
    return result


def _outside_errors(ctx: Ctx, ext_ids: list[str], outside: set[str], message: str) -> None:
    if outside:
        for i, ext in enumerate(ext_ids):
            if ext in outside:
                ctx.error(i, "external_id", message)


async def _write(ctx: Ctx, table: Table, ext_ids: list[str], rows: list[Row]) -> tuple[int, int, set[str], list[str]]:
    """Upsert the rows; counts created and updated, the external ids of changed rows the token may not change,
    and the external ids of the rows created or changed.

    The third is empty unless the table has a `change_guard`; the caller then refuses the batch (raising
    rolls the request's transaction back).
    """
    if not rows:
        return 0, 0, set(), []
    types = [t for _, t in table.columns]
    params: list[Any] = [ctx.system, pg_array(ext_ids, "text"), *columns_of(rows, types)]
    returning = "(old.id IS NULL) AS created, new.external_id"
    refused = "NULL::text[]"
    if table.change_guard is not None:
        returning += f", {table.guard_returning}"
        params.append(ctx.root)
        guard = table.change_guard.replace("{root}", f"${len(params)}")
        if "{today}" in guard:  # «today» of the membership rule: the region's calendar day
            params.append(clock.today())
            guard = guard.replace("{today}", f"${len(params)}::date")
        # IS NOT TRUE: a guard that comes out NULL (a missing organization's path) refuses.
        refused = f"array_agg(up.external_id) FILTER (WHERE NOT up.created AND ({guard}) IS NOT TRUE)"
    sql = (  # table and column names and the guard are ours; values are bound
        f"WITH {table.upsert_ctes(returning)}"  # noqa: S608
        f" SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created), {refused},"
        f" (array_agg(up.external_id))[1:{AUDITED_IDS}] FROM up"
    )
    rec = await ctx.conn.fetchrow(sql, *params)
    assert rec is not None
    return int(rec[0]), int(rec[1]), set(rec[2] or ()), list(rec[3] or ())


async def _write_marks(ctx: Ctx, ext_ids: list[str], rows: list[Row]) -> tuple[int, int, set[str], list[str]]:
    """Upsert marks and journal every created or changed one in the same statement.

    Also answers the external ids of replaced marks that belonged to organizations outside the token's
    subtree (the caller then refuses the batch). Checking here instead of in a query before the write
    saves a probe of every external id: an existing mark of another subtree always differs from the
    incoming one (whose class is in the subtree), so it always goes through DO UPDATE and shows up.
    """
    if not rows:
        return 0, 0, set(), []
    n = len(MARK_TABLE.columns) + 3
    sql = (  # table and column names are ours; values are bound
        f"WITH {MARK_TABLE.upsert_ctes(_MARK_RETURNING)},"  # noqa: S608
        f" journal AS ({_JOURNAL_INSERT} SELECT organization_id, region_id, id, class_id, subject_id,"
        " student_person_id, date, kind, CASE WHEN created THEN 'created' ELSE 'changed' END,"
        f" CASE WHEN created THEN NULL ELSE {_MARK_VALUE.format(p='old_')} END,"
        f" {_MARK_VALUE.format(p='new_')}, entered_by_person_id, ${n} FROM up)"
        " SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created),"
        " array_agg(external_id) FILTER (WHERE NOT created AND NOT EXISTS (SELECT 1 FROM organizations o"
        f" WHERE o.id = old_organization_id AND {subtree_sql('o.path', f'${n + 1}')})),"
        f" (array_agg(external_id))[1:{AUDITED_IDS}] FROM up"
    )
    rec = await ctx.conn.fetchrow(
        sql,
        ctx.system,
        pg_array(ext_ids, "text"),
        *columns_of(rows, [t for _, t in MARK_TABLE.columns]),
        _changed_by(ctx),
        ctx.root,
    )
    assert rec is not None
    return int(rec[0]), int(rec[1]), set(rec[2] or ()), list(rec[3] or ())


def _changed_by(ctx: Ctx) -> str:
    return ctx.system[:255]


async def _write_organizations(ctx: Ctx, items: list[Any], rows: list[Row]) -> tuple[int, int, list[str]]:
    """Organizations go in level by level, so that a parent sent in the same batch exists before its children."""
    # Bind pre-existing organizations named by our id to their external id first.
    adopt = [(it.id, it.external_id) for it in items if it.id is not None]
    if adopt:
        await ctx.conn.execute(
            "UPDATE organizations o SET external_system = $1, external_id = a.ext FROM unnest($2::int[], $3::text[])"
            " AS a(id, ext) WHERE o.id = a.id AND o.external_id IS NULL",
            ctx.system,
            [a[0] for a in adopt],
            [a[1] for a in adopt],
        )
    pending = list(range(len(items)))
    created = updated = 0
    changed: list[str] = []
    while pending:
        ready = [i for i in pending if rows[i][0] is not None]
        if not ready:  # cannot happen: prepare() only lets earlier in-batch parents through
            raise InvalidInput("parent_external_id", "a cycle of parents in the batch")
        c, u, _, ch = await _write(ctx, ORG_TABLE, [items[i].external_id for i in ready], [rows[i] for i in ready])
        created += c
        updated += u
        changed += ch
        done = {items[i].external_id for i in ready}
        pending = [i for i in pending if i not in set(ready)]
        if not pending:
            break
        written = await ctx.conn.fetch(
            "SELECT external_id, id, region_id, district_id FROM organizations"
            " WHERE external_system = $1 AND external_id = ANY($2::text[])",
            ctx.system,
            list(done),
        )
        by_ext = {r["external_id"]: r for r in written}
        for i in pending:
            parent = by_ext.get(items[i].parent_external_id)
            if parent is not None:
                row = list(rows[i])
                row[0] = parent["id"]
                row[2] = parent["region_id"]
                row[3] = row[3] if row[3] is not None else parent["district_id"]
                rows[i] = tuple(row)
    return created, updated, changed


@refusal_audited("integration.delete.refused")
async def delete(
    session: AsyncSession, token: TokenPrincipal, kind_name: str, ext_ids: list[str], request: Request | None = None
) -> BatchResult:
    """Delete rows by external id (unknown ids count as unchanged); a deleted mark is journaled."""
    kind = _kind(kind_name)
    if not kind.deletable:
        raise InvalidInput("kind", f"{kind_name} cannot be deleted through the integration API")
    ctx = Ctx(await driver_connection(session, len(ext_ids)), token, kind_name)
    _check_allowed(ctx)
    duplicates(ctx, ext_ids, "external_ids")
    outside = await out_of_scope(ctx, kind.table, ext_ids)
    for i, ext in enumerate(ext_ids):
        if ext in outside:
            ctx.error(i, "external_ids", f"{ext!r}: {kind.table.outside_message}")
    ctx.raise_if_errors()
    if not ext_ids:
        return BatchResult(kind=kind_name)
    deleted_ids: list[str]
    try:
        if kind_name == "lessons":
            # Marks go with their lesson: delete them first, so that each is journaled.
            await _delete_marks(
                ctx,
                "m.lesson_id IN (SELECT l.id FROM lessons l"
                " WHERE l.external_system = $1 AND l.external_id = ANY($2::text[]))",
                ext_ids,
            )
        if kind_name == "marks":
            deleted_ids = await _delete_marks(
                ctx, "m.external_system = $1 AND m.external_id = ANY($2::text[])", ext_ids
            )
        else:
            deleted_ids = [
                r[0]
                for r in await ctx.conn.fetch(
                    f"DELETE FROM {kind.table.name} t"  # noqa: S608 - our table name, ids are bound
                    " WHERE t.external_system = $1 AND t.external_id = ANY($2::text[]) RETURNING t.external_id",
                    ctx.system,
                    ext_ids,
                )
            ]
    except (asyncpg.IntegrityConstraintViolationError, asyncpg.DataError) as exc:
        raise _refused(exc) from exc
    result = BatchResult(kind=kind_name, deleted=len(deleted_ids), unchanged=len(ext_ids) - len(deleted_ids))
    await _audit(request, ctx, "integration.delete", result, deleted_ids, len(deleted_ids))
    return result


async def _delete_marks(ctx: Ctx, where: str, ext_ids: list[str]) -> list[str]:
    """Delete marks and journal each; answers the external ids of the deleted marks."""
    sql = (
        f"WITH d AS (DELETE FROM marks m WHERE {where} RETURNING m.*),"  # noqa: S608 - fixed conditions above
        f" journal AS ({_JOURNAL_INSERT} SELECT organization_id, region_id, id, class_id, subject_id,"
        f" student_person_id, date, kind, 'deleted', {_MARK_VALUE.format(p='')}, NULL, NULL, $3 FROM d)"
        " SELECT external_id FROM d"
    )
    return [r[0] for r in await ctx.conn.fetch(sql, ctx.system, ext_ids, _changed_by(ctx))]
