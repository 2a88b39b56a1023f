"""A class of the current or the coming school year opens that year with the usual quarters; others are refused.

An empty install has the year `init` made; in August the school systems push next year's classes before anyone
thought of the calendar. On 15.08.2027 the current year is 2027-2028 (it turns in August) and the coming one
2028-2029: both open on demand; 2030-2031 does not, and the refusal names the field.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import clock
from api.models import AcademicYear, Period
from api.services.integration import tokens
from tests import factories as fx

SYSTEM = "school-sys"


async def _setup(db: AsyncSession) -> dict[str, str]:
    w = await fx.world(db)
    w.school_a.external_system, w.school_a.external_id = SYSTEM, "sch"
    await db.flush()
    _, token = await tokens.create_token(
        db, name="t", organization_id=w.body_a.id, external_system=SYSTEM, kinds=list(tokens.KINDS), created_by=None
    )
    await db.commit()
    return {"X-API-Token": token}


def _class(external_id: str, year: str) -> dict[str, Any]:
    return {"external_id": external_id, "organization_external_id": "sch", "academic_year": year, "grade": 5}


async def test_current_and_coming_years_open_with_their_quarters_others_are_refused(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = await _setup(db)
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 8, 15, 6, 0, tzinfo=UTC))

    r = await client.post("/api/v1/integration/classes", json={"items": [_class("far", "2030-2031")]}, headers=headers)
    assert r.status_code == 422, r.text
    assert [(d["index"], d["field"]) for d in r.json()["error"]["details"]] == [(0, "academic_year")]
    assert "2030-2031" in r.json()["error"]["details"][0]["message"]

    items = [_class("now", "2027-2028"), _class("next", "2028-2029")]
    r = await client.post("/api/v1/integration/classes", json={"items": items}, headers=headers)
    assert r.status_code == 200, r.text
    years = {y.name: (y.starts_on, y.ends_on) for y in (await db.execute(select(AcademicYear))).scalars()}
    assert years == {
        "2027-2028": (date(2027, 9, 1), date(2028, 5, 31)),
        "2028-2029": (date(2028, 9, 1), date(2029, 5, 31)),
    }
    quarters = (
        await db.execute(
            select(Period.number, Period.starts_on, Period.ends_on)
            .join(AcademicYear, AcademicYear.id == Period.academic_year_id)
            .where(AcademicYear.name == "2027-2028", Period.kind == "quarter")
            .order_by(Period.number)
        )
    ).all()
    assert [tuple(q) for q in quarters] == [
        (1, date(2027, 9, 1), date(2027, 10, 25)),
        (2, date(2027, 11, 2), date(2027, 12, 27)),
        (3, date(2028, 1, 8), date(2028, 3, 17)),
        (4, date(2028, 3, 29), date(2028, 5, 25)),
    ]

    # A refused batch opens nothing: all or nothing, the year included.
    monkeypatch.setattr(clock, "now", lambda: datetime(2028, 8, 15, 6, 0, tzinfo=UTC))
    bad = [_class("y29", "2029-2030"), _class("x", "1999-2000")]
    r = await client.post("/api/v1/integration/classes", json={"items": bad}, headers=headers)
    assert r.status_code == 422, r.text
    names = set((await db.execute(select(AcademicYear.name))).scalars())
    assert "2029-2030" not in names
