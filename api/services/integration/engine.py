"""The batch engine: references resolved in bulk, problems collected per item, rows written set-based.

A batch runs in the request's one transaction on the session's asyncpg connection: every reference kind is
looked up with one query (`external_id = ANY($2)`), every item is checked in Python against those lookups,
and the rows go in with one `INSERT … SELECT FROM unnest(…) ON CONFLICT … DO UPDATE … WHERE … IS DISTINCT
FROM …` so that an unchanged row is not written at all (on a table partitioned by school year, which has no
such unique key, an UPDATE and an INSERT in one statement: `Table.upsert_ctes`). Any problem → 422 listing all
of them, nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from asyncpg import Record
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.services.integration.tokens import TokenPrincipal
from api.services.scope import org_subtree_sql, subtree_sql

BATCH_STATEMENT_TIMEOUT = "60s"


LONG_BATCH = 100  # items from which a batch gets BATCH_STATEMENT_TIMEOUT instead of the app's default


async def driver_connection(session: AsyncSession, items: int) -> asyncpg.Connection:
    """The asyncpg connection under the session, inside the session's transaction."""
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, asyncpg.Connection)
    if items >= LONG_BATCH:
        # A 10,000-row batch may wait for a concurrent batch's commit (report aggregates lock per student):
        # give it more than the app's default statement timeout, which is sized for reads. This also opens
        # the adapter's transaction, which it begins lazily on the first statement.
        await conn.execute(text(f"SET LOCAL statement_timeout = '{BATCH_STATEMENT_TIMEOUT}'"))
    elif not driver.is_in_transaction():
        # A small batch keeps the default timeout and saves the round trip: the token's lookup has usually
        # opened the transaction already; when not, one statement opens it.
        await conn.execute(text("SELECT 1"))
    return driver


