"""The app's connections plan prepared statements once (generic plans) unless a setting says otherwise."""

from __future__ import annotations

from sqlalchemy import text

from api.config import Settings
from api.db import make_engine


async def _mode(url: str, settings: Settings) -> str:
    engine = make_engine(url, settings)
    try:
        async with engine.connect() as conn:
            return str(await conn.scalar(text("SHOW plan_cache_mode")))
    finally:
        await engine.dispose()


async def test_generic_plans_by_default(database_url: str) -> None:
    """A statement over the school-year partitions is planned once per connection, not at every execution."""
    assert await _mode(database_url, Settings()) == "force_generic_plan"


async def test_the_setting_chooses_the_mode(database_url: str) -> None:
    assert await _mode(database_url, Settings(db_plan_cache_mode="auto")) == "auto"
