"""Management reports across many organizations: activity, staff composition, performance and attendance.

All four read only the `rpt_*` aggregates (see `aggregates.py`), join the organization tree at query
time and compute rows and the totals row in one statement with GROUPING SETS. Where one person (or
visitor) can be counted in two rows, the overcount is subtracted using only the multi-organization
persons and visitors, so that totals count distinct people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Date, Integer, and_, bindparam, case, func, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.models import District, Period
from api.models.aggregates import (
    CATEGORY_RANKS,
    ROLE_BITS,
    ReportMultiVisitor,
    ReportOrgDayAttendance,
    ReportOrgPeople,
    ReportOrgPeriodPerformance,
    ReportOrgVisitWindow,
    ReportPersonOrg,
    ReportVisitDay,
)
from api.services.membership import REPORT_DATE_TEXT, RULE_TEXT, TODAY_TEXT
from api.services.reports.aggregates import period_has_marks
from api.services.reports.engine import (
    TOTAL,
    Col,
    PeriodInfo,
    ReportContext,
    ReportDefinition,
    ReportResult,
    Text,
    View,
    applied,
    fmt_date,
    percent,
    t,
)

CASCADE_FILTERS = ("body_id", "region_id", "district_id", "org_type_id", "organization_id")
VIEWS = (
    View("districts", {"ru": "По ОУО", "kk": "БББ бойынша", "en": "By district"}),
    View("all", {"ru": "По всем ОУ", "kk": "Барлық БҰ бойынша", "en": "All organizations"}),
)
COUNT_LABELS: dict[str, Text] = {
    "districts": {
        "ru": "Всего {n} {муниципалитет|муниципалитета|муниципалитетов}",
        "kk": "Барлығы {n} муниципалитет",
        "en": "Total: {n} districts",
    },
    "all": {"ru": "Всего {n} ОУ", "kk": "Барлығы {n} БҰ", "en": "Total: {n} organizations"},
}
NAME_TITLES: dict[str, Text] = {
    "districts": {
        "ru": "Район/город областного значения",
        "kk": "Аудан/облыстық маңызы бар қала",
        "en": "District / city of regional significance",
    },
    "all": {"ru": "Образовательная организация", "kk": "Білім беру ұйымы", "en": "Organization"},
}


def _sum(col: Any, label: str) -> Any:
    return func.coalesce(func.sum(col), 0).label(label)


def group_key(ctx: ReportContext, schools: Any) -> ColumnElement[Any]:
    """The row key: the district («По ОУО») or the organization («По всем ОУ»)."""
    return schools.c.id if ctx.view == "all" else schools.c.district_id


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
            key.label("k"),
            func.grouping(key).label("g"),
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
    ctx: ReportContext, parts: Parts, params: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One statement: measures summed per row key and for the total (GROUPING SETS), the row names, and the
    distinct-person corrections (columns `x_<measure>`, subtracted here); returns (rows, totals).

    `parts(schools)` returns (FROM clause starting at `schools`, labelled measures, correction subqueries);
    report values go in as named bind parameters (`params`), so the built statement is reused."""
    shape = ctx.shape()
    built = _STATEMENTS.get(shape)
    if built is None:
        built = _STATEMENTS[shape] = _build_grouped(ctx, parts)
    stmt, names = built
    records = (await ctx.session.execute(stmt, {**ctx.bind_values(), **(params or {})})).all()
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
    return rows, totals


def _with_total_label(ctx: ReportContext, totals: dict[str, Any] | None) -> dict[str, Any] | None:
    if totals is not None:
        totals["name"] = t(TOTAL, ctx.lang)
    return totals


# --- activity --------------------------------------------------------------------------------------

