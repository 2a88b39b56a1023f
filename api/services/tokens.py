"""JWT access and refresh tokens: one pinned algorithm, `exp` checked, the kind told apart by a claim."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from jose import JWTError, jwt

from api.config import Settings
from api.errors import Unauthorized

TokenKind = Literal["access", "refresh"]


def encode(
    settings: Settings,
    *,
    user_id: int,
    token_version: int,
    kind: TokenKind,
    ttl_seconds: int,
    extra: dict[str, Any] | None = None,
) -> str:
    """Sign a token for the user; `ver` is the user's token_version at issue time."""
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "ver": token_version,
        "typ": kind,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    if extra:
        claims.update(extra)
    return str(jwt.encode(claims, settings.secret_key, algorithm=settings.jwt_algorithm))


def decode(settings: Settings, token: str, kind: TokenKind) -> dict[str, Any]:
    """Verify signature (pinned algorithm), expiry and kind; 401 otherwise."""
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != settings.jwt_algorithm:
            raise Unauthorized("token: algorithm not accepted")
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[settings.jwt_algorithm],
            options={"require_exp": True, "require_sub": True},
        )
    except JWTError as exc:
        raise Unauthorized("token: invalid or expired") from exc
    if claims.get("typ") != kind:
        raise Unauthorized(f"token: not an {kind} token")
    if not str(claims.get("sub", "")).isdigit() or not isinstance(claims.get("ver"), int):
        raise Unauthorized("token: malformed claims")
    return claims
