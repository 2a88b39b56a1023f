"""GET /health."""

from fastapi import APIRouter

from api.deps import SessionDep
from api.schemas.health import HealthRead
from api.services import health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthRead)
async def get_health(session: SessionDep) -> HealthRead:
    """Database reachable, migrations at head, app version."""
    return await health.check(session)
