"""Rendering a report run: the run's result type, JSON, plural forms and the small value helpers of rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, literal

from api.services.reports import localtime
from api.services.reports.engine.types import (
    NO_DATA,
    NOT_TAUGHT,
    NOT_TAUGHT_LEGEND,
    TOTAL,
    Col,
    ReportContext,
    ReportDefinition,
    ReportResult,
    t,
)


@dataclass
class RenderedReport:
    """A report run: the definition, the context, its columns and the query result."""

    definition: ReportDefinition
    ctx: ReportContext
    columns: list[Col]
    result: ReportResult

    @property
    def leaves(self) -> list[Col]:
        """Leaf columns in order."""
        return [leaf for c in self.columns for leaf in c.leaves()]

    @property
    def title(self) -> str:
        """Title in the asked language."""
        return t(self.definition.title, self.ctx.lang)

    @property
    def count_label(self) -> str | None:
        """«Всего N ОУ» in the asked language."""
        label = self.definition.count_label
        if self.definition.view_count_labels and self.ctx.view in self.definition.view_count_labels:
            label = self.definition.view_count_labels[self.ctx.view]
        if label is None:
            return None
        return plural_forms(t(label, self.ctx.lang), self.result.count).format(n=self.result.count)

    @property
    def view_title(self) -> str | None:
        """The chosen view's title."""
        for v in self.definition.views:
            if v.id == self.ctx.view:
                return t(v.title, self.ctx.lang)
        return None


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def column_json(col: Col, lang: str) -> dict[str, Any]:
    """A column of the tree as JSON."""
    out: dict[str, Any] = {"id": col.id, "title": t(col.title, lang), "kind": col.kind}
    out["children"] = [column_json(c, lang) for c in col.children]
    return out


def render_json(rep: RenderedReport) -> dict[str, Any]:
    """The JSON body of GET /reports/{id}."""
    d, lang, res = rep.definition, rep.ctx.lang, rep.result
    rows = [{k: _jsonable(v) for k, v in row.items()} for row in res.rows]
    body: dict[str, Any] = {
        "id": d.id,
        "title": rep.title,
        "view": rep.ctx.view,
        "views": [{"id": v.id, "title": t(v.title, lang)} for v in d.views],
        "filters": rep.ctx.filters.names,
        "count": res.count,
        "count_label": rep.count_label,
        "columns": [column_json(c, lang) for c in rep.columns],
        "rows": rows,
        "totals": {k: _jsonable(v) for k, v in res.totals.items()} if res.totals is not None else None,
        "methodology": t(d.methodology, lang),
        "no_data": t(NO_DATA, lang),
        "not_taught": NOT_TAUGHT,
        "not_taught_legend": t(NOT_TAUGHT_LEGEND, lang),
        "data_as_of": _jsonable(res.data_as_of),
        "time_zone": localtime.TIME_ZONE,
        "chart": None,
        "page": None,
    }
    if d.paginated:
        body["page"] = {
            "page": rep.ctx.page,
            "page_size": rep.ctx.page_size,
            "total_rows": res.total_rows if res.total_rows is not None else len(rows),
        }
    if res.chart is not None:
        body["chart"] = dict(res.chart)
    elif d.chart is not None:
        body["chart"] = {"type": d.chart.type, "x": d.chart.x, "series": list(d.chart.series)}
    if body["chart"] is not None and "series_labels" not in body["chart"]:
        body["chart"]["series_labels"] = series_labels(rep, body["chart"].get("series", []))
    return body


def series_labels(rep: RenderedReport, series: Sequence[str]) -> dict[str, str]:
    """Each chart series' name in the asked language: the report's label for it, else its column's title."""
    lang = rep.ctx.lang
    labels = rep.definition.chart.labels if rep.definition.chart is not None else {}
    titles = {leaf.id: leaf.title for leaf in rep.leaves}
    out: dict[str, str] = {}
    for sid in series:
        text = labels.get(sid) or titles.get(sid)
        out[sid] = t(text, lang) if text is not None else sid
    return out


def has_not_taught(rows: Sequence[dict[str, Any]]) -> bool:
    """Whether any row has a «не преподаётся» cell (then the legend is shown)."""
    return any(row.get("_na") for row in rows)


def plural_forms(text: str, n: int) -> str:
    """Pick the Russian plural form in «{a|b|c}» (1 муниципалитет, 2 муниципалитета, 5 муниципалитетов)."""
    start = text.find("{")
    while start >= 0 and text[start : start + 3] == "{n}":
        start = text.find("{", start + 1)
    if start < 0 or "|" not in text[start:]:
        return text
    end = text.index("}", start)
    forms = text[start + 1 : end].split("|")
    if n % 10 == 1 and n % 100 != 11:
        form = forms[0]
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        form = forms[1]
    else:
        form = forms[-1]
    return text[:start] + form + text[end + 1 :]


def percent(part: int | None, whole: int | None) -> int | None:
    """Truncated percentage (1056 of 1772 → 59); None when the whole is zero or unknown."""
    if part is None or not whole:
        return None
    return (100 * part) // whole


def total_label_row(first_col: str, lang: str) -> dict[str, Any]:
    """A totals row with «Всего» in the first text column."""
    return {first_col: t(TOTAL, lang)}


def lit_true() -> ColumnElement[bool]:
    """A literal TRUE (for optional conditions)."""
    return literal(True)