@dataclass
class Ctx:
    """One batch: the connection, the token, and the problems found so far."""

    conn: asyncpg.Connection
    token: TokenPrincipal
    kind: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    # What a kind's checks pass on to the write and to the batch's audit event (e.g. withheld ИИНs).
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def system(self) -> str:
        return self.token.external_system

    @property
    def root(self) -> int:
        return self.token.organization_id

    def error(self, index: int | None, field_name: str, message: str) -> None:
        """Record a problem of item `index` (None: of the batch as a whole)."""
        item: dict[str, Any] = {"field": field_name, "message": message}
        if index is not None:
            item["index"] = index
        self.errors.append(item)

    def raise_if_errors(self) -> None:
        """422 with every problem found, sorted by item."""
        if not self.errors:
            return
        details = sorted(self.errors, key=lambda d: (d.get("index", -1), d["field"]))
        first = details[0]
        where = f"items[{first['index']}].{first['field']}" if "index" in first else first["field"]
        more = f" (and {len(details) - 1} more problems)" if len(details) > 1 else ""
        raise InvalidInput(where, first["message"] + more, details=details)

    def ref(self, table: dict[str, Record], index: int, field_name: str, ext: str | None, what: str) -> Record | None:
        """The looked-up row for an external id, or None after recording why it can't be used."""
        if ext is None:
            return None
        rec = table.get(ext)
        if rec is None:
            self.error(index, field_name, f"no {what} with external id {ext!r} in system {self.system!r}")
            return None
        if not rec["in_scope"]:
            self.error(index, field_name, f"{what} {ext!r} belongs to an organization outside the token's subtree")
            return None
        return rec

    def resolver(self, table: dict[str, Record], field_name: str, what: str) -> Resolver:
        """A per-item lookup over `table` that records unknown and out-of-scope references."""
        return Resolver(self, table, field_name, what)

    # ---- bulk lookups: one query per reference kind per batch ----------------------------------------------

    async def lookup(self, name: str, ext_ids: Iterable[str | None]) -> dict[str, Record]:
        """Rows of the reference kind `name` (see LOOKUPS) by external id, with whether each is in scope."""
        ids = [e for e in set(ext_ids) if e is not None]
        if not ids:
            return {}
        sql = LOOKUPS[name].sql
        extra = (self.root,) if "$3" in sql else ()
        rows = await self.conn.fetch(sql, self.system, pg_array(ids, "text"), *extra)
        return {r["external_id"]: r for r in rows}

    async def enrolled_in_subtree(self, person_ids: Iterable[int | None]) -> set[int]:
        """The persons among `person_ids` enrolled (now or ever) in a class of an organization of the subtree."""
        ids = list({p for p in person_ids if p is not None})
        if not ids:
            return set()
        rows = await self.conn.fetch(
            # The path by a scalar subquery: the plan stays led by the students (see PERSON_GUARD).
            "SELECT DISTINCT e.student_person_id FROM enrolments e WHERE e.student_person_id = ANY($1::int[])"  # noqa: S608 - our fragments
            f" AND {org_subtree_sql('e.organization_id', '$2')}",
            ids,
            self.root,
        )
        return {r[0] for r in rows}

    async def enrolled_pairs(self, pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
        """The (student, class) pairs among `pairs` that have an enrolment."""
        if not pairs:
            return set()
        students, classes = zip(*pairs, strict=True)
        rows = await self.conn.fetch(
            "SELECT DISTINCT e.student_person_id, e.class_id FROM enrolments e"
            " JOIN unnest($1::int[], $2::int[]) AS p(student_id, class_id)"
            " ON e.student_person_id = p.student_id AND e.class_id = p.class_id",
            list(students),
            list(classes),
        )
        return {(r[0], r[1]) for r in rows}


@dataclass(frozen=True)
class Lookup:
    """How the rows of one reference kind are found by external id, and whether each lies in the token's subtree."""

    what: str  # the word for its rows in messages
    columns: str  # of `alias`'s table and the joined ones
    source: str  # FROM …, the table under `alias` first
    in_scope: str  # SQL; $3 is the token's organization
    alias: str
    # Probe the key index once per external id (IN over unnest) instead of `= ANY(…)`, which the planner may
    # turn into a scan of the whole table filtered by a linear search of the array.
    probe: bool = False

    @property
    def sql(self) -> str:
        a = self.alias
        ids = "IN (SELECT unnest($2::text::text[]))" if self.probe else "= ANY($2::text::text[])"
        return (  # our fragments; the system ($1) and the external ids ($2) are bound
            f"SELECT {a}.external_id, {self.columns}, {self.in_scope} AS in_scope FROM {self.source}"  # noqa: S608
            f" WHERE {a}.external_system = $1 AND {a}.external_id {ids}"
        )


_IN_SUBTREE = subtree_sql("o.path", "$3")
_BY_ORG = "JOIN organizations o ON o.id = {}.organization_id"

LOOKUPS = {
    "organizations": Lookup(
        "organization", "o.id, o.kind, o.region_id, o.district_id, o.path", "organizations o", _IN_SUBTREE, "o"
    ),
    # Any person of the source system may be named: a student who arrives from a school outside the subtree
    # is enrolled here under the external id the source system already gave them; a parent may have children
    # in two schools; a teacher may work in two. So naming a person is never limited by the subtree; changing
    # the person's record is (see `PERSON_GUARD`), and so are the links that name the person (their
    # organization or their child).
    "persons": Lookup("person", "p.id, p.region_id, p.birth_date", "persons p", "true", "p"),
    "classes": Lookup(
        "class",
        "c.id, c.organization_id, c.region_id, c.academic_year_id, y.starts_on, y.ends_on",
        f"classes c {_BY_ORG.format('c')} JOIN academic_years y ON y.id = c.academic_year_id",
        _IN_SUBTREE,
        "c",
    ),
    # A subject of the common list (no organization) is in every scope.
    "subjects": Lookup(
        "subject",
        "s.id, s.organization_id",
        "subjects s LEFT JOIN organizations o ON o.id = s.organization_id",
        f"(s.organization_id IS NULL OR {_IN_SUBTREE})",
        "s",
    ),
    "assignments": Lookup(
        "assignment",
        "a.id, a.class_id, a.organization_id, a.region_id, a.subject_id, a.teacher_person_id, y.starts_on, y.ends_on",
        "assignments a JOIN classes c ON c.id = a.class_id JOIN academic_years y ON y.id = c.academic_year_id"
        f" {_BY_ORG.format('a')}",
        _IN_SUBTREE,
        "a",
    ),
    # Through the key table (lessons is partitioned by year): one unique probe per external id, then the lesson
    # by id, whatever the partitions' statistics say.
    "lessons": Lookup(
        "lesson",
        "l.id, l.class_id, l.organization_id, l.region_id, l.subject_id, l.date, l.status",
        f"lessons_keys lk JOIN lessons l ON l.id = lk.id {_BY_ORG.format('l')}",
        _IN_SUBTREE,
        "lk",
        probe=True,
    ),
    "users": Lookup("user", "u.id, u.organization_id, u.region_id", f"users u {_BY_ORG.format('u')}", _IN_SUBTREE, "u"),
}


class Resolver:
    """Resolves an external id to its row; problems are worked out once per distinct id, recorded per item."""

    __slots__ = ("ctx", "field_name", "found", "problems", "problems_unknown")

    def __init__(self, ctx: Ctx, table: dict[str, Record], field_name: str, what: str) -> None:
        self.ctx = ctx
        self.field_name = field_name
        self.found = {ext: rec for ext, rec in table.items() if rec["in_scope"]}
        self.problems = {
            ext: f"{what} {ext!r} belongs to an organization outside the token's subtree"
            for ext, rec in table.items()
            if not rec["in_scope"]
        }
        self.problems_unknown = f"no {what} with external id {{!r}} in system {ctx.system!r}"

    def __call__(self, index: int, ext: str | None) -> Record | None:
        if ext is None:
            return None
        rec = self.found.get(ext)
        if rec is None:
            self.miss(index, ext)
        return rec

    def miss(self, index: int, ext: str | None) -> Any:
        """Record why `ext`, not among the rows found, can't be used (nothing when no reference is given).

        Returns None, so that a hot loop reads `row = rows.get(ext) or resolver.miss(i, ext)`.
        """
        if ext is not None:
            self.ctx.error(index, self.field_name, self.problems.get(ext) or self.problems_unknown.format(ext))


@dataclass(frozen=True)
class Table:
    """How a kind's rows are written: table, columns with their array types, and the scope column."""

    name: str
    columns: Sequence[tuple[str, str]]  # (column, PostgreSQL element type for unnest)
    scope_column: str | None = "organization_id"
    # For a table without an organization column: SELECT of the external ids (system $1, among $2) of
    # existing rows outside the subtree of organization $3. Checked before an upsert and a delete.
    outside_sql: str | None = None
    outside_message: str = "the existing row belongs to an organization outside the token's subtree"
    # Checked in the write instead of before it, on the rows the upsert really changes: an SQL condition
    # over `up` (the upsert's RETURNING: created, external_id and `guard_returning`), true when the token
    # may change that existing row; `{root}` stands for the token's organization.
    change_guard: str | None = None
    guard_returning: str = "new.id"
    guard_message: str = "the existing row may not be changed by this token"
    # Columns written when the row is created and never changed afterwards (nor compared).
    insert_only: frozenset[str] = frozenset()
    # Columns left out of the "did it change?" comparison (e.g. a server-side timestamp).
    not_compared: frozenset[str] = frozenset()
    # SQL used for a column when the item leaves it NULL (i.<column> is the given value).
    defaults: dict[str, str] = field(default_factory=dict)
    touch_updated_at: bool = False
    # A table partitioned by school year has no unique key on (external_system, external_id) for ON CONFLICT
    # (its key table `<name>_keys` holds it): its upsert is an UPDATE and an INSERT in one statement.
    partitioned: bool = False

    def upsert_ctes(self, returning: str) -> str:
        """CTEs whose last, `up`, is the upsert RETURNING `returning` (`old.`/`new.` of each written row)."""
        if not self.partitioned:
            return f"up AS ({self.upsert_sql()} RETURNING {returning})"
        names = [c for c, _ in self.columns]
        arrays = ", ".join(f"${i + 3}::text::{typ}[]" for i, (_, typ) in enumerate(self.columns))
        select = ", ".join(
            f"coalesce(i.{c}, {self.defaults[c]}) AS {c}" if c in self.defaults else f"i.{c}" for c in names
        )
        sets = [f"{c} = s.{c}" for c in names if c not in self.insert_only]
        if self.touch_updated_at:
            sets.append("updated_at = now()")
        compared = [c for c in names if c not in self.not_compared and c not in self.insert_only]
        keys = f"{self.name}_keys"
        # Every row found by index probes, whatever the statistics say (a hash join over all the rows of the
        # source system would read a whole table): the key table by external id, then the live row by id
        # (LIMIT 1 keeps each LATERAL a parameterized probe). A row is updated when it differs, created when
        # no live row has its key. A key still taken by a row of an archived year has no live row: its INSERT
        # fails on the key table, a conflict, as it should (not a second row, not a silent «unchanged»).
        return (  # table and column names are ours; values are bound
            f"i AS (SELECT i.external_id, {select}"  # noqa: S608
            f" FROM unnest($2::text::text[], {arrays}) AS i(external_id, {', '.join(names)})),"
            f" s AS (SELECT i.*, l.id AS live_id,"
            f" ({', '.join('l.' + c for c in compared)}) IS DISTINCT FROM ({', '.join('i.' + c for c in compared)})"
            f" AS differs FROM i"
            f" LEFT JOIN LATERAL (SELECT k.id FROM {keys} k WHERE k.external_system = $1"
            f" AND k.external_id = i.external_id LIMIT 1) k ON true"
            f" LEFT JOIN LATERAL (SELECT t.* FROM {self.name} t WHERE t.id = k.id LIMIT 1) l ON true),"
            f" upd AS (UPDATE {self.name} AS t SET {', '.join(sets)} FROM s"
            f" WHERE s.live_id IS NOT NULL AND s.differs AND t.id = s.live_id RETURNING {returning}),"
            f" ins AS (INSERT INTO {self.name} AS t (external_system, external_id, {', '.join(names)})"
            f" SELECT $1, s.external_id, {', '.join('s.' + c for c in names)} FROM s"
            f" WHERE s.live_id IS NULL RETURNING {returning}),"
            " up AS (SELECT * FROM upd UNION ALL SELECT * FROM ins)"
        )

    def upsert_sql(self) -> str:
        """INSERT … SELECT FROM unnest(…) ON CONFLICT (external_system, external_id) DO UPDATE only when changed."""
        names = [c for c, _ in self.columns]
        arrays = ", ".join(f"${i + 3}::text::{typ}[]" for i, (_, typ) in enumerate(self.columns))
        select = ", ".join(f"coalesce(i.{c}, {self.defaults[c]})" if c in self.defaults else f"i.{c}" for c in names)
        sets = [f"{c} = excluded.{c}" for c in names if c not in self.insert_only]
        if self.touch_updated_at:
            sets.append("updated_at = now()")
        compared = [c for c in names if c not in self.not_compared and c not in self.insert_only]
        return (  # table and column names are ours; values are bound
            f"INSERT INTO {self.name} AS t (external_system, external_id, {', '.join(names)})"  # noqa: S608
            f" SELECT $1, i.external_id, {select}"
            f" FROM unnest($2::text::text[], {arrays}) AS i(external_id, {', '.join(names)})"
            f" ON CONFLICT (external_system, external_id) DO UPDATE SET {', '.join(sets)}"
            f" WHERE ({', '.join('t.' + c for c in compared)}) IS DISTINCT FROM"
            f" ({', '.join('excluded.' + c for c in compared)})"
        )


async def out_of_scope(ctx: Ctx, table: Table, ext_ids: list[str]) -> set[str]:
    """External ids of existing rows of this system that belong to organizations outside the token's subtree."""
    if not ext_ids:
        return set()
    if table.outside_sql is not None:
        rows = await ctx.conn.fetch(table.outside_sql, ctx.system, pg_array(ext_ids, "text"), ctx.root)
        return {r[0] for r in rows}
    if table.scope_column is None:
        return set()
    # A partitioned table's rows are found through its key table (see LOOKUPS["lessons"]).
    source, k = (
        (f"{table.name}_keys k JOIN {table.name} t ON t.id = k.id", "k")
        if table.partitioned
        else (table.name + " t", "t")
    )
    rows = await ctx.conn.fetch(
        f"SELECT {k}.external_id FROM {source}"  # noqa: S608 - table and column names are ours, not input
        f" WHERE {k}.external_system = $1 AND {k}.external_id IN (SELECT unnest($2::text::text[]))"
        f" AND t.{table.scope_column} IS NOT NULL"
        f" AND NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = t.{table.scope_column}"
        f" AND {_IN_SUBTREE})",
        ctx.system,
        pg_array(ext_ids, "text"),
        ctx.root,
    )
    return {r[0] for r in rows}


def duplicates(ctx: Ctx, keys: Sequence[Any], field_name: str, what: str = "external id") -> None:
    """Record items whose key already appeared earlier in the batch."""
    first: dict[Any, int] = {}
    for i, k in enumerate(keys):
        if k is None:
            continue
        j = first.setdefault(k, i)
        if j != i:
            ctx.error(i, field_name, f"the same {what} {k!r} is already at index {j} of this batch")


def check_dates(ctx: Ctx, index: int, start: dt.date | None, end: dt.date | None, end_field: str) -> None:
    """An end date may not come before the start date."""
    if start is not None and end is not None and end < start:
        ctx.error(index, end_field, f"{end.isoformat()} is before the start date {start.isoformat()}")


def columns_of(rows: list[tuple[Any, ...]], types: Sequence[str]) -> list[str]:
    """Transpose rows into one PostgreSQL array literal per column (for unnest)."""
    if not rows:
        return ["{}" for _ in types]
    return [pg_array(col, typ) for col, typ in zip(zip(*rows, strict=True), types, strict=True)]


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pg_array(values: Iterable[Any], typ: str) -> str:
    """A PostgreSQL array literal (`{1,NULL,3}`) of values of element type `typ`.

    Sent as one text parameter and cast in SQL (`$3::text::int[]`): asyncpg encodes a Python list
    element by element with several isinstance checks against collections.abc each, which on a
    10,000-row batch of 14 columns cost more than the rest of the Python work together.
    """
    if typ == "text":
        body = ",".join("NULL" if v is None else _quote(v) for v in values)
    elif typ == "bool":
        body = ",".join("NULL" if v is None else ("t" if v else "f") for v in values)
    elif typ in ("date", "timestamptz"):
        values = list(values)
        # Few distinct dates in a batch (lesson days): format each once.
        text = {v: '"' + v.isoformat() + '"' for v in set(values) if v is not None}
        text[None] = "NULL"
        body = ",".join([text[v] for v in values])
    else:
        body = ",".join("NULL" if v is None else str(int(v)) for v in values)
    return "{" + body + "}"
