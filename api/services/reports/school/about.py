"""Об организации, Активность and Наполненность данными for one organization."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, select

from api.models import (
    Assignment,
    Enrolment,
    Lesson,
    Organization,
    OrganizationStructure,
    OrganizationType,
    ParentLink,
    Person,
    SchoolClass,
    StaffPost,
    User,
)
from api.models.aggregates import ReportOrgPeople, ReportPersonOrg, ReportVisitDay
from api.models.school import lesson_held
from api.services.membership import REPORT_DATE_TEXT, RULE_TEXT, TODAY_TEXT, member_on
from api.services.reports import localtime
from api.services.reports.engine import (
    TOTAL,
    ChartSpec,
    Col,
    ReportContext,
    ReportDefinition,
    ReportResult,
    Text,
    percent,
    t,
)
from api.services.reports.org_registry import valid_until
from api.services.reports.school.common import ORG, TIMED, T, fmt, full_name, in_org, resolve_range, school_report
from api.services.reports.school.lists import CATEGORIES

ROLES = {
    "head": T("Руководитель", "Басшы", "Head"),
    "deputy": T("Заместитель", "Орынбасар", "Deputy"),
    "teacher": T("Учитель", "Мұғалім", "Teacher"),
    "additional_teacher": T("Педагог доп. образования", "Қосымша білім беру педагогы", "Additional education"),
    "psychologist": T("Психолог", "Психолог", "Psychologist"),
    "social_pedagogue": T("Социальный педагог", "Әлеуметтік педагог", "Social pedagogue"),
    "librarian": T("Библиотекарь", "Кітапханашы", "Librarian"),
    "administrator": T("Администратор", "Әкімші", "Administrator"),
    "specialist": T("Специалист", "Маман", "Specialist"),
    "other": T("Другие", "Басқалар", "Other"),
}


def _pair(ind: Text, value: Any, lang: str, kind: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"indicator": t(ind, lang), "value": value}
    if kind:
        row["_kind"] = kind
    return row


async def about_query(ctx: ReportContext) -> ReportResult:
    """The organization's card and counts: classes, students by level, staff by role and category, users."""
    lang = ctx.lang
    o, ot, st, p = Organization, OrganizationType, OrganizationStructure, Person
    card = (
        await ctx.session.execute(
            select(
                o,
                ctx.name_col(ot).label("type_name"),
                ctx.name_col(st).label("structure_name"),
                full_name(p).label("head"),
                p.id.label("head_id"),
            )
            .outerjoin(ot, ot.id == o.type_id)
            .outerjoin(st, st.id == o.structure_id)
            .outerjoin(p, p.id == o.head_person_id)
            .where(in_org(ctx, o.id))
        )
    ).one()
    org = card[0]
    day = ctx.filters.report_date
    e, c = Enrolment, SchoolClass
    level = func.least(func.greatest(c.grade, 4), 10)  # ≤4 → 4, 5–9 → as is, ≥10 → 10
    lv = (
        await ctx.session.execute(
            select(
                func.count(func.distinct(e.class_id)).label("classes"),
                func.count(func.distinct(e.student_person_id)).label("students"),
                func.count(func.distinct(e.student_person_id)).filter(level == 4).label("l1"),
                func.count(func.distinct(e.student_person_id)).filter(level.between(5, 9)).label("l2"),
                func.count(func.distinct(e.student_person_id)).filter(level == 10).label("l3"),
            )
            .select_from(e)
            .join(c, c.id == e.class_id)
            .where(in_org(ctx, e.organization_id), member_on(e.starts_on, e.ends_on, day))
        )
    ).one()
    # the counts on the day: the sum of their changes on days up to it (rpt_org_people, migration 0311_reports)
    op = ReportOrgPeople
    people_cols = [c.name for c in op.__table__.c if c.name not in ("organization_id", "day")]
    ppl = (
        await ctx.session.execute(
            select(*[func.sum(getattr(op, c)).label(c) for c in people_cols]).where(
                in_org(ctx, op.organization_id), op.day <= day
            )
        )
    ).one()

    def pv(name: str) -> int:
        return int(getattr(ppl, name) or 0)

    def d(x: dt.date | None) -> str | None:
        return fmt(x) if x else None

    lic = ", ".join(x for x in (org.license_number, d(org.license_date), org.license_issuer) if x) or None
    until = valid_until(org.accreditation_valid_until, localtime.today(), lang)  # «… (истекло)» once passed
    acc = ", ".join(x for x in (org.accreditation_number, d(org.accreditation_date), until) if x) or None
    name = org.name_kk if lang == "kk" and org.name_kk else org.name_ru
    rows = [
        _pair(T("Карточка организации", "Ұйым карточкасы", "Organization card"), None, lang, "subtotal"),
        _pair(T("Наименование", "Атауы", "Name"), name, lang),
        _pair(T("Тип", "Түрі", "Type"), card.type_name, lang),
        _pair(T("Орг. структура", "Ұйымдық құрылым", "Structure"), card.structure_name, lang),
        _pair(T("Почтовый адрес", "Пошталық мекенжай", "Postal address"), org.postal_address, lang),
        _pair(T("Основное здание", "Негізгі ғимарат", "Main building"), org.building_address, lang),
        _pair(T("Руководитель", "Басшы", "Head"), card.head if card.head_id else None, lang),
        _pair(T("Телефон", "Телефон", "Phone"), org.phones, lang),
        _pair(T("E-mail", "E-mail", "E-mail"), org.email, lang),
        _pair(T("Сайт", "Сайт", "Website"), org.website, lang),
        _pair(T("Лицензия", "Лицензия", "License"), lic, lang),
        _pair(T("Аккредитация", "Аккредиттеу", "Accreditation"), acc, lang),
        _pair(T("Контингент", "Контингент", "Students"), None, lang, "subtotal"),
        _pair(T("Классов", "Сыныптар", "Classes"), int(lv.classes), lang),
        _pair(T("Учеников", "Оқушылар", "Students"), int(lv.students), lang),
        _pair(T("— 1–4 классы", "— 1–4 сыныптар", "— grades 1–4"), int(lv.l1), lang),
        _pair(T("— 5–9 классы", "— 5–9 сыныптар", "— grades 5–9"), int(lv.l2), lang),
        _pair(T("— 10–11 классы", "— 10–11 сыныптар", "— grades 10–11"), int(lv.l3), lang),
        _pair(T("Сотрудники", "Қызметкерлер", "Staff"), None, lang, "subtotal"),
        _pair(T("Сотрудников", "Қызметкерлер", "Staff"), pv("staff"), lang),
        *[_pair({k: "— " + v for k, v in title.items()}, pv(f"r_{role}"), lang) for role, title in ROLES.items()],
        *[_pair({k: "— " + v for k, v in title.items()}, pv(f"c_{cat}"), lang) for cat, title in CATEGORIES.items()],
        _pair(T("Пользователи", "Пайдаланушылар", "Users"), None, lang, "subtotal"),
        _pair(T("Родителей", "Ата-аналар", "Parents"), pv("parents"), lang),
        _pair(T("Всего персон", "Барлық тұлғалар", "Persons"), pv("persons"), lang),
        _pair(T("Зарегистрированных пользователей", "Тіркелген пайдаланушылар", "Registered users"), pv("users"), lang),
        _pair(T("% зарегистрированных", "Тіркелгендер %", "% registered"), percent(pv("users"), pv("persons")), lang),
    ]
    return ReportResult(rows=rows, count=1)


