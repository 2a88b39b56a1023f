"""Who belongs to an organization on a day: the one rule (REPORTS.md), for every report, the profile and the
aggregates.

A student while an enrolment has starts_on ≤ D ≤ ends_on, an employee while a post has started_on ≤ D ≤
ended_on (an empty start or end is open), a parent while a child of theirs is a student there. The rule is
the SQL function `is_member_on(starts, ends, d)` (migration 0311_reports; `is_member_during` for «at some
time within [d0, d1]»); the membership aggregate (`rpt_person_org`, 0311_reports) keeps the same intervals.
Nothing else spells it (`tests/test_membership_rule.py` looks).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Date, func, literal


def _day(d: Any) -> Any:
    return literal(d, Date) if isinstance(d, dt.date) else d


def member_on(starts: Any, ends: Any, day: Any) -> ColumnElement[bool]:
    """The enrolment or post with these bounds is in force on `day` (a date or a date column)."""
    return func.is_member_on(starts, ends, _day(day), type_=Boolean)


def member_during(starts: Any, ends: Any, first: Any, last: Any) -> ColumnElement[bool]:
    """The enrolment or post is in force on at least one day of [first, last]."""
    return func.is_member_during(starts, ends, _day(first), _day(last), type_=Boolean)


# The rule in the words of the methodology texts (ru, kk, en); each report adds on which day it counts.
RULE_TEXT: dict[str, str] = {
    "ru": (
        "Кто относится к организации в день D: ученик — пока действует его зачисление в класс (дата начала ≤ D ≤ "
        "дата окончания), сотрудник — пока действует его должность (дата начала ≤ D ≤ дата окончания; пустая дата "
        "начала или окончания не ограничивает), родитель — пока его ребёнок — ученик этой организации. Дата "
        "окончания, присланная заранее (конец учебного года, срок договора), не исключает человека до этого дня; "
        "человек с датой начала в будущем ещё не учитывается."
    ),
    "kk": (
        "D күні ұйымға кім жатады: оқушы — сыныпқа қабылдауы күшінде болғанда (басталу күні ≤ D ≤ аяқталу күні), "
        "қызметкер — лауазымы күшінде болғанда (басталу күні ≤ D ≤ аяқталу күні; бос басталу немесе аяқталу күні "
        "шектемейді), ата-ана — баласы осы ұйымның оқушысы болғанда. Алдын ала жіберілген аяқталу күні (оқу "
        "жылының соңы, шарт мерзімі) адамды сол күнге дейін шығармайды; басталу күні болашақта болған адам әлі "
        "есептелмейді."
    ),
    "en": (
        "Who belongs to an organization on a day D: a student while a class enrolment is in force (start ≤ D ≤ "
        "end), an employee while a post is in force (start ≤ D ≤ end; an empty start or end is open), a parent "
        "while a child of theirs is a student there. An end date sent in advance (the end of the school year, of a "
        "contract) keeps the person in until that day; a person whose start date is still ahead is not counted yet."
    ),
}
TODAY_TEXT: dict[str, str] = {
    "ru": "Люди считаются на сегодняшний день по времени Астаны.",
    "kk": "Адамдар Астана уақыты бойынша бүгінгі күнге есептеледі.",
    "en": "People are counted on today's date in Astana time.",
}
REPORT_DATE_TEXT: dict[str, str] = {
    "ru": (
        "Люди считаются на дату отчёта (по умолчанию — сегодня по времени Астаны); зарегистрированные "
        "пользователи — активные учётные записи, зарегистрированные не позже этой даты."
    ),
    "kk": (
        "Адамдар есеп күніне есептеледі (әдепкі бойынша — Астана уақыты бойынша бүгін); тіркелген пайдаланушылар — "
        "осы күннен кешіктірмей тіркелген белсенді есептік жазбалар."
    ),
    "en": (
        "People are counted on the report date (default: today in Astana time); registered users are active "
        "accounts registered on or before that date."
    ),
}