ACTIVITY_METHODOLOGY: Text = {
    "ru": (
        "Источник: персоны и учётные записи подведомственных образовательных организаций и журнал визитов. "
        + RULE_TEXT["ru"]
        + " "
        + REPORT_DATE_TEXT["ru"]
        + " «Всего» — число различных персон; «Польз.» — из них зарегистрированные пользователи. Персона с "
        "несколькими ролями (учитель и родитель) считается один раз во «Всего» и "
        "«Польз.», но в каждой своей роли, поэтому сумма по ролям может превышать «Всего». "
        "% = Польз. / Всего × 100, дробная часть отбрасывается (1056 из 1772 = 59). "
        "Визиты: число различных пользователей, заходивших хотя бы раз за день, за 7 дней и за 30 дней, "
        "заканчивающихся датой отчёта (календарные дни по времени Астаны). Строка «Всего» считает различных "
        "людей: человек, относящийся к двум районам или организациям, в итоге учитывается один раз. "
        "Учитываются только образовательные организации. Данные обновляются в момент поступления."
    ),
    "kk": (
        "Дереккөз: бағынысты білім беру ұйымдарының персоналары, есептік жазбалары және кіру журналы. "
        + RULE_TEXT["kk"]
        + " "
        + REPORT_DATE_TEXT["kk"]
        + " «Барлығы» — әртүрлі персоналар саны; «Пайд.» — олардың ішінде тіркелген пайдаланушылар. Бірнеше "
        "рөлі бар персона (ата-ана болып табылатын мұғалім) «Барлығы» мен «Пайд.» бағандарында бір рет, ал әр "
        "рөлінде бір реттен есептеледі, сондықтан рөлдер бойынша қосынды «Барлығы»-дан асуы мүмкін. % = Пайд. / "
        "Барлығы × 100, бөлшек бөлігі алынып тасталады (1772-ден 1056 = 59). Кірулер: есеп күнімен аяқталатын "
        "күн, 7 күн және 30 күн ішінде кемінде бір рет кірген әртүрлі пайдаланушылар саны (Астана уақыты бойынша "
        "күнтізбелік күндер). «Барлығы» жолы әртүрлі адамдарды санайды: екі ауданға немесе ұйымға жататын адам "
        "қорытындыда бір рет есептеледі. Тек білім беру ұйымдары есептеледі. Деректер түскен сәтте жаңартылады."
    ),
    "en": (
        "Source: persons and accounts of the subordinate schools and the visit log. "
        + RULE_TEXT["en"]
        + " "
        + REPORT_DATE_TEXT["en"]
        + " «Total» counts distinct persons; «Users» those of them who are registered users. A person with "
        "several roles (a teacher who is a parent) counts once in Total and Users but once in each role, so the "
        "role columns may add up to more than Total. % = Users / Total × 100, truncated (1056 of 1772 = 59). "
        "Visits: distinct users who visited at least once during the day, the 7 days and the 30 days ending on the "
        "report date (calendar days in Astana time). The totals row counts distinct people: someone who belongs "
        "to two rows is counted once. Only educational organizations are counted. Data are updated as they arrive."
    ),
}


def _g(ru: str, kk: str, en: str) -> Text:
    return {"ru": ru, "kk": kk, "en": en}


ALL_T = _g("Всего", "Барлығы", "Total")
USERS_T = _g("Польз.", "Пайд.", "Users")


def activity_columns(ctx: ReportContext) -> list[Col]:
    """Three header rows as figure 7 of the manual."""
    view = ctx.view or "districts"
    return [
        Col("name", NAME_TITLES[view]),
        Col(
            "users",
            _g("Пользователи", "Пайдаланушылар", "Users"),
            children=(
                Col("persons", ALL_T, "int"),
                Col("registered", USERS_T, "int"),
                Col("pct", _g("%", "%", "%"), "percent"),
                Col(
                    "staff",
                    _g("Сотрудники", "Қызметкерлер", "Staff"),
                    children=(Col("staff_total", ALL_T, "int"), Col("staff_users", USERS_T, "int")),
                ),
                Col(
                    "students",
                    _g("Ученики", "Оқушылар", "Students"),
                    children=(Col("students_total", ALL_T, "int"), Col("student_users", USERS_T, "int")),
                ),
                Col(
                    "parents",
                    _g("Родители", "Ата-аналар", "Parents"),
                    children=(Col("parents_total", ALL_T, "int"), Col("parent_users", USERS_T, "int")),
                ),
            ),
        ),
        Col(
            "visits",
            _g("Визиты", "Кірулер", "Visits"),
            children=(
                Col("visits_day", _g("День", "Күн", "Day"), "int"),
                Col("visits_week", _g("Неделя", "Апта", "Week"), "int"),
                Col("visits_month", _g("Месяц", "Ай", "Month"), "int"),
            ),
        ),
    ]


PEOPLE_FIELDS = {
    "persons": ("persons", "true"),
    "registered": ("users", "registered"),
    "staff_total": ("staff", "is_staff"),
    "staff_users": ("staff_users", "is_staff_reg"),
    "students_total": ("students", "is_student"),
    "student_users": ("student_users", "is_student_reg"),
    "parents_total": ("parents", "is_parent"),
    "parent_users": ("parent_users", "is_parent_reg"),
}


