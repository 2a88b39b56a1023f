"""The .xlsx writer renders data rows itself: its cells must be what xlsxwriter's own write_* calls would give."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from api.services.reports import xlsx
from api.services.reports.engine import AppliedFilters, RenderedReport, ReportContext, ReportResult
from api.services.reports.management.activity import ACTIVITY
from api.services.reports.xlsx import build_workbook, build_workbook_async, sheet_spec, shutdown_export_pool
from api.services.reports.xlsx_writer import PLAIN, SUBTOTAL, TOTAL, Row, SheetSpec, write_workbook
from api.services.scope import Principal

SPEC = SheetSpec(
    sheet_name="t",
    ids=("no", "x", "name", "pct"),
    title="Отчёт",
    captions=("Форма: все", "Фильтры: Район: Алатау"),
    header=((0, 0, 1, 0, "№"), (0, 1, 0, 2, "Группа"), (1, 1, 1, 1, "Число"), (1, 2, 1, 2, "Текст"), (0, 3, 1, 3, "%")),
    depth=2,
    kinds=("int", "decimal", "text", "percent"),
    widths=(6, 6, 6, 6),
    no_data="нет данных",
)
ROWS: list[Row] = [
    (PLAIN, (1, Decimal("4.25"), "Школа № 1", 59)),
    (PLAIN, (2, 1.5, '=HYPERLINK("http://x")', None)),
    (PLAIN, (3, 1e-7, "a & <b> > c", 10**12)),
    (PLAIN, (4, 1.2345678901234567e20, "две\nстроки", 0)),
    (SUBTOTAL, (None, Decimal("75.00"), " ведущий пробел", 100)),
    (PLAIN, (5, -3, "хвост ", 7.0)),
    (PLAIN, (6, 0.1, "упр\x01символ и _x0041_", True)),
    (PLAIN, (7, 2, dt.date(2026, 9, 1), dt.datetime(2026, 9, 2, 10, 30))),
    (PLAIN, (8, None, "длинное название школы, которое расширяет столбец до шестидесяти знаков и дальше", None)),
    (TOTAL, ("Всего", Decimal("68.57"), None, 66)),
]


def _reference(spec: SheetSpec, rows: list[Row]) -> bytes:
    """The same sheet with xlsxwriter's public API, cell by cell (the writer before the row renderer)."""
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(spec.sheet_name)
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    caption_fmt = wb.add_format({"italic": True})
    head_fmt = wb.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True, "bg_color": "#E8EEF4"}
    )
    cell_fmt = wb.add_format({"border": 1, "valign": "top"})
    wrap_fmt = wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
    dec_fmt = wb.add_format({"border": 1, "valign": "top", "num_format": "0.00"})
    bold_cell = wb.add_format({"border": 1, "bold": True, "valign": "top"})
    bold_dec = wb.add_format({"border": 1, "bold": True, "num_format": "0.00"})
    sub_cell = wb.add_format({"border": 1, "italic": True, "bold": True, "bg_color": "#F4F4F4", "valign": "top"})
    sub_dec = wb.add_format({"border": 1, "italic": True, "bold": True, "bg_color": "#F4F4F4", "num_format": "0.00"})
    ws.write_string(0, 0, spec.title, title_fmt)
    r = 1
    for line in spec.captions:
        ws.write_string(r, 0, line, caption_fmt)
        r += 1
    r += 1
    starts = {(fr, fc): title for fr, fc, _, _, title in spec.header}
    for hr in range(spec.depth):
        for c in range(len(spec.kinds)):
            if (hr, c) in starts:
                ws.write_string(r + hr, c, starts[(hr, c)], head_fmt)
            else:
                ws.write_blank(r + hr, c, None, head_fmt)
    for fr, fc, lr, lc, _ in spec.header:
        if (fr, fc) != (lr, lc):
            ws.merge.append([r + fr, fc, r + lr, lc])
    r += spec.depth
    ws.freeze_panes(r, 0)
    widths = list(spec.widths)
    style_formats = {PLAIN: (cell_fmt, dec_fmt), SUBTOTAL: (sub_cell, sub_dec), TOTAL: (bold_cell, bold_dec)}
    for style, values in rows:
        plain, dec = style_formats[style]
        for c, v in enumerate(values):
            if type(v) in (int, float, Decimal):
                ws.write_number(r, c, float(v), dec if spec.kinds[c] == "decimal" else plain)
            elif v is None and style == PLAIN:
                ws.write_string(r, c, spec.no_data, plain)
            elif v is None:  # subtotal and totals lines: blank, not «нет данных»
                ws.write_blank(r, c, None, plain)
            elif isinstance(v, str):
                ws.write_string(r, c, v, wrap_fmt if plain is cell_fmt and "\n" in v else plain)
                widths[c] = max(widths[c], min(len(v), 60))
            elif isinstance(v, dt.date):
                ws.write_string(r, c, v.strftime("%d.%m.%Y"), plain)
            else:
                ws.write_string(r, c, str(v), plain)
        r += 1
    for c, w in enumerate(widths):
        ws.set_column(c, c, w + 2)
    wb.close()
    return out.getvalue()


