"""Login, refresh-token rotation, logout and the current user: /api/v1/auth."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Request, Response, status
from fastapi.responses import JSONResponse

from api.config import Settings
from api.deps import CurrentUser, SessionDep
from api.errors import DomainError, envelope
from api.schemas.auth import LoginRequest, MeResponse, PasswordChange, TokenResponse
from api.services import auth, sessions
from api.services.sessions import IssuedTokens

router = APIRouter(prefix="/auth", tags=["auth"])

REFRESH_COOKIE = "bilim_refresh"
# The cookie only travels to the auth endpoints, never with ordinary API calls.
COOKIE_PATH = "/api/v1/auth"

_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "wrong credentials, or a missing, invalid, reused or revoked refresh token"},
    429: {"description": "too many failed logins; see Retry-After"},
}

RefreshCookie = Annotated[str | None, Cookie(alias=REFRESH_COOKIE, include_in_schema=False)]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _error(err: DomainError, *, clear_cookie: bool = False, settings: Settings | None = None) -> JSONResponse:
    response = envelope(err.status_code, err.code, err.message, err.details, err.headers)
    if clear_cookie and settings is not None:
        _clear_cookie(response, settings)
    return response


def _secure(settings: Settings) -> bool:
    # Browsers drop Secure cookies on plain http, which dev and test use.
    return settings.environment == "prod"


def _set_cookie(response: Response, settings: Settings, issued: IssuedTokens) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        issued.refresh_token,
        max_age=issued.refresh_expires_in,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(settings),
    )


def _clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(REFRESH_COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict", secure=_secure(settings))


def _tokens(response: Response, settings: Settings, issued: IssuedTokens) -> TokenResponse:
    _set_cookie(response, settings, issued)
    response.headers["Cache-Control"] = "no-store"
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in)


@router.post("/login", response_model=TokenResponse, responses=_ERRORS)
async def login(
    body: LoginRequest, request: Request, response: Response, session: SessionDep
) -> Response | TokenResponse:
    """Log in: an access token in the answer, the refresh token in an httpOnly SameSite=Strict cookie."""
    settings = _settings(request)
    # The password is checked holding no database connection (see auth.login): a burst of logins queues for the
    # hashing threads, not for the pool.
    result = await auth.login(session, settings, request, body.username, body.password)
    if isinstance(result, DomainError):
        return _error(result)
    return _tokens(response, settings, result)


@router.post("/refresh", response_model=TokenResponse, responses=_ERRORS)
async def refresh(
    request: Request, response: Response, session: SessionDep, refresh_token: RefreshCookie = None
) -> Response | TokenResponse:
    """Exchange the refresh cookie for a new access token and a new refresh cookie (the old one is spent)."""
    settings = _settings(request)
    result = await sessions.refresh(session, settings, request, refresh_token)
    if isinstance(result, DomainError):
        return _error(result, clear_cookie=True, settings=settings)
    return _tokens(response, settings, result)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(request: Request, session: SessionDep, refresh_token: RefreshCookie = None) -> Response:
    """End this login: its refresh tokens are revoked and the cookie is cleared."""
    # The login is named by the refresh cookie, or else by the bearer token; its access tokens end with it.
    settings = _settings(request)
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    await sessions.logout(session, settings, refresh_token, bearer.strip() if scheme.lower() == "bearer" else None)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    _clear_cookie(response, settings)
    return response


@router.post(
    "/password",
    response_model=TokenResponse,
    responses={422: {"description": "wrong current password, or a new one that is too short"}, 429: _ERRORS[429]},
)
async def change_password(
    body: PasswordChange, principal: CurrentUser, request: Request, response: Response, session: SessionDep
) -> Response | TokenResponse:
    """Change one's own password: every other session ends; this one gets new tokens and a new refresh cookie."""
    settings = _settings(request)
    result = await auth.change_password(session, settings, request, principal, body.current_password, body.new_password)
    if isinstance(result, DomainError):
        return _error(result)
    return _tokens(response, settings, result)


@router.get("/me", response_model=MeResponse)
async def me(principal: CurrentUser, session: SessionDep) -> MeResponse:
    """The logged-in user: person, management body, role and the scope of organizations they see."""
    return await auth.me(session, principal)
