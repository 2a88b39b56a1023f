"""Running a report: check the view, the page and the filters, run the query, number the rows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from api.db import limit_report_time, replica_data_as_of
from api.errors import InvalidInput
from api.services.reports import localtime
from api.services.reports.engine.filters import resolve_filters
from api.services.reports.engine.render import RenderedReport
from api.services.reports.engine.types import LANGS, ReportContext, ReportDefinition, ReportParams
from api.services.scope import Principal


async def run_report(
    session: AsyncSession,
    principal: Principal,
    definition: ReportDefinition,
    params: ReportParams,
    *,
    unpaged: bool = False,
) -> RenderedReport:
    """Limit the statement time, check the filters, run the query function and number the rows."""
    lang = params.lang if params.lang in LANGS else "ru"
    view = params.view
    if definition.views:
        ids = [v.id for v in definition.views]
        if view is None:
            view = ids[0]
        elif view not in ids:
            raise InvalidInput("view", f"unknown view {view!r}; one of {', '.join(ids)}")
    elif view is not None:
        raise InvalidInput("view", f"the report {definition.id} has no views")
    if params.page < 1:
        raise InvalidInput("page", "must be 1 or more")
    if not 1 <= params.page_size <= 1000:
        raise InvalidInput("page_size", "must be between 1 and 1000")
    # The one place the report statement limit (settings.db_report_statement_timeout_ms, stricter than the general
    # one) is applied: it holds for the filter look-ups and the query, to the end of the transaction.
    await limit_report_time(session)
    filters = await resolve_filters(session, principal, definition, params, lang)
    ctx = ReportContext(session, principal, definition, lang, view, filters, params.page, params.page_size, unpaged)
    result = await definition.query(ctx)
    if result.data_as_of is None:
        # The aggregates change in the writing transactions themselves: what this read sees is current now, or, on
        # a standby, as of the last commit it has replayed.
        result.data_as_of = await replica_data_as_of(session) or localtime.now()
    result.data_as_of = localtime.local(result.data_as_of)
    if definition.numbered:
        no = ctx.offset
        for row in result.rows:
            if row.get("_kind") in (None, "row"):
                no += 1
                row["no"] = no
    return RenderedReport(definition, ctx, definition.column_tree(ctx), result)
