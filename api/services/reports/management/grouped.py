"""What the management reports share: views, the grouped statement with GROUPING SETS and the distinct-person
corrections, the bind parameters, and the definition of a management report.

All four reports read only the `rpt_*` aggregates (see `../aggregates.py`), join the organization tree at query
time and compute rows and the totals row in one statement with GROUPING SETS. Where one person (or
visitor) can be counted in two rows, the overcount is subtracted using only the multi-organization
persons and visitors, so that totals count distinct people.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, bindparam, func, literal, select, tuple_

from api.models import District
from api.models.aggregates import CATEGORY_RANKS, ROLE_BITS, ReportOrgPeople, ReportPersonOrg
from api.services.reports.engine import (
    CASCADE,
    TOTAL,
    Col,
    QueryFn,
    ReportContext,
    ReportDefinition,
    ReportResult,
    Text,
    View,
    t,
)
from api.services.reports.kit import T

VIEWS = (
    View("districts", T("По ОУО", "БББ бойынша", "By district")),
    View("all", T("По всем ОУ", "Барлық БҰ бойынша", "All organizations")),
)
COUNT_LABELS: dict[str, Text] = {
    "districts": T(
        "Всего {n} {муниципалитет|муниципалитета|муниципалитетов}", "Барлығы {n} муниципалитет", "Total: {n} districts"
    ),
    "all": T("Всего {n} ОУ", "Барлығы {n} БҰ", "Total: {n} organizations"),
}
NAME_TITLES: dict[str, Text] = {
    "districts": T(
        "Район/город областного значения", "Аудан/облыстық маңызы бар қала", "District / city of regional significance"
    ),
    "all": T("Образовательная организация", "Білім беру ұйымы", "Organization"),
}


def sum_of(col: Any, label: str) -> Any:
    return func.coalesce(func.sum(col), 0).label(label)


def group_key(ctx: ReportContext, schools: Any) -> ColumnElement[Any]:
    """The row key: the district («По ОУО») or the organization («По всем ОУ»)."""
    return schools.c.id if ctx.view == "all" else schools.c.district_id


def key_columns(key: ColumnElement[Any]) -> list[Any]:
    """The row key `k` and `g` (1 on the totals row) of a statement grouped by GROUPING SETS over `key`."""
    return [key.label("k"), func.grouping(key).label("g")]


def overcount(inner: Any, names: Iterable[str], name: str) -> Any:
    """Subquery (k, g, x_<measure>) from per-entity counts by row: how many times a row counts an entity more than
    once (a person or visitor of several organizations of the row), to subtract from the row's sum."""
    excess = [func.sum(func.greatest(inner.c[n] - 1, 0)).label(f"x_{n}") for n in names]
    return select(inner.c.k, inner.c.g, *excess).group_by(inner.c.k, inner.c.g).subquery(name)


def _on_row(sub: Any, main: Any) -> ColumnElement[bool]:
    return and_(sub.c.g == main.c.g, sub.c.k.is_not_distinct_from(main.c.k))


# Built statements by request shape (report, view, language, which filters are set): building the
# SQLAlchemy expression costs more Python time than running it, so each shape is built once.
_STATEMENTS: dict[tuple[Any, ...], tuple[Any, list[str]]] = {}
Parts = Callable[[Any], tuple[Any, list[Any], list[Any]]]


def _build_grouped(ctx: ReportContext, parts: Parts) -> tuple[Any, list[str]]:
    schools = ctx.schools()
    from_clause, measures, corrections = parts(schools)
    key = group_key(ctx, schools)
    if ctx.view == "all":
        name: Any = ctx.school_name(schools)
    else:
        from_clause = from_clause.outerjoin(District, District.id == schools.c.district_id)
        name = ctx.name_col(District)
    main = (
        select(
            *key_columns(key),
            func.count().label("schools"),
            func.min(name).label("name"),
            *measures,
        )
        .select_from(from_clause)
        .group_by(func.grouping_sets(tuple_(key), tuple_()))
        .subquery("main")
    )
    stmt = select(main)
    joined: Any = main
    for corr in corrections:
        stmt = stmt.add_columns(*[c for c in corr.c if c.name.startswith("x_")])
        joined = joined.outerjoin(corr, _on_row(corr, main))
    return stmt.select_from(joined), [m.name for m in measures]


