"""How an integration kind is declared, and the one `prepare` that a declaration drives.

A kind's `prepare(ctx, items)` resolves the references of the whole batch in bulk (one query per reference
kind), checks every item, records each problem with its index and field, and returns one row per item in
the order of the kind's `Table.columns`. Most kinds are a `Spec`: the references their items carry (which
columns each fills), the columns worked out otherwise, the per-item check, the natural key that must be
unique; a column the spec doesn't name is the item's field of the same name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from api import clock
from api.models.base import Base
from api.services.integration.engine import LOOKUPS, Ctx, Resolver, Table

Row = tuple[Any, ...]
Prepare = Callable[[Ctx, list[Any]], Awaitable[list[Row]]]
Refs = dict[str, Any]  # an item's references: field -> the resolved row, or None


@dataclass(frozen=True)
class Kind:
    """An entity kind: URL segment, item schema, table, checks; and whether it may be deleted."""

    name: str
    item: type[Any]  # a pydantic model, or a TypedDict for the high-volume kinds
    table: Table
    prepare: Prepare
    deletable: bool = False


# Columns of a kind's table that no item gives: the keys and the bookkeeping.
_NOT_GIVEN = frozenset({"id", "external_system", "external_id", "created_at", "updated_at"})


def table_of(model: type[Base], *, omit: Iterable[str] = (), **options: Any) -> Table:
    """How a kind's rows are written, from the model: its columns but the keys, the bookkeeping and `omit`.

    In the model's order, each with its element type for unnest; `updated_at` is touched where the model has it.
    """
    t = Base.metadata.tables[model.__tablename__]
    left_out = _NOT_GIVEN | set(omit)
    columns = [(c.name, _unnest_type(c.type.python_type)) for c in t.columns if c.name not in left_out]
    partitioned = t.dialect_options["postgresql"]["partition_by"] is not None
    return Table(t.name, columns, touch_updated_at="updated_at" in t.columns, partitioned=partitioned, **options)


def _unnest_type(python_type: type) -> str:
    if issubclass(python_type, bool):
        return "bool"
    if issubclass(python_type, int):
        return "int"
    if issubclass(python_type, dt.datetime):
        return "timestamptz"
    return "date" if issubclass(python_type, dt.date) else "text"


@dataclass(frozen=True)
class Ref:
    """A reference an item carries: its field (an external id), the lookup, and the columns it fills."""

    field: str
    lookup: str  # a reference kind of engine.LOOKUPS
    fills: Mapping[str, str]  # table column -> column of the looked-up row


def ref(field_name: str, lookup: str, **fills: str) -> Ref:
    return Ref(field_name, lookup, fills)


# The references most kinds carry.
IN_ORGANIZATION = ref("organization_external_id", "organizations", organization_id="id", region_id="region_id")
IN_CLASS = ref("class_external_id", "classes", organization_id="organization_id", region_id="region_id", class_id="id")
STUDENT = ref("student_external_id", "persons", student_person_id="id")


@dataclass(frozen=True)
class Key:
    """A natural key that must be unique: its table columns, the field a clash is reported on, the messages."""

    columns: tuple[str, ...]
    field: str
    repeated: str  # {j}: the earlier index in the batch
    taken: str


Derive = Callable[[Any, Refs, Any], Any]  # (item, references, what `load` returned) -> a column's value


@dataclass(frozen=True)
class Spec:
    """A kind declared: its table, references, derived columns, checks and natural key."""

    table: Table
    refs: tuple[Ref, ...] = ()
    derive: Mapping[str, Derive] = field(default_factory=dict)
    # Batch-wide facts the checks and columns need, read once after the references are resolved.
    load: Callable[[Ctx, list[Any], list[Refs]], Awaitable[Any]] | None = None
    check: Callable[[Ctx, int, Any, Refs, Any], None] | None = None  # one item's own checks
    enrolled: bool = False  # the row's student must be enrolled in the row's class
    after: Callable[[Ctx, list[Any], list[Row]], Awaitable[None]] | None = None  # checks across the batch
    key: Key | None = None

    def kind(self, name: str, item: type[Any], *, deletable: bool = False) -> Kind:
        """The kind of this spec; every column it doesn't work out must be a field of the item (checked here)."""
        given = {*self.derive, *(c for r in self.refs for c in r.fills), *getattr(item, "model_fields", {})}
        missing = [c for c, _ in self.table.columns if c not in given]
        if missing:
            raise TypeError(f"kind {name}: nothing gives the columns {missing}")
        return Kind(name, item, self.table, self.prepare, deletable)

    async def prepare(self, ctx: Ctx, items: list[Any]) -> list[Row]:
        refs = await resolve(ctx, items, self.refs)
        extra = await self.load(ctx, items, refs) if self.load is not None else None
        getters = [self._getter(column) for column, _ in self.table.columns]
        check = self.check
        rows: list[Row] = []
        for i, (it, r) in enumerate(zip(items, refs, strict=True)):
            if check is not None:
                check(ctx, i, it, r, extra)
            rows.append(tuple(get(it, r, extra) for get in getters))
        if self.enrolled:
            await check_enrolled(ctx, self.table, items, rows)
        if self.after is not None:
            await self.after(ctx, items, rows)
        if self.key is not None:
            await check_natural_key(ctx, self.table, items, rows, self.key)
        return rows

    def _getter(self, column: str) -> Derive:
        if column in self.derive:
            return self.derive[column]
        for r in self.refs:
            if column in r.fills:
                return _from_ref(r.field, r.fills[column])
        return _from_item(column)


def _from_ref(field_name: str, source: str) -> Derive:
    def get(_it: Any, refs: Refs, _extra: Any) -> Any:
        rec = refs[field_name]
        return rec[source] if rec is not None else None

    return get