def _person_flag(name: str) -> ColumnElement[bool]:
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
            key.label("k"),
            func.grouping(key).label("g"),
            m.person_id,
            *[func.count().filter(_person_flag(flag)).label(out) for out, flag in flags.items()],
        )
        .select_from(m)
        .join(schools, schools.c.id == m.organization_id)
        .where(m.multi, m.valid_from <= DAY, m.valid_to >= DAY)
        .group_by(func.grouping_sets(tuple_(key, m.person_id), tuple_(m.person_id)))
        .subquery("multi_persons")
    )
    return (
        select(inner.c.k, inner.c.g, *[func.sum(func.greatest(inner.c[o] - 1, 0)).label(f"x_{o}") for o in flags])
        .group_by(inner.c.k, inner.c.g)
        .subquery("person_corrections")
    )


DAY = bindparam("report_day", type_=Date)
WEEK_START = bindparam("week_start", type_=Date)
MONTH_START = bindparam("month_start", type_=Date)
PERIOD_ID = bindparam("period_id", type_=Integer)
PERIOD_ENDED = bindparam("period_ended", type_=Boolean)
DAY_FROM = bindparam("day_from", type_=Date)
DAY_TO = bindparam("day_to", type_=Date)


def visit_corrections(ctx: ReportContext, schools: Any) -> Any:
    """Subquery (k, g, x_visits_*): overcount of visitors counted for several organizations of a row."""
    key = group_key(ctx, schools)
    v = ReportVisitDay
    inner = (
        select(
            key.label("k"),
            func.grouping(key).label("g"),
            v.user_id,
            func.count(v.organization_id.distinct()).filter(v.day == DAY).label("visits_day"),
            func.count(v.organization_id.distinct()).filter(v.day >= WEEK_START).label("visits_week"),
            func.count(v.organization_id.distinct()).label("visits_month"),
        )
        .select_from(ReportMultiVisitor)
        .join(v, v.user_id == ReportMultiVisitor.user_id)
        .join(schools, schools.c.id == v.organization_id)
        .where(v.day.between(MONTH_START, DAY))
        .group_by(func.grouping_sets(tuple_(key, v.user_id), tuple_(v.user_id)))
        .subquery("multi_visitors")
    )
    names = ("visits_day", "visits_week", "visits_month")
    return (
        select(inner.c.k, inner.c.g, *[func.sum(func.greatest(inner.c[n] - 1, 0)).label(f"x_{n}") for n in names])
        .group_by(inner.c.k, inner.c.g)
        .subquery("visit_corrections")
    )


def people_on_day(schools: Any, columns: list[str]) -> Any:
    """LATERAL: a school's membership counts on the report day = the sum of their changes on days ≤ it
    (`rpt_org_people`, migration 0311_reports): an index range per school."""
    po = ReportOrgPeople
    return (
        select(*[func.sum(getattr(po, c)).label(c) for c in columns])
        .where(po.organization_id == schools.c.id, po.day <= DAY)
        .lateral("people")
    )


async def activity_query(ctx: ReportContext) -> ReportResult:
    """Persons, registered users by role and distinct visitors per district (or organization), with totals."""
    vw = ReportOrgVisitWindow
    day = ctx.filters.report_date

    def parts(schools: Any) -> tuple[Any, list[Any], list[Any]]:
        po = people_on_day(schools, [col for col, _ in PEOPLE_FIELDS.values()])
        return (
            schools.join(po, literal(True)).outerjoin(vw, and_(vw.organization_id == schools.c.id, vw.day == DAY)),
            [
                *[_sum(po.c[col], out) for out, (col, _) in PEOPLE_FIELDS.items()],
                _sum(vw.d1, "visits_day"),
                _sum(vw.d7, "visits_week"),
                _sum(vw.d30, "visits_month"),
            ],
            [
                person_corrections(ctx, schools, {k: flag for k, (_, flag) in PEOPLE_FIELDS.items()}),
                visit_corrections(ctx, schools),
            ],
        )

    params = {
        "report_day": day,
        "week_start": day - dt.timedelta(days=6),
        "month_start": day - dt.timedelta(days=29),
    }
    rows, totals = await run_grouped(ctx, parts, params)
    for row in [*rows, *([totals] if totals else [])]:
        row["pct"] = percent(row["registered"], row["persons"])
    return ReportResult(rows=rows, count=len(rows), totals=_with_total_label(ctx, totals))


# --- staff composition ----------------------------------------------------------------------------

