"""The report engine: a report is a definition plus one SQL-first query function.

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
3. *Registration*: `registry.register(definition)` in the report's module, and the module is
   imported in `api/services/reports/registry.py::load_all`.

Filters (`FILTERS`) are parsed and checked by the engine before the query runs, within the
caller's scope: unknown ids or ids outside the scope answer 404, malformed values or a date range
upside down answer 422, both naming the field. The query reads the resolved values from
`ctx.filters` (`AppliedFilters`): `body_id`, `region_id`, `district_id`, `org_type_id`,
`organization_id`, `period` (a `PeriodInfo` with dates), `report_date`, `date_from`, `date_to`,
`class_id`, `teacher_id`, `subject_id`.

Rendering is the engine's job only: `render_json`, `xlsx.build_workbook`, `printing.render_html`.
No report writes its own export code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ARRAY, ColumnElement, Integer, Select, and_, bindparam, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.db import replica_data_as_of
from api.errors import InvalidInput, NotFound
from api.models import (
    AcademicYear,
    District,
    Organization,
    OrganizationType,
    Period,
    Person,
    Region,
    SchoolClass,
    StaffPost,
    Subject,
)
from api.schemas.dates import FIRST_DATE, LAST_DATE
from api.services.reports import localtime
from api.services.scope import Principal

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
            o.path.contains(bindparam("scope_root", values["scope_root"], type_=ARRAY(Integer))),
            o.kind == "school",
            o.closed_on.is_(None),  # a closed school keeps its history but leaves the current reports
        ]
        if "f_body" in values:
            conds.append(o.path.contains(bindparam("f_body", values["f_body"], type_=ARRAY(Integer))))
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


# --- filter parsing -------------------------------------------------------------------------------


async def resolve_filters(
    session: AsyncSession,
    principal: Principal,
    definition: ReportDefinition,
    params: ReportParams,
    lang: str,
    *,
    require_organization: bool = True,
) -> AppliedFilters:
    """Check every filter value against the caller's scope; 404 for ids not found there, 422 for bad values.

    `require_organization=False` (the filter options): a report about one organization answers without one, so
    that the organization can be chosen through the cascade.
    """
    allowed = set(definition.filters)
    f = AppliedFilters()
    root = principal.organization_id
    in_scope = Organization.path.contains([root])

    def label(name: str) -> str:
        return FILTER_LABELS[name].get(lang) or FILTER_LABELS[name]["ru"]

    def unsupported(name: str) -> None:
        if getattr(params, name) is not None and name not in allowed:
            raise InvalidInput(name, f"the report {definition.id} has no such filter")

    for name in FILTERS:
        unsupported(name)

    def lname(ru: Any, kk: Any, en: Any = None) -> str:
        if lang == "kk" and kk:
            return str(kk)
        if lang == "en" and en:
            return str(en)
        return str(ru)

    if params.body_id is not None:
        row = (
            await session.execute(
                select(Organization.name_ru, Organization.name_kk).where(
                    Organization.id == params.body_id, in_scope, Organization.kind != "school"
                )
            )
        ).first()
        if row is None:
            raise NotFound(f"body_id: managing organization {params.body_id} not found", details=_d("body_id"))
        f.body_id = params.body_id
        f.names.append({"id": "body_id", "label": label("body_id"), "value": f.body_id, "name": lname(*row)})

    if params.region_id is not None:
        row = (
            await session.execute(
                select(Region.name_ru, Region.name_kk).where(
                    Region.id == params.region_id,
                    select(Organization.id)
                    .where(in_scope, Organization.region_id == Region.id, Organization.kind == "school")
                    .exists(),
                )
            )
        ).first()
        if row is None:
            raise NotFound(f"region_id: region {params.region_id} not found", details=_d("region_id"))
        f.region_id = params.region_id
        f.names.append({"id": "region_id", "label": label("region_id"), "value": f.region_id, "name": lname(*row)})

    if params.district_id is not None:
        drow = (
            await session.execute(
                select(District.name_ru, District.name_kk, District.region_id).where(
                    District.id == params.district_id,
                    select(Organization.id)
                    .where(in_scope, Organization.district_id == District.id, Organization.kind == "school")
                    .exists(),
                )
            )
        ).first()
        if drow is None:
            raise NotFound(f"district_id: district {params.district_id} not found", details=_d("district_id"))
        if f.region_id is not None and drow.region_id != f.region_id:
            raise InvalidInput("district_id", f"district {params.district_id} is not in region {f.region_id}")
        f.district_id = params.district_id
        f.names.append(
            {
                "id": "district_id",
                "label": label("district_id"),
                "value": f.district_id,
                "name": lname(drow[0], drow[1]),
            }
        )

    if params.org_type_id is not None:
        trow = (
            await session.execute(
                select(OrganizationType.name_ru, OrganizationType.name_kk, OrganizationType.name_en).where(
                    OrganizationType.id == params.org_type_id
                )
            )
        ).first()
        if trow is None:
            raise NotFound(f"org_type_id: organization type {params.org_type_id} not found", details=_d("org_type_id"))
        f.org_type_id = params.org_type_id
        f.names.append(
            {"id": "org_type_id", "label": label("org_type_id"), "value": f.org_type_id, "name": lname(*trow)}
        )

    if params.organization_id is not None:
        orow = (
            await session.execute(
                select(
                    Organization.name_ru,
                    Organization.name_kk,
                    Organization.region_id,
                    Organization.district_id,
                    Organization.type_id,
                    Organization.path,
                ).where(Organization.id == params.organization_id, in_scope, Organization.kind == "school")
            )
        ).first()
        if orow is None:
            raise NotFound(
                f"organization_id: organization {params.organization_id} not found", details=_d("organization_id")
            )
        for fname, have, want in (
            ("region_id", orow.region_id, f.region_id),
            ("district_id", orow.district_id, f.district_id),
            ("org_type_id", orow.type_id, f.org_type_id),
        ):
            if want is not None and have != want:
                raise InvalidInput("organization_id", f"organization {params.organization_id} does not match {fname}")
        if f.body_id is not None and f.body_id not in orow.path:
            raise InvalidInput("organization_id", f"organization {params.organization_id} is not under body_id")
        f.organization_id = params.organization_id
        f.names.append(
            {
                "id": "organization_id",
                "label": label("organization_id"),
                "value": f.organization_id,
                "name": lname(orow[0], orow[1]),
            }
        )
    elif definition.requires_organization and require_organization:
        raise InvalidInput("organization_id", "the report is about one organization: choose it")

    if params.period_id is not None:
        prow = (
            await session.execute(
                select(
                    Period.id,
                    Period.name_ru,
                    Period.name_kk,
                    Period.name_en,
                    Period.kind,
                    Period.starts_on,
                    Period.ends_on,
                    AcademicYear.name,
                )
                .join(AcademicYear, AcademicYear.id == Period.academic_year_id)
                .where(Period.id == params.period_id)
            )
        ).first()
        if prow is None:
            raise NotFound(f"period_id: period {params.period_id} not found", details=_d("period_id"))
        pname = f"{lname(prow.name_ru, prow.name_kk, prow.name_en)} {prow.name}"
        f.period = PeriodInfo(prow.id, pname, prow.kind, prow.starts_on, prow.ends_on)
        f.names.append({"id": "period_id", "label": label("period_id"), "value": prow.id, "name": pname})

    for name in ("date", "date_from", "date_to"):
        value = getattr(params, name)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise InvalidInput(name, f"must be between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}")
    if params.date is not None:
        f.report_date = params.date
    if "date" in allowed:
        f.names.append(
            {"id": "date", "label": label("date"), "value": f.report_date.isoformat(), "name": _fmt(f.report_date)}
        )
    if params.date_from is not None and params.date_to is not None and params.date_from > params.date_to:
        raise InvalidInput("date_from", "the date range is upside down: date_from is after date_to")
    for name in ("date_from", "date_to"):
        value = getattr(params, name)
        if value is not None:
            setattr(f, name, value)
            f.names.append({"id": name, "label": label(name), "value": value.isoformat(), "name": _fmt(value)})

    await _resolve_school_filters(session, principal, f, params, label, lname)
    return f


async def _resolve_school_filters(
    session: AsyncSession,
    principal: Principal,
    f: AppliedFilters,
    params: ReportParams,
    label: Callable[[str], str],
    lname: Callable[..., str],
) -> None:
    """class_id / teacher_id / subject_id: they must belong to the chosen organization (in scope)."""
    in_scope = Organization.id.in_(
        select(Organization.id).where(Organization.path.contains([principal.organization_id]))
    )
    if params.class_id is not None:
        if f.organization_id is None:
            raise InvalidInput("class_id", "choose organization_id first")
        crow = (
            await session.execute(
                select(SchoolClass.grade, SchoolClass.letter).where(
                    SchoolClass.id == params.class_id,
                    SchoolClass.organization_id == f.organization_id,
                    SchoolClass.organization_id.in_(select(Organization.id).where(in_scope)),
                )
            )
        ).first()
        if crow is None:
            raise NotFound(f"class_id: class {params.class_id} not found", details=_d("class_id"))
        f.class_id = params.class_id
        f.names.append(
            {"id": "class_id", "label": label("class_id"), "value": f.class_id, "name": f"{crow[0]}{crow[1]}"}
        )
    if params.teacher_id is not None:
        if f.organization_id is None:
            raise InvalidInput("teacher_id", "choose organization_id first")
        prow = (
            await session.execute(
                select(Person.surname, Person.first_name, Person.patronymic).where(
                    Person.id == params.teacher_id,
                    select(StaffPost.id)
                    .where(StaffPost.person_id == Person.id, StaffPost.organization_id == f.organization_id)
                    .exists(),
                )
            )
        ).first()
        if prow is None:
            raise NotFound(f"teacher_id: teacher {params.teacher_id} not found", details=_d("teacher_id"))
        f.teacher_id = params.teacher_id
        name = " ".join(p for p in prow if p)
        f.names.append({"id": "teacher_id", "label": label("teacher_id"), "value": f.teacher_id, "name": name})
    if params.subject_id is not None:
        srow = (
            await session.execute(
                select(Subject.name_ru, Subject.name_kk, Subject.name_en).where(
                    Subject.id == params.subject_id,
                    (Subject.organization_id.is_(None)) | (Subject.organization_id == f.organization_id),
                )
            )
        ).first()
        if srow is None:
            raise NotFound(f"subject_id: subject {params.subject_id} not found", details=_d("subject_id"))
        f.subject_id = params.subject_id
        f.names.append({"id": "subject_id", "label": label("subject_id"), "value": f.subject_id, "name": lname(*srow)})


def _d(field_name: str) -> list[dict[str, str]]:
    return [{"field": field_name, "message": "not found in your organizations"}]


def _fmt(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")


def applied(name: str, value: Any, display: str, lang: str) -> dict[str, Any]:
    """An entry of the applied filters (for defaults a query chooses itself)."""
    return {"id": name, "label": t(FILTER_LABELS[name], lang), "value": value, "name": display}


def fmt_date(d: dt.date) -> str:
    """A date as dd.mm.yyyy."""
    return _fmt(d)


FILTER_LABELS: dict[str, Text] = {
    "body_id": {"ru": "Организация", "kk": "Ұйым", "en": "Organization"},
    "region_id": {"ru": "Регион отчёта", "kk": "Есеп өңірі", "en": "Region"},
    "district_id": {"ru": "Район", "kk": "Аудан", "en": "District"},
    "org_type_id": {"ru": "Тип организации", "kk": "Ұйым түрі", "en": "Organization type"},
    "organization_id": {"ru": "Образовательная организация", "kk": "Білім беру ұйымы", "en": "School"},
    "period_id": {"ru": "Период", "kk": "Кезең", "en": "Period"},
    "date": {"ru": "Дата отчёта", "kk": "Есеп күні", "en": "Report date"},
    "date_from": {"ru": "С", "kk": "Бастап", "en": "From"},
    "date_to": {"ru": "По", "kk": "Дейін", "en": "To"},
    "class_id": {"ru": "Класс", "kk": "Сынып", "en": "Class"},
    "teacher_id": {"ru": "Учитель", "kk": "Мұғалім", "en": "Teacher"},
    "subject_id": {"ru": "Предмет", "kk": "Пән", "en": "Subject"},
}


# --- running and rendering ------------------------------------------------------------------------


@dataclass
class RenderedReport:
    """A report run: the definition, the context, its columns and the query result."""

    definition: ReportDefinition
    ctx: ReportContext
    columns: list[Col]
    result: ReportResult

    @property
    def leaves(self) -> list[Col]:
        """Leaf columns in order."""
        return [leaf for c in self.columns for leaf in c.leaves()]

    @property
    def title(self) -> str:
        """Title in the asked language."""
        return t(self.definition.title, self.ctx.lang)

    @property
    def count_label(self) -> str | None:
        """«Всего N ОУ» in the asked language."""
        label = self.definition.count_label
        if self.definition.view_count_labels and self.ctx.view in self.definition.view_count_labels:
            label = self.definition.view_count_labels[self.ctx.view]
        if label is None:
            return None
        return plural_forms(t(label, self.ctx.lang), self.result.count).format(n=self.result.count)

    @property
    def view_title(self) -> str | None:
        """The chosen view's title."""
        for v in self.definition.views:
            if v.id == self.ctx.view:
                return t(v.title, self.ctx.lang)
        return None


