"""Request body limits per route, enforced before and while the body is read (413 with the error envelope).

JSON routes take `max_body_bytes` (1 MiB), the integration API `max_integration_body_bytes` (a batch of 10,000
items) and the upload routes (multipart with a file) the upload limit plus the multipart framing. A declared
Content-Length over the limit is refused before anything is read; a body without one (chunked) is counted as it
streams in and refused as soon as it passes the limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi import FastAPI, params
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import MiB, Settings
from api.errors import envelope
from api.services.profile.uploads import MAX_UPLOAD_BYTES

INTEGRATION_PREFIX = "/api/v1/integration"
UPLOAD_BODY_BYTES = MAX_UPLOAD_BYTES + 1 * MiB  # the file plus the multipart framing and the other form fields


class _TooLarge(Exception):
    pass


def _routes(app: FastAPI) -> Iterator[tuple[APIRoute, set[str], str]]:
    """Every API route with its methods and full path (FastAPI ≥ 0.16x keeps included routers nested)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are copied into app.routes
        for route in app.routes:
            if isinstance(route, APIRoute):
                yield route, set(route.methods or ()), route.path
        return
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute) and ctx.path:
            yield route, set(ctx.methods or ()), ctx.path


def upload_routes(app: FastAPI) -> list[tuple[set[str], re.Pattern[str]]]:
    """(methods, path pattern) of the routes that take a file (multipart), found once per app."""
    cached: list[tuple[set[str], re.Pattern[str]]] | None = getattr(app.state, "upload_routes", None)
    if cached is None:
        cached = []
        for route, methods, path in _routes(app):
            if any(isinstance(p.field_info, params.File) for p in route.dependant.body_params):
                pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))
                cached.append((methods, re.compile(f"^{pattern}$")))
        app.state.upload_routes = cached
    return cached


def body_limit(app: FastAPI, method: str, path: str) -> int:
    """The most a request to this route may send."""
    settings: Settings = app.state.settings
    if path.startswith(INTEGRATION_PREFIX):
        return settings.max_integration_body_bytes
    if any(method in methods and pattern.match(path) for methods, pattern in upload_routes(app)):
        return max(UPLOAD_BODY_BYTES, settings.max_body_bytes)
    return settings.max_body_bytes


class BodyLimit:
    """ASGI middleware: refuse bodies over the route's limit with 413, without reading them whole."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length, then count the body as the app reads it."""
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["app"], scope["method"], scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return

        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # whatever the app made of the interrupted read; the 413 below answers instead
            started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(scope, receive, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        message = f"larger than the limit of {limit} bytes for this route"
        response = envelope(
            413, "payload_too_large", f"request body: {message}", details=[{"field": "body", "message": message}]
        )
        await response(scope, receive, send)
