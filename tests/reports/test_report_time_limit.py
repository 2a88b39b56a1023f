"""`run_report` applies the report statement limit (stricter than the general one) to every report it runs."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.config import get_settings
from api.services.reports import catalogue
from api.services.reports.engine import Col, ReportContext, ReportDefinition, ReportResult
from tests import factories as fx


async def _slow_query(ctx: ReportContext) -> ReportResult:
    """A report whose SQL takes two seconds: far under no limit in the tests' own connection, over the report's."""
    slept = await ctx.session.scalar(text("SELECT count(*) FROM pg_sleep(2)"))
    return ReportResult(rows=[{"n": slept}], count=1)


SLOW = ReportDefinition(
    id="test.slow",
    title={"ru": "Медленный", "kk": "Баяу", "en": "Slow"},
    section="management",
    filters=(),
    columns=(Col("n", {"ru": "N", "kk": "N", "en": "N"}, "int"),),
    methodology={"ru": "-", "kk": "-", "en": "-"},
    query=_slow_query,
)


async def test_a_report_over_the_report_statement_limit_answers_503_timeout(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogue, "REPORTS", (SLOW,))
    monkeypatch.setenv("BILIM_DB_REPORT_STATEMENT_TIMEOUT_MS", "300")
    get_settings.cache_clear()
    try:
        w = await fx.world(db)
        user = await fx.app_user(db, w.body_a)
        r = await client.get("/api/v1/reports/test.slow", headers=fx.auth_headers(user))
    finally:
        get_settings.cache_clear()
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "timeout"
    for leak in ("pg_sleep", "SELECT", "asyncpg"):
        assert leak not in r.text
