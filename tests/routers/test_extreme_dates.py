"""Dates far outside the life of a school system (year 1, year 9999) are a 422 naming the field, never a 500."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.services.reports import registry
from api.services.reports.engine import ReportParams, resolve_filters
from api.services.scope import Principal
from tests import factories as fx
from tests.routers.test_integration import URL as IURL
from tests.routers.test_integration import make_ext_world, problems

REQUESTS = [
    ("activity", {"date": "0001-01-01"}),
    ("attendance.organizations", {"date": "0001-01-01"}),
    ("attendance.organizations", {"date_from": "0001-01-01", "date_to": "0001-01-02"}),
    ("school.activity", {"date": "0001-01-01"}),
    ("school.activity", {"date": "9999-12-31"}),
    ("school.journal.history", {"date_from": "9999-12-30", "date_to": "9999-12-31"}),
    ("school.movement.arrived", {"date_from": "1999-12-31"}),
    ("performance.organizations", {"date": "2101-01-01"}),
]


@pytest.mark.parametrize("suffix", ["", "/export", "/print"])
@pytest.mark.parametrize(("report_id", "query"), REQUESTS)
async def test_extreme_report_dates_are_422(
    client: httpx.AsyncClient, db: AsyncSession, report_id: str, query: dict[str, str], suffix: str
) -> None:
    w = await fx.world(db)
    user = await fx.app_user(db, w.body_a)
    params = dict(query)
    if report_id.startswith("school."):
        params["organization_id"] = str(w.school_a.id)
    r = await client.get(f"/api/v1/reports/{report_id}{suffix}", params=params, headers=fx.auth_headers(user))
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] in ("validation_error", "invalid_input")
    fields = {d["field"] for d in err["details"]}
    assert fields & set(query), err
    assert "2000-01-01" in r.text or "2100-12-31" in r.text


async def test_the_engine_refuses_dates_outside_the_window_too(db: AsyncSession) -> None:
    """Callers other than the HTTP layer (CLI, benchmarks) go through the same check in the filter resolver."""
    w = await fx.world(db)
    user = await fx.app_user(db, w.body_a)
    principal = Principal(user.id, None, w.body_a.id, "employee", user.username or "")
    for name in ("date", "date_from", "date_to"):
        params = ReportParams(**{name: dt.date(1, 1, 1)})  # type: ignore[arg-type]
        with pytest.raises(InvalidInput) as exc:
            await resolve_filters(db, principal, registry.get("attendance.organizations"), params, "ru")
        assert exc.value.details[0]["field"] == name


async def test_extreme_dates_elsewhere_are_422(client: httpx.AsyncClient, db: AsyncSession) -> None:
    xw = await make_ext_world(db)
    # Integration: a lesson in year 9999, a person born in year 1, a visit at the edge of time.
    lesson = {"external_id": "l9", "assignment_external_id": "as-a", "date": "9999-12-31", "number": 1}
    r = await client.post(f"{IURL}/lessons", json={"items": [lesson]}, headers=xw.headers)
    assert problems(r) == [(0, "date")], r.text
    person = {"external_id": "p9", "surname": "Тест", "first_name": "Тест", "birth_date": "0001-01-01"}
    r = await client.post(f"{IURL}/persons", json={"items": [person]}, headers=xw.headers)
    assert problems(r) == [(0, "birth_date")], r.text
    # An administrator: an announcement with a deadline in year 9999, the audit log since year 1 (+05:00).
    admin = await fx.app_user(db, xw.w.body_a, role="admin")
    body = {"title": "Т", "body_html": "<p>т</p>", "target": {"kind": "all"}, "deadline": "9999-12-31"}
    r = await client.post("/api/v1/inform/announcements", json=body, headers=fx.auth_headers(admin))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "deadline", r.text
    for value in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"):
        r = await client.get("/api/v1/audit", params={"since": value}, headers=fx.auth_headers(admin))
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "since", r.text
    # A birth date of 1950 is a real one: the history window goes back to 1900.
    person["birth_date"] = "1950-05-05"
    assert (await client.post(f"{IURL}/persons", json={"items": [person]}, headers=xw.headers)).status_code == 200