ROLE_TITLES: dict[str, Text] = {
    "head": _g("Руководитель", "Басшы", "Head"),
    "deputy": _g("Заместитель", "Орынбасар", "Deputy"),
    "teacher": _g("Учитель", "Мұғалім", "Teacher"),
    "additional_teacher": _g("Педагог доп. образования", "Қосымша білім беру педагогі", "Additional education"),
    "psychologist": _g("Психолог", "Психолог", "Psychologist"),
    "social_pedagogue": _g("Социальный педагог", "Әлеуметтік педагог", "Social pedagogue"),
    "librarian": _g("Библиотекарь", "Кітапханашы", "Librarian"),
    "administrator": _g("Администратор", "Әкімші", "Administrator"),
    "specialist": _g("Специалист", "Маман", "Specialist"),
    "other": _g("Прочие", "Басқалар", "Other"),
}
CATEGORY_TITLES: dict[str, Text] = {
    "master": _g("Педагог-мастер", "Педагог-шебер", "Master"),
    "researcher": _g("Педагог-исследователь", "Педагог-зерттеуші", "Researcher"),
    "expert": _g("Педагог-эксперт", "Педагог-сарапшы", "Expert"),
    "moderator": _g("Педагог-модератор", "Педагог-модератор", "Moderator"),
    "pedagogue": _g("Педагог", "Педагог", "Pedagogue"),
    "none": _g("Без категории", "Санатсыз", "No category"),
}


def staff_columns(ctx: ReportContext) -> list[Col]:
    """Staff count, by role, by qualification category, % with a category."""
    view = ctx.view or "districts"
    return [
        Col("name", NAME_TITLES[view]),
        Col("staff", _g("Всего сотрудников", "Барлық қызметкерлер", "Staff"), "int"),
        Col(
            "roles",
            _g("По должностям", "Лауазымдар бойынша", "By role"),
            children=tuple(Col(f"r_{k}", v, "int") for k, v in ROLE_TITLES.items()),
        ),
        Col(
            "categories",
            _g("По квалификационным категориям", "Біліктілік санаттары бойынша", "By qualification category"),
            children=tuple(Col(f"c_{k}", v, "int") for k, v in CATEGORY_TITLES.items()),
        ),
        Col("pct_category", _g("% с категорией", "Санаты барлардың %", "% with a category"), "percent"),
    ]


STAFF_METHODOLOGY: Text = {
    "ru": (
        "Источник: должности сотрудников в подведомственных образовательных организациях. "
        + RULE_TEXT["ru"]
        + " "
        + TODAY_TEXT["ru"]
        + " «Всего сотрудников» — число различных персон. По должностям: персона с несколькими "
        "должностями (например, заместитель и учитель) учитывается в каждой из них, поэтому сумма может превышать "
        "«Всего». Категория персоны в организации — наивысшая из категорий её должностей там. «% с категорией» = "
        "персоны с категорией (педагог и выше) / всего сотрудников × 100, дробная часть отбрасывается. В строке "
        "«Всего» и в строках районов человек, работающий в нескольких организациях, учитывается один раз "
        "(в каждой своей должности и категории)."
    ),
    "kk": (
        "Дереккөз: бағынысты білім беру ұйымдарындағы қызметкерлердің лауазымдары. "
        + RULE_TEXT["kk"]
        + " "
        + TODAY_TEXT["kk"]
        + " «Барлық қызметкерлер» — әртүрлі персоналар саны. Лауазымдар бойынша: бірнеше лауазымы бар персона "
        "(мысалы, орынбасар әрі мұғалім) әрқайсысында есептеледі, сондықтан қосынды «Барлығы»-дан асуы мүмкін. "
        "Персонаның ұйымдағы санаты — ондағы лауазымдары санаттарының ең жоғарысы. «Санаты барлардың %» = санаты "
        "бар (педагог және одан жоғары) персоналар / барлық қызметкерлер × 100, бөлшек бөлігі алынып тасталады. "
        "«Барлығы» жолында және аудандар жолдарында бірнеше ұйымда жұмыс істейтін адам бір рет есептеледі (әр "
        "лауазымы мен санатында)."
    ),
    "en": (
        "Source: staff posts in the subordinate schools. "
        + RULE_TEXT["en"]
        + " "
        + TODAY_TEXT["en"]
        + " «Staff» counts distinct persons. By "
        "role: a person with several posts (a deputy who also teaches) counts in each, so roles may add up to more "
        "than Staff. A person's category in a school is the highest category among their posts there. «% with a "
        "category» = persons with a category (pedagogue or higher) / staff × 100, truncated. District rows and "
        "the totals row count a person working in several schools once (in each of their roles and categories)."
    ),
}