ABOUT = school_report(
    ReportDefinition(
        id="school.about",
        title=T("Об организации", "Ұйым туралы", "About the organization"),
        section="school",
        filters=ORG,
        columns=(
            Col("indicator", T("Показатель", "Көрсеткіш", "Indicator")),
            Col("value", T("Значение", "Мәні", "Value")),
        ),
        methodology={
            "ru": "Карточка организации из реестра и количества на сегодня. "
            + RULE_TEXT["ru"]
            + " "
            + TODAY_TEXT["ru"]
            + " Классы — те, где есть такие ученики; уровни: 1–4 (вместе с предшкольными), 5–9, 10–11(12) классы. "
            "По ролям и категориям сотрудник с несколькими должностями учитывается в каждой своей роли, категория — "
            "высшая. Всего персон — ученики, сотрудники и родители без повторов; зарегистрированные — из них "
            "имеющие активную учётную запись, зарегистрированную не позже сегодняшнего дня; % = зарегистрированные / "
            "персоны × 100, дробная часть отбрасывается.",
            "kk": "Тізілімнен алынған ұйым карточкасы және бүгінгі сандар. "
            + RULE_TEXT["kk"]
            + " "
            + TODAY_TEXT["kk"]
            + " Сыныптар — осындай оқушылары барлар; деңгейлер: 1–4 (мектепалдымен бірге), 5–9, 10–11(12) "
            "сыныптар. Рөлдер мен санаттар бойынша бірнеше лауазымы бар қызметкер әр рөлінде есептеледі, санаты — "
            "ең жоғарысы. Барлық тұлғалар — қайталаусыз оқушылар, қызметкерлер және ата-аналар; тіркелгендер — "
            "олардың ішінде бүгіннен кешіктірмей тіркелген белсенді есептік жазбасы барлар; % = тіркелгендер / "
            "тұлғалар × 100, бөлшек бөлігі алынып тасталады.",
            "en": "The organization's registry card and today's counts. "
            + RULE_TEXT["en"]
            + " "
            + TODAY_TEXT["en"]
            + " Classes: those with such students; levels: grades 1–4 (with pre-school), 5–9, 10–11(12). By role "
            "and category an employee with several posts counts in each of their roles, their category is the "
            "highest. Persons: students, staff and parents without repeats; registered: those with an active "
            "account registered on or before today; % = registered / persons × 100, truncated.",
        },
        query=about_query,
        requires_organization=True,
        numbered=False,
    )
)


