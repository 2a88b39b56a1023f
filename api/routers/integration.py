"""/integration: API tokens (for administrators) and the bulk endpoints of the school systems (for tokens)."""

# No `from __future__ import annotations`: the per-kind endpoints are built in a loop and FastAPI
# must see their body types as real classes, not as strings to resolve.

import gc
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from api.deps import AdminUser, ApiTokenHeader, BearerCredentials, SessionDep
from api.errors import InvalidInput, Unauthorized, error_message
from api.schemas.feed import FeedPage
from api.schemas.integration import (
    Batch,
    BatchResult,
    DeleteBatch,
    TokenCreate,
    TokenCreated,
    TokenList,
    TokenRead,
)
from api.services import feed
from api.services.integration import batches, tokens
from api.services.integration.kinds.catalogue import KINDS
from api.services.integration.kinds.spec import Kind
from api.services.integration.tokens import TokenPrincipal


def batch_details(errors: list[Any]) -> list[dict[str, Any]]:
    """Pydantic errors of a batch body as [{index, field, message}]."""
    out: list[dict[str, Any]] = []
    for err in errors:
        loc = [p for p in err.get("loc", ()) if p != "body"]
        detail: dict[str, Any] = {"message": error_message(err)}
        if len(loc) >= 2 and loc[0] in ("items", "external_ids") and isinstance(loc[1], int):
            detail["index"] = loc[1]
            rest = [str(p) for p in loc[2:]]
            detail["field"] = ".".join(rest) if rest else str(loc[0])
        else:
            detail["field"] = ".".join(str(p) for p in loc) or "body"
        out.append(detail)
    return out


