"""The .xlsx export of any report: caption, merged header tree, frozen header, totals; strings stay strings."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import xlsxwriter

from api.services.reports.engine import NO_DATA, Col, RenderedReport, t

CAPTION: dict[str, dict[str, str]] = {
    "filters": {"ru": "Фильтры", "kk": "Сүзгілер", "en": "Filters"},
    "as_of": {"ru": "Данные на", "kk": "Деректер", "en": "Data as of"},
    "view": {"ru": "Форма", "kk": "Нысан", "en": "View"},
}


def build_workbook(rep: RenderedReport) -> bytes:
    """The workbook bytes for a report run (CPU-bound: call it in a thread)."""
    lang = rep.ctx.lang
    no_data = t(NO_DATA, lang)
    leaves = rep.leaves
    depth = max((c.depth() for c in rep.columns), default=1)
    out = io.BytesIO()
    # constant_memory: each row goes to the sheet's XML as soon as the next one starts, so a 100,000-row
    # export neither keeps every cell in memory nor pays for it at close; rows must be written in order.
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet((rep.definition.id.replace(".", "_"))[:31])
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

    # Caption: title, view, filters, date, count line.
    r = 0
    ws.write_string(r, 0, rep.title, title_fmt)
    r += 1
    if rep.view_title:
        ws.write_string(r, 0, f"{t(CAPTION['view'], lang)}: {rep.view_title}", caption_fmt)
        r += 1
    filters = "; ".join(f"{f['label']}: {f['name']}" for f in rep.ctx.filters.names)
    if filters:
        ws.write_string(r, 0, f"{t(CAPTION['filters'], lang)}: {filters}", caption_fmt)
        r += 1
    as_of = rep.result.data_as_of
    if as_of is not None:
        ws.write_string(r, 0, f"{t(CAPTION['as_of'], lang)}: {as_of.strftime('%d.%m.%Y %H:%M')} UTC", caption_fmt)
        r += 1
    if rep.count_label:
        ws.write_string(r, 0, rep.count_label, caption_fmt)
        r += 1
    r += 1

    # The header tree: groups merged across their leaves, leaves merged down to the last header row.
    # Written row by row (constant_memory); the merged ranges are registered as merge_range would.
    header_top = r
    cells = _tree_cells(rep.columns, depth, lang)
    starts = {(fr, fc): title for fr, fc, _, _, title in cells}
    for hr in range(depth):
        for c in range(len(leaves)):
            if (hr, c) in starts:
                ws.write_string(header_top + hr, c, starts[(hr, c)], head_fmt)
            else:
                ws.write_blank(header_top + hr, c, None, head_fmt)
    for fr, fc, lr, lc, _ in cells:
        if (fr, fc) != (lr, lc):
            ws.merge.append([header_top + fr, fc, header_top + lr, lc])
    r = header_top + depth
    ws.freeze_panes(r, 0)

    kinds = [leaf.kind for leaf in leaves]
    ids = [leaf.id for leaf in leaves]
    widths = [min(max(len(t(leaf.title, lang)), 6), 40) for leaf in leaves]

    write_number, write_string = ws.write_number, ws.write_string
    columns = list(enumerate(zip(ids, kinds, strict=True)))

    def write_row(row_index: int, row: dict[str, Any], plain: Any, dec: Any) -> None:
        # The hot loop of a 100,000-row export: the common types are checked first, by identity.
        for c, (cid, kind) in columns:
            v = row.get(cid)
            tv = type(v)
            if tv is int or tv is float:
                write_number(row_index, c, v, dec if kind == "decimal" else plain)
            elif v is None:
                write_string(row_index, c, no_data, plain)
            elif tv is str:
                write_string(row_index, c, v, wrap_fmt if plain is cell_fmt and "\n" in v else plain)
                if len(v) > widths[c]:
                    widths[c] = min(len(v), 60)
            elif tv is Decimal:
                write_number(row_index, c, float(v), dec if kind == "decimal" else plain)
            elif tv is bool:
                write_string(row_index, c, str(v), plain)
            elif isinstance(v, dt.date):
                write_string(row_index, c, v.strftime("%d.%m.%Y"), plain)
            else:
                text = str(v)
                write_string(row_index, c, text, plain)

    for row in rep.result.rows:
        if row.get("_kind") == "subtotal":
            write_row(r, row, sub_cell, sub_dec)
        else:
            write_row(r, row, cell_fmt, dec_fmt)
        r += 1
    if rep.result.totals is not None:
        write_row(r, rep.result.totals, bold_cell, bold_dec)
        r += 1
    for c, w in enumerate(widths):
        ws.set_column(c, c, w + 2)
    wb.close()
    return out.getvalue()


def _tree_cells(columns: list[Col], depth: int, lang: str) -> list[tuple[int, int, int, int, str]]:
    cells: list[tuple[int, int, int, int, str]] = []

    def walk(col: Col, row: int, first_col: int) -> int:
        width = len(col.leaves())
        last_row = row if col.children else depth - 1
        cells.append((row, first_col, last_row, first_col + width - 1, t(col.title, lang)))
        c = first_col
        for child in col.children:
            c = walk(child, row + 1, c)
        return first_col + width

    c = 0
    for col in columns:
        c = walk(col, 0, c)
    return cells
