"""The period list of the report filters: in the order a user reads it."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Period
from tests import factories as fx


async def test_periods_current_year_first_quarters_then_year(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await fx.world(db)
    today = dt.date.today()
    current = today.year if today.month >= 9 else today.year - 1
    years = {}
    for start in (current - 2, current + 1, current, current - 1):  # created out of order on purpose
        y = await fx.academic_year(db, start)
        await fx.add(
            db,
            Period(
                academic_year_id=y.id,
                kind="year",
                number=1,
                name_ru="Учебный год",
                name_kk="Оқу жылы",
                name_en="School year",
                starts_on=y.starts_on,  # the same first day as quarter 1
                ends_on=y.ends_on,
            ),
        )
        years[y.id] = y.name
    user = await fx.app_user(db, w.regional_body)
    r = await client.get("/api/v1/reports/performance.organizations/options", headers=fx.auth_headers(user))
    assert r.status_code == 200, r.text
    names = [p["name"] for p in r.json()["periods"] if p["parent_id"] in years]

    def block(start: int) -> list[str]:
        name = next(n for n in years.values() if n.startswith(f"{start}-"))
        return [f"{q} четверть {name}" for q in (1, 2, 3, 4)] + [f"Учебный год {name}"]

    # The current year, then the earlier ones (newest first), then the year not begun yet.
    assert names == block(current) + block(current - 1) + block(current - 2) + block(current + 1)
