"""The report engine's types: a report is a definition plus one SQL-first query function.

How a report is built
---------------------
1. A *definition* (`ReportDefinition`): `id` (stable slug), `title` (ru/kk/en), `section`
   (`"management"` or `"school"`), the `filters` it takes (names from `FILTERS`), its `views`,
   a column tree (`Col`, groups have `children`; leaves carry a `kind` that says how a value is
   rendered), the `methodology` text (ru/kk/en), the `count_label` («Всего {n} ОУ»), and flags:
   `numbered` (the engine adds the «№» column), `paginated` (long lists: the engine passes
   `ctx.limit` / `ctx.offset` and the query returns `total_rows`), `chart` (a `ChartSpec` naming
   the x column and the series columns the SPA draws beside the table).
2. A *query function* `async def query(ctx: ReportContext) -> ReportResult`, written SQL-first in
   SQLAlchemy Core. It must start from `ctx.schools()` (the organizations inside the caller's
   scope narrowed by the cascade filters) or otherwise apply `ctx.scope_condition(column)` so that
   nothing outside the caller's subtree is read. It returns rows as dicts keyed by leaf column ids
   (values: `str`, `int`, `float`, `Decimal`, or `None` for «нет данных»), optional `totals`, the
   `count` for the count line, and may add meta keys starting with `_` to a row (`_kind`:
   `"subtotal"` for subtotal lines, `_links`: `{column_id: href}`).
3. *Listing*: the definition is named in `api/services/reports/catalogue.py` (nothing registers itself on import).

Filters (`FILTERS`) are parsed and checked by the engine before the query runs, within the
caller's scope: unknown ids or ids outside the scope answer 404, malformed values or a date range
upside down answer 422, both naming the field. The query reads the resolved values from
`ctx.filters` (`AppliedFilters`): `body_id`, `region_id`, `district_id`, `org_type_id`,
`organization_id`, `period` (a `PeriodInfo` with dates), `report_date`, `date_from`, `date_to`,
`class_id`, `teacher_id`, `subject_id`.

The engine is split by job: `types` (this module), `filters` (checking the request's filter values), `run`
(`run_report`) and `render` (JSON). Rendering is the engine's job only: `render_json`, `xlsx.build_workbook`,
`printing.render_html`. No report writes its own export code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import ColumnElement, Integer, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Organization
from api.services.reports import localtime
from api.services.scope import Principal, in_subtree

Lang = Literal["ru", "kk", "en"]
LANGS: tuple[str, ...] = ("ru", "kk", "en")
Text = dict[str, str]  # {"ru": ..., "kk": ..., "en": ...}

NO_DATA: Text = {"ru": "нет данных", "kk": "деректер жоқ", "en": "no data"}
TOTAL: Text = {"ru": "Всего", "kk": "Барлығы", "en": "Total"}
NUMBER: Text = {"ru": "№", "kk": "№", "en": "No."}
# «не преподаётся»: a cell of a class × subject matrix where the class has no such subject (no assignment),
# as distinct from «нет данных» (the subject is taught, the figure is missing). A row lists such cells in `_na`.
NOT_TAUGHT = "—"
NOT_TAUGHT_LEGEND: Text = {
    "ru": "— предмет не преподаётся в классе",
    "kk": "— пән сыныпта оқытылмайды",
    "en": "— subject not taught in the class",
}

ColumnKind = Literal["text", "int", "percent", "decimal", "lines"]


def t(text: Text, lang: str) -> str:
    """The text in the language asked, falling back to Russian."""
    return text.get(lang) or text["ru"]


@dataclass(frozen=True)
class Col:
    """A column of the header tree; a group when it has children, else a leaf keyed by `id`."""

    id: str
    title: Text
    kind: ColumnKind = "text"
    children: tuple[Col, ...] = ()

    def leaves(self) -> list[Col]:
        """The leaf columns under this one (itself when it is a leaf)."""
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def depth(self) -> int:
        """Header rows this column takes."""
        return 1 + max((c.depth() for c in self.children), default=0)


@dataclass(frozen=True)
class View:
    """A form of the report (tab), e.g. «По всем ОУ» / «ОУ по типам»."""

    id: str
    title: Text


@dataclass(frozen=True)
class ChartSpec:
    """Chart data declared by a report: the SPA draws `series` columns against the `x` column."""

    type: Literal["line", "bar"]
    x: str
    series: tuple[str, ...]
    # Names of series that are not table columns (a column's series is named by its title), e.g. «Посетители».
    labels: dict[str, Text] = field(default_factory=dict)


# Every filter a report may declare; the engine parses and checks them.
FILTERS: dict[str, str] = {
    "body_id": "managing organization (ОУО) whose subtree is reported",
    "region_id": "region",
    "district_id": "district or city of regional significance",
    "org_type_id": "organization type",
    "organization_id": "educational organization",
    "period_id": "academic period (quarter or year)",
    "date": "report date (default today)",
    "date_from": "start of a date range",
    "date_to": "end of a date range",
    "class_id": "class of the organization",
    "teacher_id": "teacher (person) of the organization",
    "subject_id": "subject",
}
CASCADE = ("body_id", "region_id", "district_id", "org_type_id", "organization_id")


@dataclass
class ReportResult:
    """What a query function returns; the engine renders it."""

    rows: list[dict[str, Any]]
    count: int
    totals: dict[str, Any] | None = None
    total_rows: int | None = None  # for paginated reports: rows across all pages
    chart: dict[str, Any] | None = None
    data_as_of: dt.datetime | None = None


@dataclass(frozen=True)
class PeriodInfo:
    """A resolved academic period."""

    id: int
    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass
class AppliedFilters:
    """Filter values after checking, with display names (in the asked language)."""

    body_id: int | None = None
    region_id: int | None = None
    district_id: int | None = None
    org_type_id: int | None = None
    organization_id: int | None = None
    period: PeriodInfo | None = None
    report_date: dt.date = field(default_factory=localtime.today)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    class_id: int | None = None
    teacher_id: int | None = None
    subject_id: int | None = None
    names: list[dict[str, Any]] = field(default_factory=list)  # [{id, label, value, name}]


@dataclass(frozen=True)
class ReportParams:
    """Raw filter values from the query string (already typed by the router)."""

    view: str | None = None
    lang: str = "ru"
    body_id: int | None = None
    region_id: int | None = None
    district_id: int | None = None
    org_type_id: int | None = None
    organization_id: int | None = None
    period_id: int | None = None
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    class_id: int | None = None
    teacher_id: int | None = None
    subject_id: int | None = None
    page: int = 1
    page_size: int = 100


QueryFn = Callable[["ReportContext"], Awaitable[ReportResult]]
ColumnsFn = Callable[["ReportContext"], Sequence[Col]]


@dataclass(frozen=True)
class ReportDefinition:
    """A report: id, titles, section, filters, views, a column tree, methodology and its query function."""

    id: str
    title: Text
    section: Literal["management", "school"]
    filters: tuple[str, ...]
    columns: Sequence[Col] | ColumnsFn
    methodology: Text
    query: QueryFn
    views: tuple[View, ...] = ()
    count_label: Text | None = None  # formatted with {n}
    view_count_labels: dict[str, Text] | None = None  # per view, when the rows differ by view
    numbered: bool = True
    paginated: bool = False
    chart: ChartSpec | None = None
    requires_organization: bool = False

    def column_tree(self, ctx: ReportContext) -> list[Col]:
        """The columns for this request (they may depend on the view), «№» first when numbered."""
        if ctx.columns is not None:  # columns that depend on the data (set by the query)
            cols = list(ctx.columns)
        else:
            cols = list(self.columns(ctx) if callable(self.columns) else self.columns)
        if self.numbered:
            cols.insert(0, Col("no", NUMBER, "int"))
        return cols


@dataclass
class ReportContext:
    """Everything a query function needs: session, caller, language, view and checked filters."""

    session: AsyncSession
    principal: Principal
    definition: ReportDefinition
    lang: str
    view: str | None
    filters: AppliedFilters
    page: int = 1
    page_size: int = 100
    unpaged: bool = False  # exports read every row
    columns: list[Col] | None = None  # a query may set columns that depend on the data (e.g. one per subject)

    @property
    def limit(self) -> int | None:
        """Rows per page for paginated reports (None: all rows)."""
        return None if self.unpaged or not self.definition.paginated else self.page_size

    @property
    def offset(self) -> int:
        """Offset of the page for paginated reports."""
        return 0 if self.unpaged or not self.definition.paginated else (self.page - 1) * self.page_size

    def name_col(self, model: Any) -> ColumnElement[str]:
        """The name column of a reference model in the asked language (falling back to Russian)."""
        ru = model.name_ru
        other = getattr(model, f"name_{self.lang}", None)
        if self.lang == "ru" or other is None:
            return ru
        return func.coalesce(func.nullif(other, ""), ru)

    def scope_condition(self, org_id_column: ColumnElement[Any]) -> ColumnElement[bool]:
        """WHERE condition: the row's organization is a school inside the caller's scope and the filters."""
        return org_id_column.in_(select(self.schools().c.id))

    def schools(self) -> Any:
        """Subquery of the schools (ОО) inside the caller's scope narrowed by the cascade filters.

        The values are named bind parameters (`bind_values()`), so a statement built on it may be cached
        per `shape()` and executed again with other values.
        """
        o = Organization
        values = self.bind_values()
        conds: list[ColumnElement[bool]] = [
            in_subtree(self.principal.organization_id, bind_as="scope_root"),
            o.kind == "school",
            o.closed_on.is_(None),  # a closed school keeps its history but leaves the current reports
        ]
        if "f_body" in values:
            conds.append(in_subtree(values["f_body"][0], bind_as="f_body"))
        for key, column in (
            ("f_region", o.region_id),
            ("f_district", o.district_id),
            ("f_type", o.type_id),
            ("f_org", o.id),
        ):
            if key in values:
                conds.append(column == bindparam(key, values[key], type_=Integer))
        return (
            select(
                o.id.label("id"),
                o.name_ru.label("name_ru"),
                func.coalesce(o.name_kk, o.name_ru).label("name_kk"),
                o.region_id.label("region_id"),
                o.district_id.label("district_id"),
                o.type_id.label("type_id"),
            )
            .where(and_(*conds))
            .subquery("schools")
        )

    def bind_values(self) -> dict[str, Any]:
        """Values of the bind parameters of `schools()` (only the filters that are set)."""
        f = self.filters
        values: dict[str, Any] = {"scope_root": [self.principal.organization_id]}
        if f.body_id is not None:
            values["f_body"] = [f.body_id]
        for key, value in (
            ("f_region", f.region_id),
            ("f_district", f.district_id),
            ("f_type", f.org_type_id),
            ("f_org", f.organization_id),
        ):
            if value is not None:
                values[key] = value
        return values

    def shape(self) -> tuple[Any, ...]:
        """What a statement built for this request depends on besides bind values: report, view, language,
        which cascade filters are set."""
        return (self.definition.id, self.view, self.lang, tuple(sorted(self.bind_values())))

    def school_name(self, schools: Any) -> ColumnElement[str]:
        """The school name column of `schools()` in the asked language (no English names are kept)."""
        return schools.c.name_kk if self.lang == "kk" else schools.c.name_ru

    def text(self, value: Text) -> str:
        """A text of the definition in the asked language."""
        return t(value, self.lang)