# --- Активность -----------------------------------------------------------------------------------


async def activity_query(ctx: ReportContext) -> ReportResult:
    """Persons, registered users, % and visits (day, week, month) by role; daily visitors chart for the month."""
    day = ctx.filters.report_date
    po, vd, u = ReportPersonOrg, ReportVisitDay, User
    oid = ctx.filters.organization_id
    people = (
        await ctx.session.execute(
            select(
                *[
                    func.count().filter(flag).label(f"{name}_persons")
                    for name, flag in (("staff", po.is_staff), ("students", po.is_student), ("parents", po.is_parent))
                ],
                *[
                    func.count().filter(flag, po.registered).label(f"{name}_users")
                    for name, flag in (("staff", po.is_staff), ("students", po.is_student), ("parents", po.is_parent))
                ],
                func.count().label("all_persons"),
                func.count().filter(po.registered).label("all_users"),
            ).where(in_org(ctx, po.organization_id), po.valid_from <= day, po.valid_to >= day)
        )
    ).one()
    visits = (
        select(vd.user_id, func.max(vd.day).label("last_day"))
        .where(in_org(ctx, vd.organization_id), vd.day.between(day - dt.timedelta(days=29), day))
        .group_by(vd.user_id)
        .subquery("v")
    )
    w = (
        select(
            po.is_staff,
            po.is_student,
            po.is_parent,
            (visits.c.last_day == day).label("d1"),
            (visits.c.last_day > day - dt.timedelta(days=7)).label("d7"),
        )
        .select_from(visits)
        .outerjoin(u, u.id == visits.c.user_id)
        .outerjoin(
            po,
            and_(po.person_id == u.person_id, po.organization_id == oid, po.valid_from <= day, po.valid_to >= day),
        )
        .subquery("w")
    )
    counts: dict[str, Any] = {}
    for name, flag in (
        ("staff", w.c.is_staff),
        ("students", w.c.is_student),
        ("parents", w.c.is_parent),
        ("all", None),
    ):
        conds = [flag.is_(True)] if flag is not None else []
        r = (
            await ctx.session.execute(
                select(
                    func.count().filter(w.c.d1).label("d1"),
                    func.count().filter(w.c.d7).label("d7"),
                    func.count().label("d30"),
                ).where(*conds)
            )
        ).one()
        counts[name] = r
    rows = []
    titles = {
        "staff": T("Сотрудники", "Қызметкерлер", "Staff"),
        "students": T("Ученики", "Оқушылар", "Students"),
        "parents": T("Родители", "Ата-аналар", "Parents"),
    }

    def build(name: str, title: str) -> dict[str, Any]:
        persons = int(people._mapping[f"{name}_persons"])
        users = int(people._mapping[f"{name}_users"])
        v = counts[name]
        return {
            "_id": name,
            "role": title,
            "persons": persons,
            "users": users,
            "pct": percent(users, persons),
            "d1": int(v.d1),
            "d7": int(v.d7),
            "d30": int(v.d30),
        }

    for name, title in titles.items():
        rows.append(build(name, t(title, ctx.lang)))
    totals = build("all", t(TOTAL, ctx.lang))
    totals.pop("_id")
    daily = dict(
        (
            await ctx.session.execute(
                select(vd.day, func.count(func.distinct(vd.user_id)))
                .where(in_org(ctx, vd.organization_id), vd.day.between(day - dt.timedelta(days=29), day))
                .group_by(vd.day)
            )
        ).all()
    )
    points = []
    for k in range(29, -1, -1):
        dd = day - dt.timedelta(days=k)
        points.append({"x": dd.isoformat(), "label": fmt(dd), "visitors": int(daily.get(dd, 0))})
    chart = {"type": "bar", "x": "day", "series": ["visitors"], "points": points}
    return ReportResult(rows=rows, count=len(rows), totals=totals, chart=chart)


