"""RowRoutes: a declared create, edit or delete route documents itself like the hand-written endpoint it replaces."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response, status
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep
from api.routers.owned import RowRoutes, settings_of


class ThingWrite(BaseModel):
    name: str


class ThingRead(BaseModel):
    id: int
    name: str


async def _create(*args: Any) -> ThingRead:
    return ThingRead(id=2, name="y")


async def _update(*args: Any) -> ThingRead:
    return ThingRead(id=1, name="x")


async def _delete(*args: Any) -> None:
    return None


def _hand_written() -> APIRouter:
    router = APIRouter()

    @router.post("/boxes/{box_id}/things", response_model=ThingRead, status_code=status.HTTP_201_CREATED)
    async def create_thing(box_id: int, data: ThingWrite, session: SessionDep, principal: CurrentUser) -> ThingRead:
        """Put a thing in a box."""
        return await _create(session, principal, box_id, data)

    @router.patch("/things/{thing_id}", response_model=ThingRead)
    async def update_thing(thing_id: int, data: ThingWrite, session: SessionDep, principal: CurrentUser) -> ThingRead:
        """Change a thing."""
        return await _update(session, principal, thing_id, data)

    @router.delete("/things/{thing_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_thing(thing_id: int, request: Request, session: SessionDep, principal: CurrentUser) -> Response:
        """Delete a thing with its files."""
        await _delete(session, settings_of(request), principal, thing_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


def _declared() -> APIRouter:
    router = APIRouter()
    thing = RowRoutes(router, "/things/{thing_id}", ThingRead)
    thing.create("/boxes/{box_id}/things", "create_thing", _create, ThingWrite, "Put a thing in a box.")
    thing.write("patch", "update_thing", _update, ThingWrite, "Change a thing.")
    thing.delete("delete_thing", _delete, "Delete a thing with its files.", with_settings=True)
    return router


def _openapi(router: APIRouter) -> dict[str, Any]:
    app = FastAPI()
    app.include_router(router)
    return app.openapi()


def test_declared_routes_document_like_hand_written_ones() -> None:
    assert _openapi(_declared()) == _openapi(_hand_written())
