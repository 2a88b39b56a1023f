"""The CSV export of any report, for machines: one header line, the rows, the totals row.

- the header is the column tree flattened: each leaf's title prefixed by its groups' titles, joined with « / »
  («Пользователи / Ученики / Всего»);
- numbers are plain numbers with «.» as the decimal separator (no thousands separators, no exponent);
- a missing value («нет данных» on screen) is an empty field; a cell that does not apply («не преподаётся»)
  is «—», as on screen; dates are ISO (YYYY-MM-DD);
- the totals row, when the report has one, comes last, with «Всего» (in the asked language) where the screen
  shows it.
The caller encodes the text as UTF-8 with a BOM (Excel then reads it as UTF-8).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from api.services.reports.engine import NOT_TAUGHT, Col, RenderedReport, t


def flat_header(columns: Iterable[Col], lang: str, prefix: tuple[str, ...] = ()) -> list[str]:
    """The leaf titles in order, each with its groups' titles before it, joined with « / »."""
    out: list[str] = []
    for col in columns:
        path = (*prefix, t(col.title, lang))
        if col.children:
            out.extend(flat_header(col.children, lang, path))
        else:
            out.append(" / ".join(path))
    return out


def csv_value(value: Any) -> str:
    """A cell as CSV text: numbers plain with «.», dates ISO, missing empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else value
        if not number.is_finite():
            return ""
        text = format(number, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def render_csv(rep: RenderedReport, delimiter: str = ",") -> str:
    """The report (all its rows) as CSV text, without the BOM."""
    ids = [leaf.id for leaf in rep.leaves]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(flat_header(rep.columns, rep.ctx.lang))
    for row in rep.result.rows:
        na = row.get("_na") or ()
        writer.writerow([NOT_TAUGHT if i in na else csv_value(row.get(i)) for i in ids])
    totals = rep.result.totals
    if totals is not None:
        writer.writerow([csv_value(totals.get(i)) for i in ids])
    return out.getvalue()


__all__ = ["csv_value", "flat_header", "render_csv"]
