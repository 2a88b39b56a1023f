"""The `registry` report end to end: catalogue, JSON, views, scope, filters, xlsx, print."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import httpx
import openpyxl
from sqlalchemy.ext.asyncio import AsyncSession

from api.schemas.reports import ReportBody
from tests import factories as fx


async def _setup(db: AsyncSession):
    w = await fx.world(db)
    college = await fx.org_type(db, name_ru="Колледж", sort_order=2)
    w.school_type.sort_order = 1
    head = await fx.person(db, "Леви", "Гавриил", patronymic="Давидович", birth_date=date(1980, 1, 2))
    w.school_a.head_person_id = head.id
    w.school_a.postal_address = "ул. Абая, 1"
    w.school_a.phones = "8 (7142) 26-36-44"
    w.school_a.license_number = "KZ-123"
    w.school_a.license_date = date(2020, 5, 1)
    await db.flush()
    c = await fx.organization(db, "school", w.body_a, type_id=college.id, name_ru='=HYPERLINK("http://x")')
    user_a = await fx.app_user(db, w.body_a)
    user_region = await fx.app_user(db, w.regional_body)
    return w, college, c, user_a, user_region


async def test_catalogue_lists_registry(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w, *_, user_region = await _setup(db)
    r = await client.get("/api/v1/reports?lang=en", headers=fx.auth_headers(user_region))
    assert r.status_code == 200
    item = next(i for i in r.json()["items"] if i["id"] == "registry")
    assert item["title"] == "Registry of educational organizations"
    assert [v["id"] for v in item["views"]] == ["all", "by_type"]
    assert "district_id" in item["filters"]
    assert (await client.get("/api/v1/reports")).status_code == 401


async def test_registry_flat_view(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w, college, c, user_a, user_region = await _setup(db)
    r = await client.get("/api/v1/reports/registry", headers=fx.auth_headers(user_region))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 3 and body["count_label"] == "Всего 3 ОУ"
    names = [row["name"] for row in body["rows"]]
    assert names == sorted(names)
    assert [row["no"] for row in body["rows"]] == [1, 2, 3]
    a = next(row for row in body["rows"] if row["name"] == "Школа А")
    assert a["head"] == "Леви Гавриил Давидович"
    assert a["address"] == "Почтовый адрес: ул. Абая, 1\nОсновное здание: нет данных"
    assert a["contacts"] == "Телефон: 8 (7142) 26-36-44"
    assert a["license"] == "Номер: KZ-123\nДата: 01.05.2020\nКем выдана: нет данных"
    assert a["accreditation"] is None and a["structure"] is None
    assert a["_links"]["name"] == f"/organizations/{w.school_a.id}"
    assert body["columns"][0]["id"] == "no" and body["columns"][1]["title"] == "Наименование ОУ"
    assert body["totals"] is None and body["data_as_of"] and "Источник" in body["methodology"]
    assert body["no_data"] == "нет данных"
    ReportBody.model_validate(body)  # the documented response schema


async def test_registry_by_type_has_subtotals(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w, college, c, user_a, user_region = await _setup(db)
    r = await client.get("/api/v1/reports/registry?view=by_type", headers=fx.auth_headers(user_region))
    rows = r.json()["rows"]
    kinds = [(row.get("_kind"), row["name"]) for row in rows]
    assert kinds == [
        (None, "Школа А"),
        (None, "Школа Б"),
        ("subtotal", f"Итого по типу «{w.school_type.name_ru}»: 2 ОУ"),
        (None, c.name_ru),
        ("subtotal", "Итого по типу «Колледж»: 1 ОУ"),
    ]
    assert [row.get("no") for row in rows] == [1, 2, None, 3, None]


async def test_district_user_sees_only_their_district(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w, college, c, user_a, user_region = await _setup(db)
    h = fx.auth_headers(user_a)
    body = (await client.get("/api/v1/reports/registry", headers=h)).json()
    assert {row["name"] for row in body["rows"]} == {"Школа А", c.name_ru}
    r = await client.get(f"/api/v1/reports/registry?district_id={w.district_b.id}", headers=h)
    assert r.status_code == 404 and "district_id" in r.json()["error"]["message"]
    r = await client.get(f"/api/v1/reports/registry?organization_id={w.school_b.id}", headers=h)
    assert r.status_code == 404
    opts = (await client.get("/api/v1/reports/registry/options", headers=h)).json()
    assert [d["id"] for d in opts["districts"]] == [w.district_a.id]
    assert {o["id"] for o in opts["organizations"]} == {w.school_a.id, c.id}
    x = await client.get("/api/v1/reports/registry/export?format=xlsx", headers=h)
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    text = " ".join(str(v) for row in wb.active.iter_rows(values_only=True) for v in row if v is not None)
    assert "Школа Б" not in text and "Школа А" in text


async def test_options_cascade(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w, college, c, user_a, user_region = await _setup(db)
    h = fx.auth_headers(user_region)
    opts = (await client.get("/api/v1/reports/registry/options", headers=h)).json()
    assert {d["id"] for d in opts["districts"]} == {w.district_a.id, w.district_b.id}
    opts = (await client.get(f"/api/v1/reports/registry/options?district_id={w.district_b.id}", headers=h)).json()
    assert [o["id"] for o in opts["organizations"]] == [w.school_b.id]
    assert [t["id"] for t in opts["org_types"]] == [w.school_type.id]


async def test_bad_filters_are_4xx(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w, college, c, user_a, user_region = await _setup(db)
    h = fx.auth_headers(user_region)
    for q, status, field in [
        ("view=nope", 422, "view"),
        ("district_id=abc", 422, "district_id"),
        ("district_id=999999", 404, "district_id"),
        ("org_type_id=999999", 404, "org_type_id"),
        ("period_id=1", 422, "period_id"),
        (f"organization_id={w.school_b.id}&district_id={w.district_a.id}", 422, "organization_id"),
    ]:
        r = await client.get(f"/api/v1/reports/registry?{q}", headers=h)
        assert r.status_code == status, (q, r.text)
        assert field in r.json()["error"]["message"], q
    assert (await client.get("/api/v1/reports/nope", headers=h)).status_code == 404


async def test_export_xlsx(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w, college, c, user_a, user_region = await _setup(db)
    r = await client.get(
        "/api/v1/reports/registry/export?format=xlsx&view=by_type", headers=fx.auth_headers(user_region)
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb.active
    cells = {(cell.row, cell.column): cell for row in ws.iter_rows() for cell in row}
    values = [cell.value for cell in cells.values()]
    assert ws["A1"].value == "Реестр образовательных организаций"
    assert "Всего 3 ОУ" in values
    assert "нет данных" in values
    hyper = next(cell for cell in cells.values() if cell.value == c.name_ru)
    assert hyper.data_type == "s"  # a string, not a formula
    assert ws.freeze_panes is not None


async def test_print_layout(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w, college, c, user_a, user_region = await _setup(db)
    r = await client.get("/api/v1/reports/registry/print?lang=kk", headers=fx.auth_headers(user_region))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<thead>" in r.text and "table-header-group" in r.text
    assert "Білім беру ұйымдарының тізілімі" in r.text
    assert "=HYPERLINK(&quot;http://x&quot;)" in r.text


async def test_export_and_print_subtotal_blanks_and_local_time(client: httpx.AsyncClient, db: AsyncSession) -> None:
    """«ОУ по типам»: a subtotal line's empty cells are blank, not «нет данных»; the caption's time is the screen's
    (the local time of the region, Asia/Almaty, UTC+5), not UTC."""
    w, college, c, user_a, user_region = await _setup(db)
    h = fx.auth_headers(user_region)
    body = (await client.get("/api/v1/reports/registry?view=by_type", headers=h)).json()
    as_of = datetime.fromisoformat(body["data_as_of"])
    assert as_of.utcoffset() == timedelta(hours=5) and body["time_zone"] == "Asia/Almaty"
    x = await client.get("/api/v1/reports/registry/export?format=xlsx&view=by_type", headers=h)
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    rows = list(ws.iter_rows(values_only=True))
    subtotal = next(r for r in rows if isinstance(r[1], str) and r[1].startswith("Итого по типу «Колледж»"))
    assert subtotal[0] is None and subtotal[2] == "Колледж" and all(v is None for v in subtotal[3:])
    school_b = next(r for r in rows if r[1] == "Школа Б")
    assert "нет данных" in school_b  # a data row still says what is missing
    caption = next(r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("Данные на"))
    # The screen's time (JSON) and the file's agree; a minute may have turned between the two requests.
    shown = datetime.strptime(caption, "Данные на: %d.%m.%Y %H:%M").replace(tzinfo=as_of.tzinfo)
    assert "UTC" not in caption and timedelta(0) <= shown - as_of.replace(second=0, microsecond=0) <= timedelta(
        minutes=1
    )
    html = (await client.get("/api/v1/reports/registry/print?view=by_type", headers=h)).text
    assert "UTC" not in html and f"Данные на: {shown:%d.%m.%Y}" in html
    sub_html = html[html.index("Итого по типу «Колледж»") :].split("</tr>")[0]
    assert "нет данных" not in sub_html