async def staff_query(ctx: ReportContext) -> ReportResult:
    """Staff by role and qualification category per district (or organization), with distinct totals."""
    role_cols = [f"r_{k}" for k in ROLE_BITS]
    cat_cols = [f"c_{k}" for k in CATEGORY_RANKS]
    flags = {"staff": "is_staff", "with_category": "with_category"}
    flags.update({f"r_{k}": f"role:{k}" for k in ROLE_BITS})
    flags.update({f"c_{k}": f"cat:{k}" for k in CATEGORY_RANKS})

    def parts(schools: Any) -> tuple[Any, list[Any], list[Any]]:
        po = people_on_day(schools, ["staff", *role_cols, *cat_cols])
        return (
            schools.join(po, literal(True)),
            [
                _sum(po.c.staff, "staff"),
                *[_sum(po.c[c], c) for c in role_cols + cat_cols],
                _sum(po.c.staff - po.c.c_none, "with_category"),
            ],
            [person_corrections(ctx, schools, flags)],
        )

    rows, totals = await run_grouped(ctx, parts, {"report_day": ctx.filters.report_date})
    for row in [*rows, *([totals] if totals else [])]:
        row["pct_category"] = percent(row.pop("with_category"), row["staff"])
    return ReportResult(rows=rows, count=len(rows), totals=_with_total_label(ctx, totals))


# --- performance ----------------------------------------------------------------------------------


def performance_columns(ctx: ReportContext) -> list[Col]:
    """Students by result and the performance indicators."""
    view = ctx.view or "districts"
    return [
        Col("name", NAME_TITLES[view]),
        Col("students", _g("Учеников", "Оқушылар", "Students"), "int"),
        Col("excellent", _g("Отличники", "Үздіктер", "Excellent («5»)"), "int"),
        Col("good", _g("Хорошисты", "Екпінділер", "Good («4» and «5»)"), "int"),
        Col("one_three", _g("С одной «3»", "Бір «3»-пен", "With one «3»"), "int"),
        Col("failing", _g("Неуспевающие", "Үлгермейтіндер", "Failing"), "int"),
        Col("not_attested", _g("Не аттестованы", "Аттестатталмаған", "Not attested"), "int"),
        Col("pct_success", _g("% успеваемости", "Үлгерім %", "% success"), "percent"),
        Col("pct_quality", _g("% качества", "Сапа %", "% quality"), "percent"),
        Col("sou", _g("СОУ", "ОДД", "Degree of learning"), "decimal"),
        Col("avg", _g("Средний балл", "Орташа балл", "Average mark"), "decimal"),
    ]