async def run_report(
    session: AsyncSession,
    principal: Principal,
    definition: ReportDefinition,
    params: ReportParams,
    *,
    unpaged: bool = False,
) -> RenderedReport:
    """Check the filters, run the query function and number the rows."""
    lang = params.lang if params.lang in LANGS else "ru"
    view = params.view
    if definition.views:
        ids = [v.id for v in definition.views]
        if view is None:
            view = ids[0]
        elif view not in ids:
            raise InvalidInput("view", f"unknown view {view!r}; one of {', '.join(ids)}")
    elif view is not None:
        raise InvalidInput("view", f"the report {definition.id} has no views")
    if params.page < 1:
        raise InvalidInput("page", "must be 1 or more")
    if not 1 <= params.page_size <= 1000:
        raise InvalidInput("page_size", "must be between 1 and 1000")
    filters = await resolve_filters(session, principal, definition, params, lang)
    ctx = ReportContext(session, principal, definition, lang, view, filters, params.page, params.page_size, unpaged)
    result = await definition.query(ctx)
    if result.data_as_of is None:
        # The aggregates change in the writing transactions themselves: what this read sees is current now, or, on
        # a standby, as of the last commit it has replayed.
        result.data_as_of = await replica_data_as_of(session) or localtime.now()
    result.data_as_of = localtime.local(result.data_as_of)
    if definition.numbered:
        no = ctx.offset
        for row in result.rows:
            if row.get("_kind") in (None, "row"):
                no += 1
                row["no"] = no
    return RenderedReport(definition, ctx, definition.column_tree(ctx), result)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def column_json(col: Col, lang: str) -> dict[str, Any]:
    """A column of the tree as JSON."""
    out: dict[str, Any] = {"id": col.id, "title": t(col.title, lang), "kind": col.kind}
    out["children"] = [column_json(c, lang) for c in col.children]
    return out


