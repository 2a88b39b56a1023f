"""The routes that create, change and delete one row of an organization's profile (or an announcement).

Each is a single service call with the caller's session and principal and an id in the path (the parent's for a
create, the row's own for a write or delete): a create answers 201 with the row's read schema, a write the read
schema, a delete 204. What differs from route to route (path, schemas, service, name,
description) is declared where the row's other routes are; the endpoint itself is written once here, and the
OpenAPI operation (its id, summary, description, parameters) is the one the hand-written endpoint had.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.config import Settings
from api.deps import CurrentUser, SessionDep


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def _param(name: str, annotation: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=annotation)


class RowRoutes:
    """The write and delete routes of one kind of row at `path`, whose last path parameter is the row's id."""

    def __init__(self, router: APIRouter, path: str, read: Any = None) -> None:
        self.router = router
        self.path = path
        self.read = read
        self.id_name = re.findall(r"\{(\w+)\}", path)[-1]

    def create(
        self, parent_path: str, name: str, service: Callable[..., Awaitable[Any]], write: Any, description: str
    ) -> None:
        """POST a `write` body to `parent_path` (its last path parameter is the parent's id), answered by
        `service(session, principal, parent_id, data)`: 201 with the new row."""
        parent_id = re.findall(r"\{(\w+)\}", parent_path)[-1]

        async def endpoint(**kw: Any) -> Any:
            return await service(kw["session"], kw["principal"], kw[parent_id], kw["data"])

        params = [_param(parent_id, int), _param("data", write), *_caller()]
        self._add(endpoint, params, self.read, parent_path, "post", name, description, status.HTTP_201_CREATED)

    def write(
        self,
        method: str,
        name: str,
        service: Callable[..., Awaitable[Any]],
        write: Any,
        description: str,
    ) -> None:
        """`method` with a `write` body, answered by `service(session, principal, row_id, data)`."""

        async def endpoint(**kw: Any) -> Any:
            return await service(kw["session"], kw["principal"], kw[self.id_name], kw["data"])

        params = [_param(self.id_name, int), _param("data", write), *_caller()]
        self._add(endpoint, params, self.read, self.path, method, name, description)

    def delete(
        self, name: str, service: Callable[..., Awaitable[None]], description: str, *, with_settings: bool = False
    ) -> None:
        """DELETE the row: `service(session, principal, row_id)`, or `service(session, settings, principal, row_id)`
        when it also removes stored files; 204."""

        async def endpoint(**kw: Any) -> Response:
            settings = (settings_of(kw["request"]),) if with_settings else ()
            await service(kw["session"], *settings, kw["principal"], kw[self.id_name])
            return Response(status_code=status.HTTP_204_NO_CONTENT)

        request = [_param("request", Request)] if with_settings else []
        params = [_param(self.id_name, int), *request, *_caller()]
        self._add(endpoint, params, Response, self.path, "delete", name, description, status.HTTP_204_NO_CONTENT)

    def _add(
        self,
        endpoint: Callable[..., Awaitable[Any]],
        params: list[inspect.Parameter],
        returns: Any,
        path: str,
        method: str,
        name: str,
        description: str,
        status_code: int | None = None,
    ) -> None:
        endpoint.__name__ = endpoint.__qualname__ = name
        endpoint.__doc__ = description
        endpoint.__signature__ = inspect.Signature(params, return_annotation=returns)  # type: ignore[attr-defined]
        response_model = None if returns is Response else returns
        self.router.add_api_route(
            path, endpoint, methods=[method.upper()], response_model=response_model, status_code=status_code, name=name
        )


def _caller() -> list[inspect.Parameter]:
    return [_param("session", SessionDep), _param("principal", CurrentUser)]