PERFORMANCE_METHODOLOGY: Text = {
    "ru": (
        "Источник: итоговые оценки (четвертные или годовые) за выбранный период. Учитываются ученики, зачисленные в "
        "класс организации на последний день периода, и предметы, назначенные их классу (класс–предмет–учитель); "
        "по каждому предмету — итоговая оценка ученика, выставленная этой организацией (если их несколько — "
        "наибольшая; «н/а», если среди них есть «н/а»). Не аттестован по предмету — «н/а» или, если период закончился "
        "к дате отчёта, отсутствие итоговой оценки; ученик, не аттестованный хотя бы по одному предмету, — не "
        "аттестован. Аттестованные — остальные ученики, у которых есть хотя бы одна оценка. Среди аттестованных: "
        "отличники — все оценки «5»; хорошисты — только «4» и «5», есть «4»; с одной «3» — ровно одна «3», нет «2» и "
        "«1»; неуспевающие — есть «2» или «1». % успеваемости = (аттестованные − неуспевающие) / аттестованные × 100; "
        "% качества = (отличники + хорошисты) / аттестованные × 100; проценты без округления (дробная часть "
        "отбрасывается). СОУ = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n1) / число оценок; средний балл = сумма оценок / "
        "число оценок (одна оценка на ученика и предмет); оба с двумя знаками после запятой (округление half up). "
        "Определения те же, что в отчёте «Успеваемость: Школа», и строка организации совпадает с его итогом; "
        "единственное отличие — для ещё идущего периода ученики берутся по зачислению на последний день периода, а не "
        "на дату отчёта. Период по умолчанию — последний начавшийся, по которому "
        "уже есть итоговые оценки; дата отчёта по умолчанию — сегодня. "
        "Учащиеся 1-х классов не оцениваются (безотметочное обучение) и в расчёт не входят: они не считаются ни "
        "учениками, ни не аттестованными (так же и учащиеся предшкольных классов)."
    ),
    "kk": (
        "Дереккөз: таңдалған кезеңдегі қорытынды бағалар (тоқсандық немесе жылдық). Кезеңнің соңғы күніне ұйымның "
        "сыныбына қабылданған оқушылар және олардың сыныбына бекітілген пәндер (сынып–пән–мұғалім) есепке алынады; "
        "әр пән бойынша — осы ұйым қойған оқушының қорытынды бағасы (бірнеше болса — ең жоғарысы; олардың ішінде "
        "«а/е» болса — «а/е»). Пән бойынша аттестатталмаған — «а/е» немесе, кезең есеп күніне дейін аяқталса, "
        "қорытынды бағаның болмауы; кемінде бір пән бойынша аттестатталмаған оқушы — аттестатталмаған. "
        "Аттестатталғандар — кемінде бір бағасы бар қалған оқушылар. Аттестатталғандардың ішінде: үздіктер — "
        "барлық бағалары «5»; екпінділер — тек «4» және «5», «4» бар; бір «3»-пен — дәл бір «3», «2» мен «1» жоқ; "
        "үлгермейтіндер — «2» немесе «1» бар. Үлгерім % = (аттестатталғандар − үлгермейтіндер) / аттестатталғандар "
        "× 100; сапа % = (үздіктер + екпінділер) / аттестатталғандар × 100; пайыздар дөңгелектенбейді (бөлшек "
        "бөлігі алынып тасталады). ОДД = (100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n1) / бағалар саны; орташа балл = "
        "бағалар қосындысы / бағалар саны (оқушы мен пәнге бір баға); екеуі де үтірден кейін екі таңбамен "
        "(жартысы жоғары қарай дөңгелектенеді). Анықтамалар «Үлгерім: Мектеп» есебіндегідей, ал ұйымның жолы сол "
        "есептің қорытындысымен сәйкес келеді; жалғыз айырмашылық — әлі жүріп жатқан кезең үшін оқушылар есеп "
        "күніндегі емес, кезеңнің соңғы күніндегі қабылдау бойынша алынады. Әдепкі кезең — қорытынды бағалары "
        "бар басталған соңғы кезең; әдепкі есеп күні — бүгін. 1-сынып оқушылары бағаланбайды "
        "(бағасыз оқыту) және есепке алынбайды: олар оқушылар санына да, аттестатталмағандарға да кірмейді "
        "(мектепалды сыныптар да)."
    ),
    "en": (
        "Source: period marks (quarter or year) of the chosen period. Counted: the students enrolled in a class of the "
        "organization on the period's last day and the subjects assigned to their class (class–subject–teacher); in "
        "each subject, the student's period mark given by that organization (the highest if several; «н/а» if any of "
        "them is «н/а»). Not attested in a subject: «н/а» or, when the period has ended by the report date, no period "
        "mark; a student not attested in at least one subject is not attested. Attested: the other students with at "
        "least one mark. Among the attested: excellent — all marks «5»; good — only «4» and «5» with a «4»; with one "
        "«3» — exactly one «3», no «2» or «1»; failing — any «2» or «1». % success = (attested − failing) / attested × "
        "100; % quality = (excellent + good) / attested × 100; percentages truncated. Degree of learning (СОУ) = "
        "(100·n5 + 64·n4 + 36·n3 + 16·n2 + 7·n1) / number of marks; average = sum of marks / number of marks (one "
        "mark per student and subject); both with two decimals (half up). The definitions are those of «Performance: "
        "school», and an organization's row equals that report's total; the one difference: for a period still "
        "running, students are taken by their enrolment on the period's last day, not on the report date. The "
        "default period is the latest one that has started and has period marks; the default report date is today. "
        "Students of the 1st grade are not graded (teaching without marks) and are not counted: neither as "
        "students nor as not "
        "attested (nor are pre-school students)."
    ),
}