ACTIVITY = school_report(
    ReportDefinition(
        id="school.activity",
        title=T("Активность", "Белсенділік", "Activity"),
        section="school",
        filters=(*ORG, "date"),
        columns=(
            Col("role", T("Роль", "Рөлі", "Role")),
            Col(
                "people",
                T("Пользователи", "Пайдаланушылар", "Users"),
                children=(
                    Col("persons", T("Всего", "Барлығы", "Persons"), "int"),
                    Col("users", T("Польз.", "Пайд.", "Users"), "int"),
                    Col("pct", T("%", "%", "%"), "percent"),
                ),
            ),
            Col(
                "visits",
                T("Визиты", "Кірулер", "Visits"),
                children=(
                    Col("d1", T("День", "Күн", "Day"), "int"),
                    Col("d7", T("Неделя", "Апта", "Week"), "int"),
                    Col("d30", T("Месяц", "Ай", "Month"), "int"),
                ),
            ),
        ),
        methodology=T(
            "Как отчёт «Активность» для одной организации, по ролям. "
            + RULE_TEXT["ru"]
            + " "
            + REPORT_DATE_TEXT["ru"]
            + " Всего — персоны роли; Польз. — из них зарегистрированные; % = "
            "Польз. / Всего × 100, дробная часть отбрасывается. Визиты — различные пользователи, заходившие в "
            "систему от имени организации хотя бы раз за день, 7 и 30 дней, заканчивающиеся датой отчёта "
            "(календарные дни по времени Астаны). Человек с несколькими ролями учитывается в каждой роли, а в строке "
            "«Всего» — один раз. Диаграмма — число различных посетителей по дням за 30 дней.",
            "Бір ұйым үшін рөлдер бойынша «Белсенділік» есебі сияқты. "
            + RULE_TEXT["kk"]
            + " "
            + REPORT_DATE_TEXT["kk"]
            + " Барлығы — рөлдің тұлғалары; Пайд. — олардың ішінде тіркелгендер; % = Пайд. / Барлығы × 100, бөлшек "
            "бөлігі алынып тасталады. Кірулер — есеп күнімен аяқталатын күн, 7 және 30 күн ішінде ұйым атынан кемінде "
            "бір рет кірген әртүрлі пайдаланушылар (Астана уақыты бойынша күнтізбелік күндер). Бірнеше рөлі бар адам "
            "әр рөлінде, ал «Барлығы» жолында бір рет есептеледі. Диаграмма — 30 күн бойы күн сайынғы әртүрлі "
            "келушілер саны.",
            "As the «Activity» report for one organization, by role. "
            + RULE_TEXT["en"]
            + " "
            + REPORT_DATE_TEXT["en"]
            + " Persons: the persons of the role; Users: those registered; % = users / persons × 100, truncated. "
            "Visits: distinct users who visited for the organization at least once during the day, the 7 and the "
            "30 days ending on the report date (calendar days in Astana time). A person with several roles counts "
            "in each role and once in «Total». The chart gives distinct visitors per day over the 30 days.",
        ),
        query=activity_query,
        count_label=T("Всего {n} {роль|роли|ролей}", "Барлығы {n} рөл", "Total: {n} roles"),
        chart=ChartSpec(
            "bar", x="day", series=("visitors",), labels={"visitors": T("Посетители", "Келушілер", "Visitors")}
        ),
        requires_organization=True,
    )
)