_batches_in_flight = 0


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a batch is handled.

    A 10,000-item batch allocates tens of thousands of short-lived containers; each allocation burst makes
    the collector walk the whole heap again and again (measured: a third of the batch's Python time).
    Reference counting still frees everything; the collector resumes when no batch is in flight.
    """
    global _batches_in_flight
    if _batches_in_flight == 0:
        gc.disable()
    _batches_in_flight += 1
    try:
        yield
    finally:
        _batches_in_flight -= 1
        if _batches_in_flight == 0:
            gc.enable()


class BatchRoute(APIRoute):
    """A route whose body validation errors name the item index and its field."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                with gc_paused():
                    return await handler(request)
            except RequestValidationError as exc:
                details = batch_details(list(exc.errors()))
                first = details[0] if details else {"field": "body", "message": "invalid"}
                where = f"items[{first['index']}].{first['field']}" if "index" in first else first["field"]
                more = f" (and {len(details) - 1} more problems)" if len(details) > 1 else ""
                raise InvalidInput(where, first["message"] + more, details=details) from exc

        return handle


async def token_principal(
    request: Request, session: SessionDep, api_key: ApiTokenHeader, bearer: BearerCredentials
) -> TokenPrincipal:
    """The school system calling: an API token from `X-API-Token` or `Authorization: Bearer`; never a JWT."""
    token = api_key or (bearer.credentials if bearer is not None else None)
    if not token:
        raise Unauthorized("authorization: send the API token in X-API-Token", headers={"WWW-Authenticate": "Bearer"})
    if not token.startswith(tokens.TOKEN_PREFIX):
        raise Unauthorized(
            "authorization: integration endpoints take an API token, not a login session",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = await tokens.authenticate(session, token)
    request.state.integration_token = principal  # the audit log names the token as the actor
    return principal


async def writer_principal(principal: Annotated[TokenPrincipal, Depends(token_principal)]) -> TokenPrincipal:
    """A token that may write (scope `write`); 403 for a read-only token."""
    tokens.require_scope(principal, "write")
    return principal


TokenDep = Annotated[TokenPrincipal, Depends(writer_principal)]

router = APIRouter(prefix="/integration", tags=["integration"])
bulk = APIRouter(route_class=BatchRoute)


def _read(row: Any) -> TokenRead:
    return TokenRead.model_validate(row)


@router.post("/tokens", response_model=TokenCreated, status_code=201)
async def create_token(body: TokenCreate, session: SessionDep, admin: AdminUser, request: Request) -> TokenCreated:
    """Create an API token for a school system (the token is shown in this answer only)."""
    row, secret = await tokens.create_token(
        session,
        name=body.name,
        organization_id=body.organization_id,
        external_system=body.external_system,
        kinds=body.kinds,
        scopes=list(body.scopes),
        created_by=admin,
        request=request,
    )
    return TokenCreated(**_read(row).model_dump(), token=secret)


@router.get("/tokens", response_model=TokenList)
async def list_tokens(session: SessionDep, admin: AdminUser) -> TokenList:
    """API tokens of the organizations in the administrator's subtree (without their secrets)."""
    rows = await tokens.list_tokens(session, admin)
    names = await tokens.organization_names(session, {r.organization_id for r in rows})
    items = [_read(r).model_copy(update={"organization_name_ru": names.get(r.organization_id)}) for r in rows]
    return TokenList(items=items, kinds=sorted(tokens.KINDS))


@router.delete("/tokens/{token_id}", response_model=TokenRead)
async def revoke_token(token_id: int, session: SessionDep, admin: AdminUser, request: Request) -> TokenRead:
    """Revoke an API token; it stops working at once."""
    return _read(await tokens.revoke_token(session, admin, token_id, request))


def _add_route(
    target: APIRouter, kind_name: str, endpoint: Any, method: str, verb: str, summary: str, description: str
) -> None:
    """One route of a kind at /{kind_name}, named `{verb}_{kind}` (its operation id); its response model is the
    endpoint's return annotation."""
    target.add_api_route(
        f"/{kind_name}",
        endpoint,
        methods=[method],
        name=f"{verb}_{kind_name.replace('-', '_')}",
        summary=summary,
        description=description,
    )


def _add_kind(kind: Kind) -> None:
    body_type = Batch[kind.item]  # type: ignore[name-defined]

    async def upsert(batch: body_type, request: Request, session: SessionDep, token: TokenDep) -> BatchResult:
        return await batches.upsert(session, token, kind.name, batch.items, request)

    _add_route(
        bulk,
        kind.name,
        upsert,
        "POST",
        "upsert",
        f"Create or update {kind.name} by external id",
        f"Bulk upsert of up to 10,000 {kind.name}, keyed by the source system's external ids; all-or-nothing, "
        "idempotent. Problems: 422 with every one listed as {index, field, message}. "
        f"Item: {(kind.item.__doc__ or '').strip()}",
    )
    if kind.deletable:

        async def delete(body: DeleteBatch, request: Request, session: SessionDep, token: TokenDep) -> BatchResult:
            return await batches.delete(session, token, kind.name, body.external_ids, request)

        _add_route(
            bulk,
            kind.name,
            delete,
            "DELETE",
            "delete",
            f"Delete {kind.name} by external id",
            "Delete up to 10,000 rows by external id, all-or-nothing; unknown ids count as unchanged.",
        )


def _add_feed(kind_name: str) -> None:
    async def follow(
        session: SessionDep,
        token: Annotated[TokenPrincipal, Depends(token_principal)],
        cursor: Annotated[str | None, Query(max_length=64, description="next_cursor of the previous page")] = None,
        limit: Annotated[int, Query(description=f"rows per page, 1–{feed.MAX_LIMIT}")] = feed.DEFAULT_LIMIT,
    ) -> FeedPage:
        return FeedPage.model_validate(await feed.page(session, token, kind_name, cursor, limit))

    _add_route(
        router,
        kind_name,
        follow,
        "GET",
        "feed",
        f"Follow the changes of {kind_name}",
        f"The change feed of {kind_name} in the read token's subtree, in commit-safe order: rows changed after "
        "`cursor` as they are now, deletions as tombstones, and `next_cursor`. An empty page means up to date. "
        "See docs/integrators.md.",
    )


for _kind in KINDS.values():
    _add_kind(_kind)
router.include_router(bulk)
for _name in feed.FEED_KINDS:
    _add_feed(_name)
