"""«не преподаётся» («—», a subject the class does not have) apart from «нет данных», in JSON, .xlsx and print."""

from __future__ import annotations

import io

import httpx
import openpyxl
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories as fx
from tests.reports.school.crafted import build
from tests.reports.school.test_school_common import get, params

LEGEND = {
    "ru": "— предмет не преподаётся в классе",
    "kk": "— пән сыныпта оқытылмайды",
    "en": "— subject not taught in the class",
}


async def test_not_taught_cells_in_json_xlsx_and_print(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    # Русский язык: taught in 5А (marks), now also in 10А (no marks yet: «нет данных»); 5Б has no such subject («—»).
    await fx.assignment(db, c.c10a, c.rus, c.t2)
    m_id, r_id = f"s{c.math.id}", f"s{c.rus.id}"

    body = await get(client, c, "school.marks.average", view="period")
    got = [(r["class"], r[m_id], r[r_id], r.get("_na")) for r in body["rows"]]
    assert got == [("5А", 3.33, 4.0, None), ("5Б", 3.5, None, [r_id]), ("10А", 2.0, None, None)]
    assert body["not_taught"] == "—" and body["not_taught_legend"] == LEGEND["ru"]
    assert body["columns"][2]["title"] == "Предметы" and [ch["id"] for ch in body["columns"][2]["children"]] == [
        m_id,
        r_id,
    ]  # the group header over the subjects has its label
    assert "«—» — предмет не преподаётся в классе" in body["methodology"]
    for lang in ("kk", "en"):
        other = await get(client, c, "school.marks.average", view="period", lang=lang)
        assert other["not_taught_legend"] == LEGEND[lang]

    h = fx.auth_headers(c.user_a)
    p = params(c, "school.marks.average") | {"view": "period"}
    x = await client.get("/api/v1/reports/school.marks.average/export", params=p | {"format": "xlsx"}, headers=h)
    rows = list(openpyxl.load_workbook(io.BytesIO(x.content)).active.iter_rows(values_only=True))
    by_class = {r[1]: r for r in rows if r[1] in ("5А", "5Б", "10А")}
    # columns: №, Класс, Математика, Русский язык, Средний балл класса
    assert by_class["5Б"][3] == "—" and by_class["10А"][3] == "нет данных" and by_class["5А"][3] == 4
    assert (LEGEND["ru"],) in [r[:1] for r in rows]
    html = (await client.get("/api/v1/reports/school.marks.average/print", params=p, headers=h)).text
    assert html.count('<td class="na">—</td>') == 1 and html.count(LEGEND["ru"]) == 1
    assert html.index(LEGEND["ru"]) > html.index("</table>")  # the legend under the table

    body = await get(client, c, "school.performance.students")
    rows_ = {r["student"]: r for r in body["rows"]}
    s4, s5 = rows_["Григорьева Мария"], rows_["Ержанов Тимур"]  # 5Б; 10А
    assert s4["_na"] == [f"{r_id}_avg", f"{r_id}_mark"] and (s4[f"{r_id}_avg"], s4[f"{r_id}_mark"]) == (None, None)
    assert "_na" not in s5 and (s5[f"{r_id}_avg"], s5[f"{r_id}_mark"]) == (None, "н/а")  # taught, no mark
    assert "_na" not in rows_["Абаев Ерлан"]

    # Without a «—» cell there is no legend: the class teacher's matrix has only the class's own subjects.
    p = params(c, "school.performance.class_teacher")
    html = (await client.get("/api/v1/reports/school.performance.class_teacher/print", params=p, headers=h)).text
    assert LEGEND["ru"] not in html and 'class="na"' not in html