async def run_grouped(
    ctx: ReportContext, parts: Parts, params: dict[str, Any], derive: Callable[[dict[str, Any]], None]
) -> ReportResult:
    """One statement: measures summed per row key and for the total (GROUPING SETS), the row names, and the
    distinct-person corrections (columns `x_<measure>`, subtracted here); then `derive` (the derived measures:
    %, averages) on every row and the totals, named «Всего» in the asked language.

    `parts(schools)` returns (FROM clause starting at `schools`, labelled measures, correction subqueries);
    report values go in as named bind parameters (`params`), so the built statement is reused."""
    shape = ctx.shape()
    built = _STATEMENTS.get(shape)
    if built is None:
        built = _STATEMENTS[shape] = _build_grouped(ctx, parts)
    stmt, names = built
    records = (await ctx.session.execute(stmt, {**ctx.bind_values(), **params})).all()
    rows: list[dict[str, Any]] = []
    totals: dict[str, Any] | None = None
    for r in records:
        values = r._mapping
        row: dict[str, Any] = {n: int(values[n] or 0) - int(values.get(f"x_{n}") or 0) for n in names}
        if r.g == 0:
            row["_key"] = r.k
            row["name"] = r.name if r.k is not None else None
            if ctx.view == "all":
                row["_links"] = {"name": f"/organizations/{r.k}"}
            rows.append(row)
        elif r.schools:
            totals = row
    rows.sort(key=lambda r: ((r["name"] or "\uffff").casefold(), r["_key"] or 0))
    for row in [*rows, *([totals] if totals else [])]:
        derive(row)
    if totals is not None:
        totals["name"] = t(TOTAL, ctx.lang)
    return ReportResult(rows=rows, count=len(rows), totals=totals)


def name_column(ctx: ReportContext) -> Col:
    """The first column: the district or the organization, as the view groups the rows."""
    return Col("name", NAME_TITLES[ctx.view or "districts"])


# The report day, a named bind parameter of the built statements (see `run_grouped`).
DAY = bindparam("report_day", type_=Date)


def person_flag(name: str) -> ColumnElement[bool]:
    m = ReportPersonOrg
    flags: dict[str, Any] = {
        "true": literal(True),
        "registered": m.registered,
        "is_staff": m.is_staff,
        "is_staff_reg": and_(m.is_staff, m.registered),
        "is_student": m.is_student,
        "is_student_reg": and_(m.is_student, m.registered),
        "is_parent": m.is_parent,
        "is_parent_reg": and_(m.is_parent, m.registered),
    }
    if name in flags:
        return flags[name]
    if name.startswith("role:"):
        return m.staff_roles.op("&")(ROLE_BITS[name[5:]]) != 0
    if name.startswith("cat:"):
        return and_(m.is_staff, m.category_rank == CATEGORY_RANKS[name[4:]])
    if name == "with_category":
        return and_(m.is_staff, m.category_rank >= CATEGORY_RANKS["pedagogue"])
    raise KeyError(name)


def person_corrections(ctx: ReportContext, schools: Any, flags: dict[str, str]) -> Any:
    """Subquery (k, g, x_<measure>): overcount of persons who belong to several organizations of a row."""
    key = group_key(ctx, schools)
    m = ReportPersonOrg
    inner = (
        select(
            *key_columns(key),
            m.person_id,
            *[func.count().filter(person_flag(flag)).label(out) for out, flag in flags.items()],
        )
        .select_from(m)
        .join(schools, schools.c.id == m.organization_id)
        .where(m.multi, m.valid_from <= DAY, m.valid_to >= DAY)
        .group_by(func.grouping_sets(tuple_(key, m.person_id), tuple_(m.person_id)))
        .subquery("multi_persons")
    )
    return overcount(inner, flags, "person_corrections")


def people_on_day(schools: Any, columns: list[str]) -> Any:
    """LATERAL: a school's membership counts on the report day = the sum of their changes on days ≤ it
    (`rpt_org_people`, migration 0311_reports): an index range per school."""
    po = ReportOrgPeople
    return (
        select(*[func.sum(getattr(po, c)).label(c) for c in columns])
        .where(po.organization_id == schools.c.id, po.day <= DAY)
        .lateral("people")
    )


def definition(
    id: str, title: Text, columns: Any, methodology: Text, query: QueryFn, filters: tuple[str, ...]
) -> ReportDefinition:
    """A management report: the cascade filters plus `filters`, the two views, counted by district or organization."""
    return ReportDefinition(
        id=id,
        title=title,
        section="management",
        filters=CASCADE + filters,
        views=VIEWS,
        columns=columns,
        methodology=methodology,
        query=query,
        count_label=None,
        view_count_labels=COUNT_LABELS,
    )
