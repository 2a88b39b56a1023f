"""The CSV export of reports: opened with Python's csv module, its header and totals are the JSON's."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from api.services.reports.csv_export import csv_value
from tests import factories as fx
from tests.reports.test_management import D, crafted
from tests.routers.test_read_tokens import key, make_token

BOM = b"\xef\xbb\xbf"


def flatten(columns: list[dict[str, Any]], prefix: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(leaf id, «Group / Subgroup / Leaf») of the JSON column tree, in order."""
    out: list[tuple[str, str]] = []
    for col in columns:
        path = (*prefix, col["title"])
        out.extend(flatten(col["children"], path) if col["children"] else [(col["id"], " / ".join(path))])
    return out


def as_text(value: Any) -> str:
    """A JSON value as the CSV shows it: missing → empty, numbers plain."""
    return "" if value is None else str(value)


def read_csv(content: bytes, delimiter: str = ",") -> list[list[str]]:
    assert content.startswith(BOM)
    return list(csv.reader(io.StringIO(content[len(BOM) :].decode("utf-8"), newline=""), delimiter=delimiter))


def assert_same_as_json(table: list[list[str]], body: dict[str, Any]) -> None:
    leaves = flatten(body["columns"])
    header, *lines = table
    assert header == [title for _, title in leaves]
    rows = body["rows"]
    expected = [[row.get("_na") and i in row["_na"] and "—" or as_text(row.get(i)) for i, _ in leaves] for row in rows]
    if body["totals"] is not None:
        expected.append([as_text(body["totals"].get(i)) for i, _ in leaves])
    assert lines == expected


async def test_activity_csv_has_the_three_row_header_flattened_and_the_jsons_totals(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    c = await crafted(db)
    secret = await make_token(db, c.w.regional_body.id, ["read"])
    q = {"date": D.isoformat()}
    body = (await client.get("/api/v1/reports/activity", params=q, headers=key(secret))).json()
    r = await client.get("/api/v1/reports/activity/export", params={**q, "format": "csv"}, headers=key(secret))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].endswith('.csv"')
    table = read_csv(r.content)
    assert_same_as_json(table, body)
    header, totals = table[0], table[-1]
    assert header[0] == "№"
    assert header[5:11] == [
        "Пользователи / Сотрудники / Всего",
        "Пользователи / Сотрудники / Польз.",
        "Пользователи / Ученики / Всего",
        "Пользователи / Ученики / Польз.",
        "Пользователи / Родители / Всего",
        "Пользователи / Родители / Польз.",
    ]
    assert totals[1:] == ["Всего", "9", "6", "66", "4", "3", "4", "2", "2", "2", "2", "3", "4"]
    # The same for a signed-in user of the same body: the same bytes but the date stamp.
    as_user = await client.get(
        "/api/v1/reports/activity/export", params={**q, "format": "csv"}, headers=fx.auth_headers(c.region_user)
    )
    assert as_user.status_code == 200 and read_csv(as_user.content) == table
    # The district's token sees its district only.
    district = await make_token(db, c.w.body_a.id, ["read"])
    r = await client.get(
        "/api/v1/reports/activity/export", params={**q, "format": "csv", "view": "all"}, headers=key(district)
    )
    names = {line[1] for line in read_csv(r.content)[1:]}
    assert names == {"Школа А", "Школа А2", "Всего"}


async def test_semicolon_option_for_excel_in_ru_locales(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await crafted(db)
    h = fx.auth_headers(c.region_user)
    q = {"date": D.isoformat(), "format": "csv"}
    comma = await client.get("/api/v1/reports/activity/export", params=q, headers=h)
    semi = await client.get("/api/v1/reports/activity/export", params={**q, "delimiter": "semicolon"}, headers=h)
    assert semi.status_code == 200, semi.text
    first_line = semi.content[len(BOM) :].split(b"\r\n")[0].decode()
    assert first_line.startswith("№;") and "," not in first_line
    assert read_csv(semi.content, ";") == read_csv(comma.content)
    bad = await client.get("/api/v1/reports/activity/export", params={**q, "delimiter": "tab"}, headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "delimiter"


async def test_registry_csv_matches_its_json(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await fx.world(db)
    w.school_a.postal_address = "ул. Абая, 1; корпус 2"  # a comma, a semicolon and (below) line breaks
    await db.flush()
    user = await fx.app_user(db, w.regional_body)
    secret = await make_token(db, w.regional_body.id, ["read"])
    for view in ("all", "by_type"):
        body = (await client.get("/api/v1/reports/registry", params={"view": view}, headers=key(secret))).json()
        r = await client.get(
            "/api/v1/reports/registry/export", params={"view": view, "format": "csv"}, headers=key(secret)
        )
        assert r.status_code == 200, r.text
        table = read_csv(r.content)
        assert_same_as_json(table, body)
        assert any("\n" in cell for line in table for cell in line)  # multi-line cells survive quoting
        mine = await client.get(
            "/api/v1/reports/registry/export", params={"view": view, "format": "csv"}, headers=fx.auth_headers(user)
        )
        assert read_csv(mine.content) == table
    # The xlsx export stays the default.
    r = await client.get("/api/v1/reports/registry/export", headers=key(secret))
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_numbers_are_plain_with_a_dot_and_missing_is_empty() -> None:
    assert [csv_value(v) for v in (None, 0, 12, 4.5, Decimal("4.50"), 1e-7, 1e17, date(2026, 9, 1), True)] == [
        "",
        "0",
        "12",
        "4.5",
        "4.5",
        "0.0000001",
        "100000000000000000",
        "2026-09-01",
        "true",
    ]


async def test_a_file_over_the_export_row_limit_is_refused_naming_the_filters(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: Any
) -> None:
    from api.services.reports import service

    w = await fx.world(db)
    user = await fx.app_user(db, w.regional_body)
    rows = len((await client.get("/api/v1/reports/registry", headers=fx.auth_headers(user))).json()["rows"])
    assert rows >= 2
    monkeypatch.setattr(service, "MAX_EXPORT_ROWS", rows - 1)
    for fmt in ("csv", "xlsx"):
        r = await client.get("/api/v1/reports/registry/export", params={"format": fmt}, headers=fx.auth_headers(user))
        assert r.status_code == 422, (fmt, r.text)
        assert r.json()["error"]["details"][0]["field"] == "filters"
        assert f"more than {rows - 1} rows" in r.json()["error"]["message"]
    monkeypatch.setattr(service, "MAX_EXPORT_ROWS", rows)
    assert (await client.get("/api/v1/reports/registry/export", headers=fx.auth_headers(user))).status_code == 200