# --- Наполненность данными ------------------------------------------------------------------------


async def completeness_query(ctx: ReportContext) -> ReportResult:
    """A checklist: for each kind of data, how many records have it, of how many, and the %."""
    start, end = await resolve_range(ctx)
    e, p, pl, u, c, a, ls, sp = Enrolment, Person, ParentLink, User, SchoolClass, Assignment, Lesson, StaffPost
    s = ctx.session
    day = ctx.filters.report_date
    students = select(e.student_person_id.label("pid")).where(
        in_org(ctx, e.organization_id), member_on(e.starts_on, e.ends_on, day)
    )
    st = students.distinct().subquery("st")
    r1 = (
        await s.execute(
            select(
                func.count(),
                func.count().filter(p.birth_date.is_not(None)),
                func.count().filter(select(pl.id).where(pl.child_person_id == st.c.pid).exists()),
                func.count().filter(select(u.id).where(u.person_id == st.c.pid).exists()),
            )
            .select_from(st)
            .join(p, p.id == st.c.pid)
        )
    ).one()
    cls = select(e.class_id).where(in_org(ctx, e.organization_id), member_on(e.starts_on, e.ends_on, day))
    r2 = (
        await s.execute(
            select(func.count(), func.count().filter(c.class_teacher_person_id.is_not(None))).where(
                in_org(ctx, c.organization_id), c.id.in_(cls)
            )
        )
    ).one()
    r3 = (
        await s.execute(
            select(func.count(), func.count().filter(a.teacher_person_id.is_not(None))).where(
                in_org(ctx, a.organization_id), a.class_id.in_(cls)
            )
        )
    ).one()
    r4 = (
        await s.execute(
            select(
                func.count(),
                func.count().filter(ls.from_timetable),
                func.count().filter(lesson_held(ls.status)),
                func.count().filter(lesson_held(ls.status), func.coalesce(func.btrim(ls.topic), "") != ""),
            ).where(in_org(ctx, ls.organization_id), ls.date.between(start, end))
        )
    ).one()
    staff = (
        select(sp.person_id)
        .where(in_org(ctx, sp.organization_id), member_on(sp.started_on, sp.ended_on, day))
        .group_by(sp.person_id)
        .subquery("staff")
    )
    cat = select(sp.id).where(
        sp.person_id == staff.c.person_id,
        in_org(ctx, sp.organization_id),
        member_on(sp.started_on, sp.ended_on, day),
        sp.category != "none",
    )
    r5 = (
        await s.execute(
            select(
                func.count(),
                func.count().filter(select(u.id).where(u.person_id == staff.c.person_id).exists()),
                func.count().filter(cat.exists()),
            ).select_from(staff)
        )
    ).one()
    items = [
        (T("Ученики с датой рождения", "Туған күні көрсетілген оқушылар", "Students with date of birth"), r1[1], r1[0]),
        (
            T("Ученики со связанным родителем", "Ата-анасы байланыстырылған оқушылар", "Students with a parent"),
            r1[2],
            r1[0],
        ),
        (T("Ученики зарегистрированы", "Тіркелген оқушылар", "Students registered"), r1[3], r1[0]),
        (
            T("Классы с классным руководителем", "Сынып жетекшісі бар сыныптар", "Classes with a class teacher"),
            r2[1],
            r2[0],
        ),
        (T("Класс-предметы с учителем", "Мұғалімі бар сынып-пәндер", "Class subjects with a teacher"), r3[1], r3[0]),
        (T("Уроки из расписания", "Кестедегі сабақтар", "Lessons from the timetable"), r4[1], r4[0]),
        (T("Проведённые уроки с темой", "Тақырыбы бар өткізілген сабақтар", "Held lessons with a topic"), r4[3], r4[2]),
        (T("Сотрудники зарегистрированы", "Тіркелген қызметкерлер", "Staff registered"), r5[1], r5[0]),
        (T("Сотрудники с категорией", "Санаты бар қызметкерлер", "Staff with a category"), r5[2], r5[0]),
    ]
    rows = [
        {"_id": i, "indicator": t(title, ctx.lang), "done": int(done), "total": int(total), "pct": percent(done, total)}
        for i, (title, done, total) in enumerate(items, start=1)
    ]
    return ReportResult(rows=rows, count=len(rows))