async def default_period(session: AsyncSession, today: dt.date) -> PeriodInfo:
    """The latest period that has started by `today` and has period marks, else the latest started (else the
    earliest one): in the first weeks of a quarter, before any quarter mark is given, the inspector sees the
    quarter just ended rather than a table of zeros."""
    p = Period
    marked = period_has_marks()
    started = p.starts_on <= today
    row = (
        await session.execute(
            select(p.id, p.name_ru, p.kind, p.starts_on, p.ends_on)
            .order_by(started.desc(), and_(started, marked).desc(), p.starts_on.desc(), p.kind.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        raise InvalidInput("period_id", "no academic periods are defined yet")
    return PeriodInfo(row.id, row.name_ru, row.kind, row.starts_on, row.ends_on)


def _dec(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


async def performance_query(ctx: ReportContext) -> ReportResult:
    """Students by result and performance indicators per district (or organization) for a period."""
    period = ctx.filters.period
    if period is None:
        period = await default_period(ctx.session, ctx.filters.report_date)
        ctx.filters.period = period
        ctx.filters.names.append(applied("period_id", period.id, period.name, ctx.lang))
    pp = ReportOrgPeriodPerformance
    # Once the period has ended (by the report date) a subject without a period mark makes a student not
    # attested: the aggregate keeps both classifications, the `*_ended` columns are the second.
    classified = ["not_attested", "attested", "excellent", "good", "one_three", "failing"]

    def measure(f: str) -> Any:
        if f in classified:
            return _sum(case((PERIOD_ENDED, getattr(pp, f"{f}_ended")), else_=getattr(pp, f)), f)
        return _sum(getattr(pp, f), f)

    def parts(schools: Any) -> tuple[Any, list[Any], list[Any]]:
        return (
            schools.outerjoin(pp, and_(pp.organization_id == schools.c.id, pp.period_id == PERIOD_ID)),
            [measure(f) for f in ["students", *classified, "n1", "n2", "n3", "n4", "n5"]],
            [],
        )

    ended = period.ends_on < ctx.filters.report_date
    rows, totals = await run_grouped(ctx, parts, {"period_id": period.id, "period_ended": ended})
    for row in [*rows, *([totals] if totals else [])]:
        v = {f: row.pop(f) for f in ("attested", "n1", "n2", "n3", "n4", "n5")}
        marks = v["n1"] + v["n2"] + v["n3"] + v["n4"] + v["n5"]
        row["pct_success"] = percent(v["attested"] - row["failing"], v["attested"])
        row["pct_quality"] = percent(row["excellent"] + row["good"], v["attested"])
        row["sou"] = _dec(100 * v["n5"] + 64 * v["n4"] + 36 * v["n3"] + 16 * v["n2"] + 7 * v["n1"], marks)
        row["avg"] = _dec(5 * v["n5"] + 4 * v["n4"] + 3 * v["n3"] + 2 * v["n2"] + v["n1"], marks)
    return ReportResult(rows=rows, count=len(rows), totals=_with_total_label(ctx, totals))


# --- attendance -----------------------------------------------------------------------------------


def attendance_columns(ctx: ReportContext) -> list[Col]:
    """Lessons held, absences by reason, % attendance."""
    view = ctx.view or "districts"
    return [
        Col("name", NAME_TITLES[view]),
        Col("lessons", _g("Проведено уроков", "Өткізілген сабақтар", "Lessons held"), "int"),
        Col("student_lessons", _g("Ученико-уроков", "Оқушы-сабақтар", "Student-lessons"), "int"),
        Col(
            "absences",
            _g("Пропущено уроков", "Жіберілген сабақтар", "Missed lessons"),
            children=(
                Col("abs_illness", _g("По болезни", "Ауруына байланысты", "Illness"), "int"),
                Col("abs_valid", _g("По уважительной", "Дәлелді себеппен", "Valid reason"), "int"),
                Col("abs_unexcused", _g("Без уважительной", "Дәлелсіз", "Unexcused"), "int"),
                Col("abs_total", _g("Всего", "Барлығы", "Total"), "int"),
            ),
        ),
        Col("abs_late", _g("Опоздания", "Кешігулер", "Late"), "int"),
        Col("pct_attendance", _g("% посещаемости", "Қатысу %", "% attendance"), "percent"),
    ]


ATTENDANCE_METHODOLOGY: Text = {
    "ru": (
        "Источник: проведённые уроки и отметки о пропусках за выбранный период (четверть) или диапазон дат "
        "включительно; по умолчанию — 30 дней, заканчивающихся датой отчёта. Проведённый урок — урок со статусом "
        "«проведён» или «заменён» (его провёл заменяющий учитель); отменённый урок не проведён, пропусков на нём "
        "не бывает. Ученико-уроки — для каждого проведённого урока число учеников, зачисленных в класс на дату "
        "урока. Пропуски по причинам: болезнь, уважительная, неуважительная; опоздания показаны отдельно и "
        "пропуском не считаются. % посещаемости = (ученико-уроки − пропуски) / ученико-уроки × 100, дробная часть "
        "отбрасывается."
    ),
    "kk": (
        "Дереккөз: таңдалған кезеңдегі (тоқсан) немесе күндер аралығындағы (шеттерін қоса) өткізілген сабақтар "
        "және сабақ жіберу белгілері; әдепкі бойынша — есеп күнімен аяқталатын 30 күн. Өткізілген сабақ — "
        "«өткізілді» немесе «ауыстырылды» (оны алмастырушы мұғалім өткізген) мәртебесіндегі сабақ; болдырылмаған "
        "сабақ өткізілмеген, онда сабақ жіберу болмайды. Оқушы-сабақтар — әр өткізілген сабаққа сабақ күні "
        "сыныпқа қабылданған оқушылар саны. Себептер бойынша жіберулер: ауруы, дәлелді, дәлелсіз; кешігулер бөлек "
        "көрсетіледі және жіберу болып саналмайды. Қатысу % = (оқушы-сабақтар − жіберулер) / оқушы-сабақтар × "
        "100, бөлшек бөлігі алынып тасталады."
    ),
    "en": (
        "Source: held lessons and absence marks in the chosen period (quarter) or date range, bounds included; by "
        "default the 30 days ending on the report date. A held lesson is one with status «held» or «replaced» "
        "(taught by a substitute); a cancelled lesson is not held and carries no absences. Student-lessons: for "
        "each held lesson, the students enrolled in the class on the lesson date. Absences by reason: illness, "
        "valid, unexcused; late arrivals are shown apart and are not absences. % attendance = (student-lessons − "
        "absences) / student-lessons × 100, truncated."
    ),
}


async def attendance_query(ctx: ReportContext) -> ReportResult:
    """Lessons, absences by reason and % attendance per district (or organization) over a date range."""
    f = ctx.filters
    if f.period is not None:
        start, end = f.period.starts_on, f.period.ends_on
    else:
        end = f.date_to or f.report_date
        start = f.date_from or end - dt.timedelta(days=29)
        if start > end:
            raise InvalidInput("date_from", "the date range is upside down: date_from is after the report date")
        if f.date_from is None:
            f.names.append(applied("date_from", start.isoformat(), fmt_date(start), ctx.lang))
        if f.date_to is None:
            f.names.append(applied("date_to", end.isoformat(), fmt_date(end), ctx.lang))
    a = ReportOrgDayAttendance

    def parts(schools: Any) -> tuple[Any, list[Any], list[Any]]:
        # A direct join (index range on the primary key per school) keeps one good plan whatever the dates,
        # also once PostgreSQL switches the prepared statement to a generic plan.
        return (
            schools.outerjoin(a, and_(a.organization_id == schools.c.id, a.day.between(DAY_FROM, DAY_TO))),
            [
                _sum(a.lessons_held, "lessons"),
                _sum(a.student_lessons, "student_lessons"),
                _sum(a.abs_illness, "abs_illness"),
                _sum(a.abs_valid, "abs_valid"),
                _sum(a.abs_unexcused, "abs_unexcused"),
                _sum(a.abs_late, "abs_late"),
            ],
            [],
        )

    rows, totals = await run_grouped(ctx, parts, {"day_from": start, "day_to": end})
    for row in [*rows, *([totals] if totals else [])]:
        row["abs_total"] = row["abs_illness"] + row["abs_valid"] + row["abs_unexcused"]
        row["pct_attendance"] = percent(row["student_lessons"] - row["abs_total"], row["student_lessons"])
    return ReportResult(rows=rows, count=len(rows), totals=_with_total_label(ctx, totals))


def _definition(
    id: str, title: Text, columns: Any, methodology: Text, query: Any, filters: tuple[str, ...]
) -> ReportDefinition:
    return ReportDefinition(
        id=id,
        title=title,
        section="management",
        filters=CASCADE_FILTERS + filters,
        views=VIEWS,
        columns=columns,
        methodology=methodology,
        query=query,
        count_label=None,
        view_count_labels=COUNT_LABELS,
    )


ACTIVITY = _definition(
    "activity",
    _g("Активность в Kundelik.kz", "Kundelik.kz-тегі белсенділік", "Activity in Kundelik.kz"),
    activity_columns,
    ACTIVITY_METHODOLOGY,
    activity_query,
    ("date",),
)
STAFF = _definition(
    "staff.composition",
    _g("Педагогические кадры", "Педагог кадрлар", "Teaching staff"),
    staff_columns,
    STAFF_METHODOLOGY,
    staff_query,
    (),
)
PERFORMANCE = _definition(
    "performance.organizations",
    _g("Успеваемость по организациям", "Ұйымдар бойынша үлгерім", "Performance by organization"),
    performance_columns,
    PERFORMANCE_METHODOLOGY,
    performance_query,
    ("period_id", "date"),
)
ATTENDANCE = _definition(
    "attendance.organizations",
    _g("Посещаемость по организациям", "Ұйымдар бойынша сабаққа қатысу", "Attendance by organization"),
    attendance_columns,
    ATTENDANCE_METHODOLOGY,
    attendance_query,
    ("period_id", "date", "date_from", "date_to"),
)
