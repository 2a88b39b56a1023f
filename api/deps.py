"""Request-scoped dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from api.db import session_scope
from api.errors import Forbidden, PasswordChangeRequired, Unauthorized
from api.services.integration.tokens import TOKEN_PREFIX
from api.services.scope import Principal
from api.services.sessions import authenticate_request


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async for session in session_scope(request.app.state.sessionmaker):
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is an error response.
SessionDep = Annotated[AsyncSession, Depends(_session, scope="function")]


# The two ways a caller sends a credential, declared once (OpenAPI keeps one security scheme per class).
BearerCredentials = Annotated[
    HTTPAuthorizationCredentials | None,
    Depends(
        HTTPBearer(
            auto_error=False,
            description=f"Access token from POST /api/v1/auth/login, or an API token (`{TOKEN_PREFIX}…`) of a school "
            "system",
        )
    ),
]
ApiTokenHeader = Annotated[
    str | None,
    Depends(
        APIKeyHeader(
            name="X-API-Token",
            auto_error=False,
            description="API token of a school system: the `write` scope for the integration API, `read` for reports",
        )
    ),
]


def sent_api_token(api_key: str | None, bearer: HTTPAuthorizationCredentials | None) -> str | None:
    """The API token sent in `X-API-Token`, or as `Authorization: Bearer` when it has the API token prefix."""
    if api_key is not None:
        return api_key
    if bearer is not None and bearer.credentials.startswith(TOKEN_PREFIX):
        return bearer.credentials
    return None


async def optional_principal(request: Request, session: SessionDep, credentials: BearerCredentials) -> Principal | None:
    """The caller when a valid bearer token is sent, else None (anonymous)."""
    if credentials is None:
        return None
    if credentials.scheme.lower() != "bearer":
        raise Unauthorized("authorization: a bearer token is required")
    if credentials.credentials.startswith(TOKEN_PREFIX):
        return None  # an API token, not a user's session: the routes that take one (reports) check it themselves
    principal = await authenticate_request(session, request.app.state.settings, credentials.credentials)
    request.state.principal = principal
    return principal


# What a user with a one-time password may do: see who they are and set their own password.
ALLOWED_BEFORE_PASSWORD_CHANGE = frozenset({"/api/v1/auth/me", "/api/v1/auth/password"})


async def current_principal(request: Request, principal: Principal | None = Depends(optional_principal)) -> Principal:
    """The authenticated caller; 401 for anonymous requests, 403 while a one-time password must be changed."""
    if principal is None:
        raise Unauthorized("authorization: log in first", headers={"WWW-Authenticate": "Bearer"})
    if principal.must_change_password and request.url.path not in ALLOWED_BEFORE_PASSWORD_CHANGE:
        raise PasswordChangeRequired("password: set your own password first (POST /api/v1/auth/password)")
    return principal


async def admin_principal(principal: Principal = Depends(current_principal)) -> Principal:
    """An administrator of a management body; 403 for employees."""
    if not principal.is_admin:
        raise Forbidden("only an administrator of the management body may do this")
    return principal


OptionalUser = Annotated[Principal | None, Depends(optional_principal)]
CurrentUser = Annotated[Principal, Depends(current_principal)]
AdminUser = Annotated[Principal, Depends(admin_principal)]