def render_json(rep: RenderedReport) -> dict[str, Any]:
    """The JSON body of GET /reports/{id}."""
    d, lang, res = rep.definition, rep.ctx.lang, rep.result
    rows = [{k: _jsonable(v) for k, v in row.items()} for row in res.rows]
    body: dict[str, Any] = {
        "id": d.id,
        "title": rep.title,
        "view": rep.ctx.view,
        "views": [{"id": v.id, "title": t(v.title, lang)} for v in d.views],
        "filters": rep.ctx.filters.names,
        "count": res.count,
        "count_label": rep.count_label,
        "columns": [column_json(c, lang) for c in rep.columns],
        "rows": rows,
        "totals": {k: _jsonable(v) for k, v in res.totals.items()} if res.totals is not None else None,
        "methodology": t(d.methodology, lang),
        "no_data": t(NO_DATA, lang),
        "not_taught": NOT_TAUGHT,
        "not_taught_legend": t(NOT_TAUGHT_LEGEND, lang),
        "data_as_of": _jsonable(res.data_as_of),
        "time_zone": localtime.TIME_ZONE,
        "chart": None,
        "page": None,
    }
    if d.paginated:
        body["page"] = {
            "page": rep.ctx.page,
            "page_size": rep.ctx.page_size,
            "total_rows": res.total_rows if res.total_rows is not None else len(rows),
        }
    if res.chart is not None:
        body["chart"] = dict(res.chart)
    elif d.chart is not None:
        body["chart"] = {"type": d.chart.type, "x": d.chart.x, "series": list(d.chart.series)}
    if body["chart"] is not None and "series_labels" not in body["chart"]:
        body["chart"]["series_labels"] = series_labels(rep, body["chart"].get("series", []))
    return body


