"""Authentication of browser users by bearer access token."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.config import Settings
from api.errors import Unauthorized
from api.models import User
from api.services import tokens
from api.services.scope import Principal


async def principal_from_token(session: AsyncSession, settings: Settings, token: str) -> Principal:
    """Check the access token against the user row: active, app role, same token_version."""
    claims = tokens.decode(settings, token, "access")
    user = await session.scalar(select(User).where(User.id == int(claims["sub"])))
    if user is None or user.status != "active" or user.app_role is None or user.token_version != claims["ver"]:
        raise Unauthorized("token: no longer valid")
    return Principal(
        user_id=user.id,
        person_id=user.person_id,
        organization_id=user.organization_id,
        role=user.app_role,
        username=user.username or "",
    )


def issue_access_token(settings: Settings, user: User) -> str:
    """A short-lived access token for the user."""
    return tokens.encode(
        settings,
        user_id=user.id,
        token_version=user.token_version,
        kind="access",
        ttl_seconds=settings.access_token_ttl_seconds,
    )