def _from_item(column: str) -> Derive:
    def get(it: Any, _refs: Refs, _extra: Any) -> Any:
        return item_value(it, column)

    return get


def item_value(it: Any, name: str) -> Any:
    """An item's field as it is stored (an enumeration by its value)."""
    value = getattr(it, name)
    return value.value if isinstance(value, Enum) else value


def item_row(table: Table, it: Any, **computed: Any) -> Row:
    """A row of `table`: the computed columns as given, the others the item's field of the same name."""
    return tuple(computed[c] if c in computed else item_value(it, c) for c, _ in table.columns)


async def resolvers(ctx: Ctx, items: list[Any], refs: tuple[Ref, ...]) -> dict[str, Resolver]:
    """A resolver per reference field: one lookup per reference kind for the whole batch."""
    fields_of: dict[str, list[str]] = defaultdict(list)
    for r in refs:
        fields_of[r.lookup].append(r.field)
    found: dict[str, Resolver] = {}
    for lookup, names in fields_of.items():
        table = await ctx.lookup(lookup, [field_of(it, n) for n in names for it in items])
        for n in names:
            found[n] = ctx.resolver(table, n, LOOKUPS[lookup].what)
    return found


async def resolve(ctx: Ctx, items: list[Any], refs: tuple[Ref, ...]) -> list[Refs]:
    """Every item's references, problems recorded per item."""
    found = await resolvers(ctx, items, refs)
    return [{n: res(i, getattr(it, n)) for n, res in found.items()} for i, it in enumerate(items)]


def field_of(it: Any, name: str) -> Any:
    """A field of an item, whether a model or (the high-volume kinds) a dict."""
    return it.get(name) if isinstance(it, dict) else getattr(it, name)


async def root_region(ctx: Ctx) -> int | None:
    """The region of the token's organization."""
    region: int | None = await ctx.conn.fetchval("SELECT region_id FROM organizations WHERE id = $1", ctx.root)
    return region


def not_future(ctx: Ctx, index: int, field_name: str, value: dt.date | None, slack_days: int = 1) -> None:
    if value is not None and value > clock.today() + dt.timedelta(days=slack_days):
        ctx.error(index, field_name, f"{value.isoformat()} lies in the future")


def in_year(ctx: Ctx, index: int, field_name: str, value: dt.date | None, cls: Any, what: str = "class") -> None:
    if value is not None and cls is not None and not cls["starts_on"] <= value <= cls["ends_on"]:
        ctx.error(
            index,
            field_name,
            f"{value.isoformat()} lies outside the academic year of the {what}"
            f" ({cls['starts_on'].isoformat()} – {cls['ends_on'].isoformat()})",
        )


def class_of_organization(ctx: Ctx, index: int, refs: Refs) -> None:
    """The class (when given) belongs to the item's organization."""
    org, c = refs["organization_external_id"], refs["class_external_id"]
    if org is not None and c is not None and c["organization_id"] != org["id"]:
        ctx.error(index, "class_external_id", "the class belongs to another organization")


async def check_enrolled(ctx: Ctx, table: Table, items: list[Any], rows: list[Row]) -> None:
    """Every (student, class) of the batch has an enrolment: one query for the distinct pairs."""
    names = [c for c, _ in table.columns]
    student_col, class_col = names.index("student_person_id"), names.index("class_id")
    pairs = {(r[student_col], r[class_col]) for r in rows if r[student_col] is not None and r[class_col] is not None}
    enrolled = await ctx.enrolled_pairs(pairs)
    for i, r in enumerate(rows):
        pair = (r[student_col], r[class_col])
        if None not in pair and pair not in enrolled:
            ext = field_of(items[i], "student_external_id")
            ctx.error(i, "student_external_id", f"student {ext!r} is not enrolled in the class")


async def check_natural_key(ctx: Ctx, table: Table, items: list[Any], rows: list[Row], key: Key) -> None:
    """A key that must be unique: not twice in the batch, not held by a row of another external id.

    Items whose key has a NULL (an unresolved reference, or an optional part left out) are not checked.
    One query.
    """
    types = dict(table.columns)
    names = [c for c, _ in table.columns]
    cols = [names.index(c) for c in key.columns]
    keyed = [(i, tuple(r[c] for c in cols)) for i, r in enumerate(rows)]
    keyed = [(i, k) for i, k in keyed if None not in k]
    seen: dict[tuple[Any, ...], int] = {}
    for i, k in keyed:
        j = seen.setdefault(k, i)
        if j != i:
            ctx.error(i, key.field, key.repeated.format(j=j))
    if not keyed:
        return
    aliases = [f"k{n}" for n in range(len(cols))]
    arrays = ", ".join(f"${n + 2}::{types[c]}[]" for n, c in enumerate(key.columns))
    ext = len(cols) + 2
    # table and key columns are constants of the kinds, never user input.
    sql = (
        f"SELECT DISTINCT i.idx FROM unnest($1::int[], {arrays}, ${ext}::text[])"  # noqa: S608
        f" AS i(idx, {', '.join(aliases)}, ext) JOIN {table.name} t ON "
        + " AND ".join(f"t.{col} = i.{alias}" for col, alias in zip(key.columns, aliases, strict=True))
        + f" WHERE t.external_system IS DISTINCT FROM ${ext + 1} OR t.external_id IS DISTINCT FROM i.ext"
    )
    found = await ctx.conn.fetch(
        sql,
        [i for i, _ in keyed],
        *([k[n] for _, k in keyed] for n in range(len(cols))),
        [field_of(items[i], "external_id") for i, _ in keyed],
        ctx.system,
    )
    for r in found:
        ctx.error(r[0], key.field, key.taken)
