"""The print layout of any report: an HTML page with title, filters, date and the table (header repeated per page)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import escape
from typing import Any

from api.services.reports.engine import NO_DATA, Col, RenderedReport, t
from api.services.reports.localtime import fmt_local
from api.services.reports.xlsx import CAPTION

_STYLE = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "PT Sans", Arial, sans-serif; font-size: 10pt; color: #000; }
h1 { font-size: 14pt; margin: 0 0 4pt; }
.caption { margin: 0 0 2pt; color: #333; }
table { border-collapse: collapse; width: 100%; margin-top: 6pt; }
th, td { border: 1px solid #555; padding: 2pt 4pt; vertical-align: top; }
th { background: #e8eef4; text-align: center; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
td.num { text-align: right; }
td.nodata { color: #777; font-style: italic; }
tr.subtotal td { font-weight: bold; font-style: italic; background: #f4f4f4; }
tr.totals td { font-weight: bold; }
"""


def _header_rows(columns: list[Col], depth: int, lang: str) -> list[list[str]]:
    rows: list[list[str]] = [[] for _ in range(depth)]

    def walk(col: Col, level: int) -> None:
        width = len(col.leaves())
        rowspan = 1 if col.children else depth - level
        attrs = (f' colspan="{width}"' if width > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
        rows[level].append(f"<th{attrs}>{escape(t(col.title, lang))}</th>")
        for child in col.children:
            walk(child, level + 1)

    for col in columns:
        walk(col, 0)
    return rows


def _cell(value: Any, kind: str, no_data: str) -> str:
    """A table cell; `no_data` is the text of a missing value (empty in subtotal and totals lines)."""
    if value is None:
        return f'<td class="nodata">{escape(no_data)}</td>' if no_data else "<td></td>"
    if isinstance(value, Decimal | float) and kind == "decimal":
        return f'<td class="num">{float(value):.2f}</td>'
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f'<td class="num">{value}</td>'
    if isinstance(value, dt.date):
        return f"<td>{value.strftime('%d.%m.%Y')}</td>"
    return "<td>" + escape(str(value)).replace("\n", "<br>") + "</td>"


def render_html(rep: RenderedReport) -> str:
    """A self-contained printable HTML page of the report run (every value escaped)."""
    lang = rep.ctx.lang
    no_data = t(NO_DATA, lang)
    leaves = rep.leaves
    depth = max((c.depth() for c in rep.columns), default=1)
    parts = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{escape(rep.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(rep.title)}</h1>",
    ]
    if rep.view_title:
        parts.append(f'<p class="caption">{escape(t(CAPTION["view"], lang))}: {escape(rep.view_title)}</p>')
    for f in rep.ctx.filters.names:
        parts.append(f'<p class="caption">{escape(str(f["label"]))}: {escape(str(f["name"]))}</p>')
    if rep.result.data_as_of is not None:
        stamp = fmt_local(rep.result.data_as_of)
        parts.append(f'<p class="caption">{escape(t(CAPTION["as_of"], lang))}: {stamp}</p>')
    if rep.count_label:
        parts.append(f'<p class="caption"><b>{escape(rep.count_label)}</b></p>')
    parts.append("<table><thead>")
    for cells in _header_rows(rep.columns, depth, lang):
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</thead><tbody>")
    for row in rep.result.rows:
        sub = row.get("_kind") == "subtotal"
        missing = "" if sub else no_data  # subtotal and totals lines leave what they don't sum empty (as on screen)
        cls = ' class="subtotal"' if sub else ""
        parts.append(f"<tr{cls}>" + "".join(_cell(row.get(c.id), c.kind, missing) for c in leaves) + "</tr>")
    if rep.result.totals is not None:
        tot = rep.result.totals
        parts.append('<tr class="totals">' + "".join(_cell(tot.get(c.id), c.kind, "") for c in leaves) + "</tr>")
    parts.append("</tbody></table></body></html>")
    return "".join(parts)
