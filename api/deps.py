"""Request-scoped dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.db import session_scope


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async for session in session_scope(request.app.state.sessionmaker):
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is an error response.
SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]