DATA_COMPLETENESS = school_report(
    ReportDefinition(
        id="school.data_completeness",
        title=T("Наполненность данными", "Деректермен толтырылуы", "Data completeness"),
        section="school",
        filters=TIMED,
        columns=(
            Col("indicator", T("Показатель", "Көрсеткіш", "Indicator")),
            Col("done", T("Заполнено", "Толтырылған", "Filled"), "int"),
            Col("total", T("Всего", "Барлығы", "Total"), "int"),
            Col("pct", T("%", "%", "%"), "percent"),
        ),
        methodology=T(
            "Проверочный список: по каждому виду данных — сколько записей заполнено из скольких и % (дробная часть "
            "отбрасывается; «нет данных», если записей нет). Ученики и сотрудники — те, кто относится к организации "
            "сегодня (зачисление или должность действует: дата начала ≤ сегодня ≤ дата окончания, пустая дата не "
            "ограничивает); классы — где есть "
            "такие ученики; класс-предметы — назначения этих классов; уроки — уроки с датами в пределах периода или "
            "диапазона (по умолчанию — последняя начавшаяся четверть): из расписания, и проведённые (со статусом "
            "«проведён» или «заменён») с темой; "
            "сотрудники — зарегистрированы, имеют квалификационную категорию.",
            "Тексеру тізімі: әр дерек түрі бойынша қанша жазба толтырылған, барлығы қанша және % (бөлшек бөлігі "
            "алынып тасталады; жазбалар болмаса — «деректер жоқ»). Оқушылар мен қызметкерлер — бүгін ұйымға "
            "жататындар (қабылдауы не лауазымы күшінде: басталу күні ≤ бүгін ≤ аяқталу күні, бос күн шектемейді); "
            "сыныптар — осындай оқушылары барлар; сынып-пәндер — осы сыныптардың тағайындаулары; сабақтар — кезең "
            "немесе күндер аралығы ішіндегі (әдепкі бойынша — басталған соңғы тоқсан) сабақтар: кестеден алынғандар, "
            "және тақырыбы бар өткізілгендер («өткізілді» немесе «ауыстырылды» мәртебесіндегі); қызметкерлер — "
            "тіркелгендер, біліктілік санаты барлар.",
            "A checklist: for each kind of data, how many records are filled of how many, and the % (truncated; «no "
            "data» when there are none). Students and staff: those who belong to the organization today (the "
            "enrolment or post is in force: start ≤ today ≤ end, an empty date is open); classes: those with such "
            "students; class "
            "subjects: assignments of those classes; lessons dated within the period or date range (by default the "
            "latest quarter started): from the timetable, and held ones (status «held» or «replaced») with a topic; "
            "staff: registered, with a qualification category.",
        ),
        query=completeness_query,
        count_label=T(
            "Всего {n} {показатель|показателя|показателей}", "Барлығы {n} көрсеткіш", "Total: {n} indicators"
        ),
        requires_organization=True,
    )
)
