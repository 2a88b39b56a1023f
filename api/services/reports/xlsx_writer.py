"""The .xlsx writer: xlsxwriter builds the package, caption and header; the data rows are rendered per row.

Imports only the standard library and xlsxwriter, because it also runs in the export worker process
(`xlsx.build_workbook_async`), which is started without the application.

Why the rows are rendered here: through xlsxwriter's public API every cell costs two passes of Python work
(`write_number` stores it, then the row is serialized cell by cell with attribute escaping): ~10 µs a cell,
so 100,000 rows × 14 columns took ~13 s on this machine. Here a data row becomes its `<row>` XML in one pass
(~1 µs a cell), written into the worksheet's constant_memory row file through `_RowsWorksheet`, a subclass
passed to `add_worksheet(worksheet_class=...)`; xlsxwriter still writes every other part of the file. The
cells are what xlsxwriter would write for `write_number` / `write_string` in constant_memory mode (inline
strings), except that a string is always escaped (xlsxwriter writes a string that looks like `<r>…</r>`
unescaped, as rich text). `tests/reports/test_xlsx.py` checks both give the same cells.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import pickle
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# Row styles.
PLAIN, SUBTOTAL, TOTAL = 0, 1, 2

# (style, values in leaf-column order)
Row = tuple[int, Sequence[Any]]

# A string needing more than `<t>…</t>`: XML specials, control characters, text that reads as an _xHHHH_ escape,
# leading or trailing whitespace (xml:space="preserve"). Rare, so the common string costs one search.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_ESCAPE_LOOKALIKE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_MAX_UTF16 = 32767  # Excel's limit for a cell's text


@dataclass(frozen=True)
class SheetSpec:
    """Everything but the rows: plain values only, so it pickles to the worker process cheaply."""

    sheet_name: str
    ids: tuple[str, ...]  # leaf column ids: the keys of a row's values
    title: str
    captions: tuple[str, ...]  # the lines under the title (view, filters, date, count line)
    header: tuple[tuple[int, int, int, int, str], ...]  # (first row, first col, last row, last col, title)
    depth: int  # header rows
    kinds: tuple[str, ...]  # leaf column kinds ("decimal" gets two decimals)
    widths: tuple[int, ...]  # initial column widths (from the leaf titles)
    no_data: str  # «нет данных» in the report's language


class _RowsWorksheet(Worksheet):
    """A constant_memory worksheet that also takes data rows already rendered as `<row>` XML."""

    def append_rendered_rows(self, first_row: int, last_row: int, last_col: int, xml: str) -> None:
        # Flush the row xlsxwriter still holds (constant_memory writes a row when a later one starts), widen the
        # sheet's dimensions as writing the cells would, then append the rows to the sheet's row-data file.
        self._write_single_row(first_row)
        self._check_dimensions(first_row, 0)
        self._check_dimensions(last_row, last_col)
        self.fh.write(xml)
        self.previous_row = last_row


def _utf16_truncate(s: str) -> str:
    data = s.encode("utf-16-le")
    if len(data) <= 2 * _MAX_UTF16:
        return s
    return data[: 2 * _MAX_UTF16].decode("utf-16-le", errors="ignore")


def _string_cell(ref: str, xf: int, s: str) -> str:
    """An inline-string cell, escaped as xlsxwriter does (control characters as _xHHHH_, then &, <, >)."""
    if len(s) > _MAX_UTF16 // 2:
        s = _utf16_truncate(s)
    if _SPECIAL.search(s) is None:
        return f'<c r="{ref}" s="{xf}" t="inlineStr"><is><t>{s}</t></is></c>'
    s = _ESCAPE_LOOKALIKE.sub(r"_x005F\1", s)
    s = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", s)
    s = s.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if _EDGE_SPACE.search(s) else ""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" s="{xf}" t="inlineStr"><is><t{preserve}>{s}</t></is></c>'


def _render(
    rows: Iterable[Row],
    first_row: int,
    letters: Sequence[str],
    styles: Mapping[int, tuple[Sequence[int], int, int]],
    no_data: str,
    widths: list[int],
) -> tuple[str, int]:
    """The `<row>` XML of `rows` from the 0-based row `first_row` on, and the number of rows.

    A missing value is «нет данных» in a data row and a blank cell in a subtotal or totals line (the «№» of the
    totals line, a subtotal's name and contact columns: nothing there is missing, there is nothing to sum).

    styles[style] = (number format per column, string format, format of a string with a line break).
    """
    columns = {
        style: list(zip(range(len(letters)), letters, num_xf, strict=True)) for style, (num_xf, _, _) in styles.items()
    }
    out: list[str] = []
    append = out.append
    rn = first_row
    for style, values in rows:
        rn += 1  # the XML counts rows from 1
        _, str_xf, wrap_xf = styles[style]
        cells: list[str] = []
        cell = cells.append
        for (c, col, num_xf), v in zip(columns[style], values, strict=True):
            tv = type(v)
            if tv is int:  # the same text as xlsxwriter's f"{v:.16G}" below 10**16; Excel reads either as a double
                cell(f'<c r="{col}{rn}" s="{num_xf}"><v>{v}</v></c>')
            elif v is None:
                if style == PLAIN:
                    cell(f'<c r="{col}{rn}" s="{str_xf}" t="inlineStr"><is><t>{no_data}</t></is></c>')
                else:  # subtotal and totals lines leave what they don't sum blank (as on screen)
                    cell(f'<c r="{col}{rn}" s="{str_xf}"/>')
            elif tv is str:
                cell(_string_cell(f"{col}{rn}", wrap_xf if "\n" in v else str_xf, v))
                if len(v) > widths[c]:
                    widths[c] = min(len(v), 60)
            elif tv is float or tv is Decimal:
                f = float(v)
                if math.isfinite(f):
                    cell(f'<c r="{col}{rn}" s="{num_xf}"><v>{f:.16G}</v></c>')
                else:
                    cell(_string_cell(f"{col}{rn}", str_xf, no_data))
            elif isinstance(v, dt.date):
                cell(_string_cell(f"{col}{rn}", str_xf, v.strftime("%d.%m.%Y")))
            else:  # bool and anything else: its text
                cell(_string_cell(f"{col}{rn}", str_xf, str(v)))
        append(f'<row r="{rn}">{"".join(cells)}</row>')
    return "".join(out), rn - first_row


def write_workbook(spec: SheetSpec, chunks: Iterable[Sequence[Row]]) -> bytes:
    """The workbook bytes: caption, merged header tree, frozen header, then the rows (chunk by chunk)."""
    out = io.BytesIO()
    # constant_memory: rows go to a temporary file as they are written, nothing per cell is kept in memory;
    # rows must come in order. Strings are never turned into formulas or links.
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet(spec.sheet_name, worksheet_class=_RowsWorksheet)
    assert isinstance(ws, _RowsWorksheet)
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

    r = 0
    ws.write_string(r, 0, spec.title, title_fmt)
    r += 1
    for line in spec.captions:
        ws.write_string(r, 0, line, caption_fmt)
        r += 1
    r += 1

    # The header tree: groups merged across their leaves, leaves merged down to the last header row.
    # Written row by row (constant_memory); the merged ranges are registered as merge_range would.
    header_top = r
    ncols = len(spec.kinds)
    starts = {(fr, fc): title for fr, fc, _, _, title in spec.header}
    for hr in range(spec.depth):
        for c in range(ncols):
            if (hr, c) in starts:
                ws.write_string(header_top + hr, c, starts[(hr, c)], head_fmt)
            else:
                ws.write_blank(header_top + hr, c, None, head_fmt)
    for fr, fc, lr, lc, _ in spec.header:
        if (fr, fc) != (lr, lc):
            ws.merge.append([header_top + fr, fc, header_top + lr, lc])
    r = header_top + spec.depth
    ws.freeze_panes(r, 0)

    def xf(fmt: Any) -> int:
        return int(fmt._get_xf_index())

    def numbers(plain: Any, dec: Any) -> list[int]:
        return [xf(dec) if kind == "decimal" else xf(plain) for kind in spec.kinds]

    styles = {
        PLAIN: (numbers(cell_fmt, dec_fmt), xf(cell_fmt), xf(wrap_fmt)),
        SUBTOTAL: (numbers(sub_cell, sub_dec), xf(sub_cell), xf(sub_cell)),
        TOTAL: (numbers(bold_cell, bold_dec), xf(bold_cell), xf(bold_cell)),
    }
    letters = [xl_col_to_name(c) for c in range(ncols)]
    no_data = spec.no_data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    widths = list(spec.widths)
    for chunk in chunks:
        xml, n = _render(chunk, r, letters, styles, no_data, widths)
        if n:
            ws.append_rendered_rows(r, r + n - 1, ncols - 1, xml)
            r += n
    for c, w in enumerate(widths):
        ws.set_column(c, c, w + 2)
    wb.close()
    return out.getvalue()


def report_rows(
    rows: Iterable[Mapping[str, Any]], ids: Sequence[str], totals: Mapping[str, Any] | None
) -> Iterator[Row]:
    """The report's rows (subtotals marked) and its totals row as value tuples in leaf-column order."""
    for row in rows:
        yield (SUBTOTAL if row.get("_kind") == "subtotal" else PLAIN, tuple(map(row.get, ids)))
    if totals is not None:
        yield TOTAL, tuple(map(totals.get, ids))


def chunked(rows: Iterator[Row], size: int = 2_000) -> Iterator[list[Row]]:
    """Rows in lists of `size` (each list is rendered to one string)."""
    while chunk := list(islice(rows, size)):
        yield chunk


def write_workbook_pickled(spec: SheetSpec, chunks: Sequence[bytes], totals: Mapping[str, Any] | None) -> bytes:
    """The worker process's entry point: the report's row dicts come pickled by the parent, list by list.

    The parent only pickles slices of its row list (no per-row Python work, no new objects for its garbage
    collector to walk); making the value tuples happens here.
    """
    rows = (row for chunk in chunks for row in pickle.loads(chunk))  # noqa: S301 (our own parent's data)
    return write_workbook(spec, chunked(report_rows(rows, spec.ids, totals)))
