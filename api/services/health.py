"""Health: database reachable and migrations at head."""

from __future__ import annotations

from functools import lru_cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api import __version__
from api.config import PROJECT_ROOT
from api.schemas.health import HealthRead


@lru_cache
def expected_heads() -> tuple[str, ...]:
    """The migration heads this code expects (from the migrations folder)."""
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return tuple(sorted(ScriptDirectory.from_config(cfg).get_heads()))


async def check(session: AsyncSession) -> HealthRead:
    """Ask the database for its applied revisions and compare with the code's heads."""
    applied = sorted((await session.scalars(text("SELECT version_num FROM alembic_version"))).all())
    heads = list(expected_heads())
    at_head = applied == heads
    return HealthRead(
        status="ok" if at_head else "degraded",
        database=True,
        migrations_at_head=at_head,
        migration_revisions=applied,
        expected_revisions=heads,
        version=__version__,
    )