def _cells(content: bytes) -> dict[str, Any]:
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = {
        cell.coordinate: (
            cell.value,
            cell.data_type,
            cell.font.b,
            cell.font.i,
            cell.font.sz,
            cell.fill.fgColor.rgb,
            cell.number_format,
            cell.border.left.style,
            cell.alignment.wrap_text,
            cell.alignment.vertical,
        )
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None or cell.has_style
    }
    return {
        "cells": cells,
        "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        "freeze": ws.freeze_panes,
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "dimensions": ws.dimensions,
    }


def test_rendered_rows_equal_xlsxwriter_cells() -> None:
    ours = _cells(write_workbook(SPEC, [ROWS[:4], [], ROWS[4:]]))
    assert ours == _cells(_reference(SPEC, ROWS))
    cells = ours["cells"]
    # The properties themselves, so that the comparison cannot pass on two equally wrong files.
    assert cells["C8"][:2] == ('=HYPERLINK("http://x")', "s")  # user text stays text, never a formula
    assert cells["B7"][:2] == (4.25, "n") and cells["B7"][6] == "0.00" and cells["D7"][:2] == (59, "n")
    assert cells["D8"][0] == "нет данных" and cells["C10"][8] is True  # a line break wraps
    # Excel's escapes for a control character and for text that looks like one (openpyxl does not decode them).
    assert cells["C13"][0] == "упр_x0001_символ и _x005F_x0041_"
    assert cells["C11"][0] == " ведущий пробел" and cells["C11"][3] is True  # subtotal: italic
    assert cells["A16"][:3] == ("Всего", "s", True)  # the totals row is bold
    # Missing values of subtotal and totals lines are blank (styled) cells, not «нет данных».
    assert cells["A11"][0] is None and cells["A11"][3] is True and cells["C16"][0] is None and cells["C16"][2]
    assert ours["merged"] == ["A5:A6", "B5:C5", "D5:D6"] and ours["freeze"] == "A7"


def test_text_that_looks_like_markup_or_is_not_a_number() -> None:
    header = ((0, 0, 0, 0, "a"), (0, 1, 0, 1, "b"))
    spec = SheetSpec("t", ("a", "b"), "T", (), header, 1, ("text", "int"), (6, 6), "no data")
    rows: list[Row] = [(PLAIN, ("<r><t>x</t></r>", float("nan"))), (PLAIN, ("x" * 40_000, Decimal("Infinity")))]
    cells = _cells(write_workbook(spec, [rows]))["cells"]
    assert cells["A4"][:2] == ("<r><t>x</t></r>", "s")  # xlsxwriter itself would write this raw, as rich text
    assert cells["B4"][0] == cells["B5"][0] == "no data"
    assert len(cells["A5"][0]) == 32767  # Excel's limit for a cell


def _activity_report(n_rows: int) -> RenderedReport:
    ctx = ReportContext(None, Principal(1, None, 1, "employee", "t"), ACTIVITY, "ru", "all", AppliedFilters())  # type: ignore[arg-type]
    rows = [{"no": i + 1, "name": f"Школа {i}", "persons": i, "pct": None if i % 3 else i % 100} for i in range(n_rows)]
    result = ReportResult(rows=rows, count=n_rows, totals={"name": "Всего", "persons": 7})
    return RenderedReport(ACTIVITY, ctx, ACTIVITY.column_tree(ctx), result)


@pytest.mark.parametrize("process_min_cells", [0, 10**9], ids=["worker process", "thread"])
async def test_build_off_the_event_loop(process_min_cells: int) -> None:
    rep = _activity_report(300)
    try:
        content = await build_workbook_async(rep, process_min_cells=process_min_cells)
        assert (xlsx._pool is not None) == (process_min_cells == 0)  # the worker process was (not) used
    finally:
        shutdown_export_pool()
    got = _cells(content)
    assert got == _cells(build_workbook(rep))
    spec = sheet_spec(rep)
    first = 2 + len(spec.captions) + spec.depth  # title, captions, a blank row, the header rows
    assert got["cells"][f"B{first + 1}"][0] == "Школа 0" and got["cells"][f"C{first + 300}"][0] == 299
    assert got["cells"][f"B{first + 301}"][0] == "Всего"
    # The totals row has no number: its «№» cell is blank (styled), not «нет данных»; a data row's gap still says so.
    assert got["cells"][f"A{first + 301}"][0] is None and got["cells"][f"A{first + 301}"][2] is True
    assert got["cells"][f"E{first + 2}"][0] == "нет данных"
