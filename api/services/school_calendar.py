"""The school calendar: academic years and their periods (четверти and the year), the usual Kazakhstan dates.

Classes are pushed into an academic year named like «2026-2027», and every report of a quarter reads its dates
from `periods`: a real install needs the current year before the first class arrives. `init` creates it; the
dates are data (an administrator of the database may correct them), these are only the usual ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AcademicYear, Period
from api.models.school import PeriodKind

# The school year turns in August: from 1 August the coming year is the one classes are pushed into.
YEAR_TURNS_IN_MONTH = 8

PERIOD_NAMES = {
    PeriodKind.quarter: ("{n} четверть", "{n} тоқсан", "Quarter {n}"),
    PeriodKind.year: ("Учебный год", "Оқу жылы", "School year"),
}


@dataclass(frozen=True)
class Quarter:
    number: int
    starts_on: dt.date
    ends_on: dt.date


def quarters(start_year: int) -> tuple[Quarter, ...]:
    """The four quarters of a school year (the usual dates of Kazakhstan schools)."""
    y, z = start_year, start_year + 1
    return (
        Quarter(1, dt.date(y, 9, 1), dt.date(y, 10, 25)),
        Quarter(2, dt.date(y, 11, 2), dt.date(y, 12, 27)),
        Quarter(3, dt.date(z, 1, 8), dt.date(z, 3, 17)),
        Quarter(4, dt.date(z, 3, 29), dt.date(z, 5, 25)),
    )


def year_name(start_year: int) -> str:
    """«2026-2027»: the name classes give as their academic_year."""
    return f"{start_year}-{start_year + 1}"


def year_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    """1 September – 31 May."""
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 5, 31)


def current_start_year(today: dt.date) -> int:
    """The first calendar year of the school year `today` belongs to (the coming one from August)."""
    return today.year if today.month >= YEAR_TURNS_IN_MONTH else today.year - 1


def period_specs(start_year: int) -> list[tuple[str, int, dt.date, dt.date]]:
    """(kind, number, starts_on, ends_on) of the year's periods: four quarters and the year."""
    specs = [(PeriodKind.quarter.value, q.number, q.starts_on, q.ends_on) for q in quarters(start_year)]
    specs.append((PeriodKind.year.value, 1, *year_bounds(start_year)))
    return specs


def period_names(kind: str, number: int) -> tuple[str, str, str]:
    """The period's name in ru, kk, en."""
    return tuple(n.format(n=number) for n in PERIOD_NAMES[PeriodKind(kind)])  # type: ignore[return-value]


async def ensure_school_year(session: AsyncSession, start_year: int) -> int:
    """The academic year starting in `start_year` with its periods, created when missing (kept when present)."""
    starts_on, ends_on = year_bounds(start_year)
    name = year_name(start_year)
    await session.execute(
        insert(AcademicYear)
        .values(name=name, starts_on=starts_on, ends_on=ends_on)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    year_id = (await session.execute(select(AcademicYear.id).where(AcademicYear.name == name))).scalar_one()
    rows = []
    for kind, number, p_starts, p_ends in period_specs(start_year):
        ru, kk, en = period_names(kind, number)
        rows.append(
            {
                "academic_year_id": year_id,
                "kind": kind,
                "number": number,
                "name_ru": ru,
                "name_kk": kk,
                "name_en": en,
                "starts_on": p_starts,
                "ends_on": p_ends,
            }
        )
    await session.execute(
        insert(Period).values(rows).on_conflict_do_nothing(index_elements=["academic_year_id", "kind", "number"])
    )
    return year_id