def series_labels(rep: RenderedReport, series: Sequence[str]) -> dict[str, str]:
    """Each chart series' name in the asked language: the report's label for it, else its column's title."""
    lang = rep.ctx.lang
    labels = rep.definition.chart.labels if rep.definition.chart is not None else {}
    titles = {leaf.id: leaf.title for leaf in rep.leaves}
    out: dict[str, str] = {}
    for sid in series:
        text = labels.get(sid) or titles.get(sid)
        out[sid] = t(text, lang) if text is not None else sid
    return out


def has_not_taught(rows: Sequence[dict[str, Any]]) -> bool:
    """Whether any row has a «не преподаётся» cell (then the legend is shown)."""
    return any(row.get("_na") for row in rows)


def plural_forms(text: str, n: int) -> str:
    """Pick the Russian plural form in «{a|b|c}» (1 муниципалитет, 2 муниципалитета, 5 муниципалитетов)."""
    start = text.find("{")
    while start >= 0 and text[start : start + 3] == "{n}":
        start = text.find("{", start + 1)
    if start < 0 or "|" not in text[start:]:
        return text
    end = text.index("}", start)
    forms = text[start + 1 : end].split("|")
    if n % 10 == 1 and n % 100 != 11:
        form = forms[0]
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        form = forms[1]
    else:
        form = forms[-1]
    return text[:start] + form + text[end + 1 :]


def percent(part: int | None, whole: int | None) -> int | None:
    """Truncated percentage (1056 of 1772 → 59); None when the whole is zero or unknown."""
    if part is None or not whole:
        return None
    return (100 * part) // whole


def total_label_row(first_col: str, lang: str) -> dict[str, Any]:
    """A totals row with «Всего» in the first text column."""
    return {first_col: t(TOTAL, lang)}


def lit_true() -> ColumnElement[bool]:
    """A literal TRUE (for optional conditions)."""
    return literal(True)


__all__ = [
    "CASCADE",
    "FILTERS",
    "NOT_TAUGHT",
    "NOT_TAUGHT_LEGEND",
    "NO_DATA",
    "TOTAL",
    "AppliedFilters",
    "ChartSpec",
    "Col",
    "ReportContext",
    "ReportDefinition",
    "ReportParams",
    "ReportResult",
    "RenderedReport",
    "Select",
    "View",
    "percent",
    "render_json",
    "resolve_filters",
    "run_report",
    "t",
]
