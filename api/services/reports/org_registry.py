"""`registry` — Реестр образовательных организаций (figure 5): views «По всем ОУ» and «ОУ по типам»."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from api.models import Organization, OrganizationStructure, OrganizationType, Person
from api.services.reports import localtime
from api.services.reports.engine import (
    CASCADE,
    NO_DATA,
    Col,
    ReportContext,
    ReportDefinition,
    ReportResult,
    View,
    fmt_date,
    t,
)
from api.services.reports.kit import T, full_name

COLUMNS = (
    Col("name", T("Наименование ОУ", "БҰ атауы", "Organization")),
    Col("type", T("Тип ОУ", "БҰ түрі", "Type")),
    Col("structure", T("Орг. структура", "Ұйымдық құрылым", "Structure")),
    Col("address", T("Адрес", "Мекенжай", "Address"), "lines"),
    Col("head", T("Начальник", "Басшы", "Head")),
    Col("contacts", T("Контакты", "Байланыс", "Contacts"), "lines"),
    Col("license", T("Информация о лицензии", "Лицензия туралы ақпарат", "License"), "lines"),
    Col(
        "accreditation",
        T("Свидетельство о гос. аккредитации", "Мемлекеттік аккредиттеу куәлігі", "Accreditation"),
        "lines",
    ),
)

L: dict[str, dict[str, str]] = {
    "postal": T("Почтовый адрес", "Пошталық мекенжай", "Postal address"),
    "building": T("Основное здание", "Негізгі ғимарат", "Main building"),
    "phone": T("Телефон", "Телефон", "Phone"),
    "email": T("E-mail", "E-mail", "E-mail"),
    "number": T("Номер", "Нөмірі", "Number"),
    "date": T("Дата", "Күні", "Date"),
    "issuer": T("Кем выдана", "Берген орган", "Issued by"),
    "valid_until": T("Действительно до", "Жарамды", "Valid until"),
    "subtotal": T("Итого по типу «{name}»: {n} ОУ", "«{name}» түрі бойынша: {n} БҰ", "{name}: {n}"),
    "no_type": T("Тип не указан", "Түрі көрсетілмеген", "No type"),
    "expired": T("истекло", "мерзімі өткен", "expired"),
}

METHODOLOGY = {
    "ru": (
        "Источник: карточки образовательных организаций (ОУ) в подчинении вашей организации, с учётом выбранных "
        "района, типа и организации. Учитываются только образовательные организации (не органы управления). "
        "«По всем ОУ» — список по алфавиту; «ОУ по типам» — группы по типу организации (в порядке справочника "
        "типов) со строкой итога: число ОУ данного типа. Адрес — две строки: почтовый адрес и адрес основного "
        "здания. Начальник — ФИО руководителя из карточки. Лицензия: номер, дата, кем выдана; аккредитация: номер, "
        "дата, срок действия (прошедший срок помечен «истекло»). Знак «№» перед номером не повторяется. "
        "Отсутствующие сведения показываются как «нет данных». Данные актуальны на момент построения отчёта."
    ),
    "kk": (
        "Дереккөз: ұйымыңызға бағынысты білім беру ұйымдарының (БҰ) карточкалары, таңдалған аудан, түр және ұйым "
        "ескеріле отырып. Тек білім беру ұйымдары есептеледі (басқару органдары емес). «Барлық БҰ бойынша» — әліпби "
        "бойынша тізім; «Түрлері бойынша» — ұйым түрі бойынша топтар (түрлер анықтамалығының ретімен) қорытынды "
        "жолымен: осы түрдегі БҰ саны. Мекенжай — екі жол: пошталық мекенжай және негізгі ғимараттың мекенжайы. "
        "Басшы — карточкадағы басшының аты-жөні. Лицензия: нөмірі, күні, кім берген; аккредиттеу: нөмірі, күні, "
        "қолданылу мерзімі (өткен мерзім «мерзімі өткен» деп белгіленеді). Нөмір алдындағы «№» белгісі "
        "қайталанбайды. Жоқ мәліметтер «деректер жоқ» деп көрсетіледі. Деректер есеп құрылған сәттегі."
    ),
    "en": (
        "Source: the cards of the educational organizations under your organization, narrowed by the chosen "
        "district, type and organization (management bodies are not listed). «All organizations» is an alphabetical "
        "list; «By type» groups them by organization type (in the order of the type reference) with a subtotal line "
        "giving the number of organizations of the type. Address has two lines: postal address and main building. "
        "Head is the full name from the card. License: number, date, issuer; accreditation: number, date, valid "
        "until (a date that has passed is marked «expired»); the «№» sign before a number is not repeated. Missing "
        "details show as «no data». Data are current at the moment the report is built."
    ),
}


def _lines(parts: list[tuple[str, str | None]], lang: str) -> str | None:
    """Labelled lines; None («нет данных») when every value is missing."""
    if all(v in (None, "") for _, v in parts):
        return None
    nd = t(NO_DATA, lang)
    return "\n".join(f"{label}: {v if v not in (None, '') else nd}" for label, v in parts)


def _d(value: dt.date | None) -> str | None:
    return fmt_date(value) if value else None


def document_number(value: str | None) -> str | None:
    """A licence or accreditation number without a leading «№» (the label «Номер» says it: not «Номер: № 1307»)."""
    if value is None:
        return None
    return value.strip().removeprefix("№").strip() or None


def valid_until(value: dt.date | None, today: dt.date, lang: str) -> str | None:
    """dd.mm.yyyy, flagged «(истекло)» when the date has passed."""
    if value is None:
        return None
    return f"{_d(value)} ({t(L['expired'], lang)})" if value < today else _d(value)


async def query(ctx: ReportContext) -> ReportResult:
    """One row per school in scope, ordered by name (or by type, then name, with a subtotal per type)."""
    lang = ctx.lang
    today = localtime.today()
    schools = ctx.schools()
    o, ot, st, p = Organization, OrganizationType, OrganizationStructure, Person
    head_name = full_name(p)
    stmt = (
        select(
            o.id,
            ctx.school_name(schools).label("name"),
            o.type_id,
            ctx.name_col(ot).label("type_name"),
            ctx.name_col(st).label("structure_name"),
            o.postal_address,
            o.building_address,
            head_name.label("head"),
            p.id.label("head_id"),
            o.phones,
            o.email,
            o.license_number,
            o.license_date,
            o.license_issuer,
            o.accreditation_number,
            o.accreditation_date,
            o.accreditation_valid_until,
        )
        .select_from(schools)
        .join(o, o.id == schools.c.id)
        .outerjoin(ot, ot.id == o.type_id)
        .outerjoin(st, st.id == o.structure_id)
        .outerjoin(p, p.id == o.head_person_id)
    )
    by_type = ctx.view == "by_type"
    if by_type:
        stmt = stmt.order_by(ot.sort_order, ctx.name_col(ot), ot.id, ctx.school_name(schools), o.id)
    else:
        stmt = stmt.order_by(ctx.school_name(schools), o.id)
    records = (await ctx.session.execute(stmt)).all()

    def to_row(r: Any) -> dict[str, Any]:
        return {
            "_id": r.id,
            "_links": {"name": f"/organizations/{r.id}"},
            "name": r.name,
            "type": r.type_name,
            "structure": r.structure_name,
            "address": _lines(
                [(t(L["postal"], lang), r.postal_address), (t(L["building"], lang), r.building_address)], lang
            ),
            "head": r.head if r.head_id is not None else None,
            "contacts": "\n".join(f"{t(L[k], lang)}: {v}" for k, v in (("phone", r.phones), ("email", r.email)) if v)
            or None,
            "license": _lines(
                [
                    (t(L["number"], lang), document_number(r.license_number)),
                    (t(L["date"], lang), _d(r.license_date)),
                    (t(L["issuer"], lang), r.license_issuer),
                ],
                lang,
            ),
            "accreditation": _lines(
                [
                    (t(L["number"], lang), document_number(r.accreditation_number)),
                    (t(L["date"], lang), _d(r.accreditation_date)),
                    (t(L["valid_until"], lang), valid_until(r.accreditation_valid_until, today, lang)),
                ],
                lang,
            ),
        }

    rows: list[dict[str, Any]] = []
    if not by_type:
        rows = [to_row(r) for r in records]
    else:
        group: list[dict[str, Any]] = []
        current: tuple[int | None, str | None] | None = None

        def close() -> None:
            if current is None:
                return
            name = current[1] or t(L["no_type"], lang)
            rows.extend(group)
            rows.append(
                {
                    "_kind": "subtotal",
                    "_count": len(group),
                    "name": t(L["subtotal"], lang).format(name=name, n=len(group)),
                    "type": name,
                }
            )

        for r in records:
            key = (r.type_id, r.type_name)
            if key != current:
                close()
                group = []
                current = key
            group.append(to_row(r))
        close()
    return ReportResult(rows=rows, count=len(records))


DEFINITION = ReportDefinition(
    id="registry",
    title={
        "ru": "Реестр образовательных организаций",
        "kk": "Білім беру ұйымдарының тізілімі",
        "en": "Registry of educational organizations",
    },
    section="management",
    filters=CASCADE,
    views=(
        View("all", T("По всем ОУ", "Барлық БҰ бойынша", "All organizations")),
        View("by_type", T("ОУ по типам", "БҰ түрлері бойынша", "By type")),
    ),
    columns=COLUMNS,
    methodology=METHODOLOGY,
    query=query,
    count_label=T("Всего {n} ОУ", "Барлығы {n} БҰ", "Total: {n} organizations"),
)
