"""Время на выполнение ДЗ: by grade (school) and by class (weekdays or subjects), against the norm per grade."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, literal, select

from api.models import Homework, Lesson, SchoolClass, Subject
from api.models.school import lesson_held
from api.services.reports.engine import TOTAL, Col, ReportContext, ReportResult, Text, View, t
from api.services.reports.kit import T, dec2, joined
from api.services.reports.school.common import (
    CLASS,
    ROWS_COUNT,
    SUBJECT,
    TIMED,
    WEEKDAYS,
    class_name,
    homework_norm,
    in_org,
    resolve_range,
    school_report,
)

RULES: Text = {
    "ru": (
        "Источник: домашние задания к урокам с указанным временем выполнения (минуты; задание без времени "
        "считается как 0). Нагрузка дня — сумма минут заданий, выданных на уроках этого дня (выполняются к "
        "следующим урокам). Учебные дни класса — дни периода с проведёнными или заменёнными уроками класса. Среднее "
        "за учебный день = сумма минут / число учебных дней, в целых минутах (округление половины вверх), "
        "как и минуты на задание. Дни сверх нормы "
        "— учебные дни, когда нагрузка больше нормы параллели. Нормы по умолчанию (минут в учебный день) — "
        "«Методические рекомендации по организации и выполнению домашнего задания в организациях среднего "
        "образования Республики Казахстан» (МОН РК), приложение «Рекомендуемый объём домашнего задания»: 1 класс — "
        "задания не задаются (0), 2 класс — 50, 3–4 — 70, 5–6 — 90, 7–9 — 110, 10–11(12) — 130; нормы "
        "настраиваются (BILIM_HOMEWORK_NORMS). Период по умолчанию — последняя начавшаяся четверть."
    ),
    "kk": (
        "Дереккөз: сабақтарға берілген, орындау уақыты көрсетілген үй тапсырмалары (минут; уақыты жоқ тапсырма 0 "
        "деп есептеледі). Күн жүктемесі — сол күнгі сабақтарда берілген тапсырмалар минуттарының қосындысы "
        "(келесі сабақтарға орындалады). Сыныптың оқу күндері — кезеңнің сыныпта өткізілген немесе ауыстырылған "
        "сабақтары бар күндері. Оқу күніне орташа = минуттар қосындысы / оқу күндерінің саны (бүтін минутпен, жартысы "
        "жоғары қарай дөңгелектенеді; бір тапсырмаға минут та солай). "
        "Нормадан тыс күндер — жүктемесі параллель нормасынан көп оқу күндері. "
        "Әдепкі нормалар (оқу күніне минут) — ҚР БҒМ «Орта білім беру ұйымдарында үй тапсырмасын ұйымдастыру және "
        "орындау жөніндегі әдістемелік ұсынымдар», «Үй тапсырмасының ұсынылатын көлемі» қосымшасы: 1-сынып — "
        "тапсырма берілмейді (0), 2-сынып — 50, 3–4 — 70, 5–6 — 90, 7–9 — 110, 10–11(12) — 130; нормалар "
        "бапталады (BILIM_HOMEWORK_NORMS). Әдепкі кезең — басталған соңғы тоқсан."
    ),
    "en": (
        "Source: homework of lessons with the expected minutes (homework without minutes counts as 0). A day's "
        "load is the minutes of the homework set at that day's lessons (done for the next lessons). School days of "
        "a class: days of the period with its lessons held or replaced. Average per school day = minutes / school "
        "days, in whole minutes (half up), as are minutes per item. "
        "Days over the norm: school days whose load exceeds the grade's norm. "
        "Default norms (minutes per school day) from the «Methodological recommendations on organizing and doing "
        "homework in secondary education organizations of the Republic of Kazakhstan» (Ministry of Education and "
        "Science), annex «Recommended homework volume»: grade 1 — no homework (0), grade 2 — 50, 3–4 — 70, 5–6 — "
        "90, 7–9 — 110, 10–11(12) — 130; configurable (BILIM_HOMEWORK_NORMS). Default period: the latest quarter "
        "started."
    ),
}


def whole_minutes(num: int, den: int | None) -> int | None:
    """Minutes per day or per item in whole minutes, half up («18», not «18,00»); None when den is zero."""
    value = dec2(num, den)
    return None if value is None else int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _homework_of(ls: Any) -> Any:
    """LATERAL: count and minutes of the homework of one lesson (an index lookup per lesson)."""
    h = Homework
    return (
        select(func.count(h.id).label("n"), func.sum(func.coalesce(h.minutes, 0)).label("minutes"))
        .where(h.lesson_id == ls.id, h.class_id == ls.class_id)
        .lateral("hw")
    )


async def class_days(ctx: ReportContext) -> tuple[list[Any], dict[tuple[int, Any], int]]:
    """The classes (id, grade, name) and minutes of homework per (class, school day), 0 on days without any."""
    start, end = await resolve_range(ctx)
    ls, c = Lesson, SchoolClass
    hw = _homework_of(ls)
    stmt = (
        select(ls.class_id, ls.date, func.coalesce(func.sum(hw.c.minutes), 0))
        .select_from(ls)
        .join(hw, literal(True))
        .where(in_org(ctx, ls.organization_id), ls.date.between(start, end), lesson_held(ls.status))
        .group_by(ls.class_id, ls.date)
    )
    if ctx.filters.class_id is not None:
        stmt = stmt.where(ls.class_id == ctx.filters.class_id)
    load = {(r[0], r[1]): int(r[2]) for r in await ctx.session.execute(stmt)}
    ids = {k[0] for k in load}
    classes = []
    if ids:
        classes = list(
            (
                await ctx.session.execute(
                    select(c.id, c.grade, class_name(c).label("name"))
                    .where(c.id.in_(ids), in_org(ctx, c.organization_id))
                    .order_by(c.grade, c.letter, c.id)
                )
            ).all()
        )
    return classes, load


NORM = T("Норма, мин", "Норма, мин", "Norm, min")
AVG = T("Среднее за учебный день, мин", "Оқу күніне орташа, мин", "Average per school day, min")
OVER = T("Дней сверх нормы", "Нормадан тыс күндер", "Days over the norm")


async def school_query(ctx: ReportContext) -> ReportResult:
    """A row per grade: classes, school days, average homework minutes per school day, the norm, days over it."""
    classes, load = await class_days(ctx)
    by_grade: dict[int, dict[str, Any]] = {}
    for c in classes:
        g = by_grade.setdefault(c.grade, {"classes": 0, "days": 0, "minutes": 0, "over": 0})
        g["classes"] += 1
        norm = homework_norm(c.grade)
        for (cid, _), minutes in load.items():
            if cid == c.id:
                g["days"] += 1
                g["minutes"] += minutes
                g["over"] += minutes > norm
    rows = [
        {
            "_id": grade,
            "grade": str(grade),
            "classes": g["classes"],
            "days": g["days"],
            "avg": whole_minutes(g["minutes"], g["days"]),
            "norm": homework_norm(grade),
            "over": g["over"],
        }
        for grade, g in sorted(by_grade.items())
    ]
    totals = None
    if rows:
        days = sum(g["days"] for g in by_grade.values())
        totals = {
            "grade": t(TOTAL, ctx.lang),
            "classes": sum(r["classes"] for r in rows),
            "days": days,
            "avg": whole_minutes(sum(g["minutes"] for g in by_grade.values()), days),
            "norm": None,
            "over": sum(r["over"] for r in rows),
        }
    return ReportResult(rows=rows, count=len(rows), totals=totals)


HOMEWORK_SCHOOL = school_report(
    id="school.homework.school",
    title=T("Время на выполнение ДЗ: Школа", "Үй тапсырмасына уақыт: Мектеп", "Homework time: School"),
    filters=TIMED,
    columns=(
        Col("grade", T("Параллель", "Параллель", "Grade")),
        Col("classes", T("Классов", "Сыныптар", "Classes"), "int"),
        Col("days", T("Учебных дней (класс-дней)", "Оқу күндері (сынып-күн)", "School days (class-days)"), "int"),
        Col("avg", AVG, "int"),
        Col("norm", NORM, "int"),
        Col("over", OVER, "int"),
    ),
    methodology=joined(
        T(
            "Строка на каждую параллель: среднее по всем учебным дням всех её классов.",
            "Әр параллельге бір жол: оның барлық сыныптарының барлық оқу күндері бойынша орташа.",
            "A row per grade: the average over all school days of all its classes.",
        ),
        RULES,
    ),
    query=school_query,
    count_label=T("Всего {n} {параллель|параллели|параллелей}", "Барлығы {n} параллель", "Total: {n} grades"),
)


def classes_columns(ctx: ReportContext) -> list[Col]:
    """Weekday columns (view «weekdays») or subject columns (view «subjects»)."""
    if ctx.view == "subjects":
        return [
            Col("class", CLASS),
            Col("subject", SUBJECT),
            Col("homeworks", T("Заданий", "Тапсырмалар", "Homework items"), "int"),
            Col("minutes", T("Минут всего", "Барлық минут", "Minutes in all"), "int"),
            Col("per_item", T("Минут на задание", "Тапсырмаға минут", "Minutes per item"), "int"),
            Col("per_day", AVG, "int"),
        ]
    return [
        Col("class", CLASS),
        Col(
            "weekdays",
            T("Среднее по дням недели, мин", "Апта күндері бойынша орташа, мин", "Average by weekday, min"),
            children=tuple(Col(f"wd{i}", title, "int") for i, title in enumerate(WEEKDAYS)),
        ),
        Col("avg", AVG, "int"),
        Col("norm", NORM, "int"),
        Col("over", OVER, "int"),
    ]


async def classes_query(ctx: ReportContext) -> ReportResult:
    """A row per class (minutes by weekday, average, norm, days over) or per class and subject."""
    classes, load = await class_days(ctx)
    if ctx.view == "subjects":
        return await _subjects(ctx, classes, load)
    rows = []
    for c in classes:
        per_wd: dict[int, list[int]] = defaultdict(list)
        for (cid, day), minutes in load.items():
            if cid == c.id:
                per_wd[day.weekday()].append(minutes)
        all_days = [m for v in per_wd.values() for m in v]
        norm = homework_norm(c.grade)
        row: dict[str, Any] = {"_id": c.id, "class": c.name}
        for i in range(6):
            v = per_wd.get(i, [])
            row[f"wd{i}"] = whole_minutes(sum(v), len(v)) if v else None
        row["avg"] = whole_minutes(sum(all_days), len(all_days))
        row["norm"] = norm
        row["over"] = sum(1 for m in all_days if m > norm)
        rows.append(row)
    return ReportResult(rows=rows, count=len(rows))


async def _subjects(ctx: ReportContext, classes: list[Any], load: dict[tuple[int, Any], int]) -> ReportResult:
    start, end = await resolve_range(ctx)
    ls = Lesson
    name = ctx.name_col(Subject)
    hw = _homework_of(ls)
    stmt = (
        select(
            ls.class_id,
            ls.subject_id,
            name.label("subject"),
            func.sum(hw.c.n).label("homeworks"),
            func.coalesce(func.sum(hw.c.minutes), 0).label("minutes"),
        )
        .select_from(ls)
        .join(hw, literal(True))
        .join(Subject, Subject.id == ls.subject_id)
        .where(in_org(ctx, ls.organization_id), ls.date.between(start, end), lesson_held(ls.status))
        .group_by(ls.class_id, ls.subject_id, name)
        .having(func.sum(hw.c.n) > 0)
    )
    if ctx.filters.class_id is not None:
        stmt = stmt.where(ls.class_id == ctx.filters.class_id)
    per: dict[int, list[Any]] = defaultdict(list)
    for r in await ctx.session.execute(stmt):
        per[r.class_id].append(r)
    days: dict[int, int] = defaultdict(int)
    for cid, _ in load:
        days[cid] += 1
    rows = []
    for c in classes:
        for r in sorted(per.get(c.id, []), key=lambda r: r.subject):
            rows.append(
                {
                    "_id": f"{c.id}:{r.subject_id}",
                    "class": c.name,
                    "subject": r.subject,
                    "homeworks": int(r.homeworks),
                    "minutes": int(r.minutes),
                    "per_item": whole_minutes(int(r.minutes), int(r.homeworks)),
                    "per_day": whole_minutes(int(r.minutes), days[c.id]),
                }
            )
    return ReportResult(rows=rows, count=len(rows))


HOMEWORK_CLASSES = school_report(
    id="school.homework.classes",
    title=T("Время на выполнение ДЗ: Классы", "Үй тапсырмасына уақыт: Сыныптар", "Homework time: Classes"),
    filters=(*TIMED, "class_id"),
    views=(
        View("weekdays", T("По дням недели", "Апта күндері бойынша", "By weekday")),
        View("subjects", T("По предметам", "Пәндер бойынша", "By subject")),
    ),
    columns=classes_columns,
    methodology=joined(
        T(
            "«По дням недели» — строка на класс: средняя нагрузка по учебным дням каждого дня недели, среднее за "
            "учебный день, норма параллели, дни сверх нормы. «По предметам» — строка на класс и предмет: число "
            "заданий, минуты, минут на задание и вклад предмета в среднюю нагрузку учебного дня класса.",
            "«Апта күндері бойынша» — сыныпқа жол: әр апта күнінің оқу күндері бойынша орташа жүктеме, оқу "
            "күніне орташа, параллель нормасы, нормадан тыс күндер. «Пәндер бойынша» — сынып пен пәнге жол: "
            "тапсырмалар саны, минуттар, тапсырмаға минут және пәннің сыныптың оқу күніне орташа жүктемесіндегі "
            "үлесі.",
            "«By weekday»: a row per class with the average load on its school days of each weekday, the "
            "average per school day, the grade's norm and days over it. «By subject»: a row per class and "
            "subject: homework items, minutes, minutes per item and the subject's share of the class's "
            "average load per school day.",
        ),
        RULES,
    ),
    query=classes_query,
    count_label=ROWS_COUNT,
)
