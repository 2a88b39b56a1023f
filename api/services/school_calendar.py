"""The school calendar: academic years and their periods (четверти and the year), the usual Kazakhstan dates.

Classes are pushed into an academic year named like «2026-2027», and every report of a quarter reads its dates
from `periods`: a real install needs the current year before the first class arrives. `init` creates it, and a
school system that pushes a class of the current or the coming year (from August) opens that year; the dates are
data (an administrator of the database may correct them), these are only the usual ones. The demo uses them too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import asyncpg

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


def opens_on_demand(today: dt.date) -> dict[str, int]:
    """Names of the years a school system may name before anyone created them: the current and the coming one."""
    start = current_start_year(today)
    return {year_name(y): y for y in (start, start + 1)}


async def ensure_school_year(raw: asyncpg.Connection, start_year: int) -> int:
    """The academic year starting in `start_year` with its periods, created when missing (kept when present)."""
    name = year_name(start_year)
    await raw.execute(
        "INSERT INTO academic_years (name, starts_on, ends_on) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        name,
        *year_bounds(start_year),
    )
    year_id = int(await raw.fetchval("SELECT id FROM academic_years WHERE name = $1", name))
    await raw.executemany(
        """INSERT INTO periods (academic_year_id, kind, number, name_ru, name_kk, name_en, starts_on, ends_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (academic_year_id, kind, number) DO NOTHING""",
        [
            (year_id, kind, number, *period_names(kind, number), starts_on, ends_on)
            for kind, number, starts_on, ends_on in period_specs(start_year)
        ],
    )
    return year_id
