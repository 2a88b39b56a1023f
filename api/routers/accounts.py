"""Administration of the accounts of management bodies: /api/v1/accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from api.deps import AdminUser, SessionDep
from api.schemas.auth import AccountCreate, AccountList, AccountRead, AccountUpdate, PasswordReset, Role, Status
from api.services import accounts

router = APIRouter(prefix="/accounts", tags=["accounts"])

MAX_ID = 2**31 - 1
AccountId = Annotated[int, Path(gt=0, le=MAX_ID, description="the account (user) id")]


@router.get("", response_model=AccountList)
async def list_accounts(
    principal: AdminUser,
    session: SessionDep,
    organization_id: Annotated[
        int | None, Query(gt=0, le=MAX_ID, description="only accounts of this organization and below it")
    ] = None,
    q: Annotated[str | None, Query(max_length=100, description="part of the username or the name")] = None,
    role: Role | None = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AccountList:
    """Accounts of the management bodies in the administrator's subtree."""
    return await accounts.list_accounts(
        session,
        principal,
        organization_id=organization_id,
        q=q,
        role=role,
        status=status_,
        limit=limit,
        offset=offset,
    )


@router.post("", response_model=AccountRead, status_code=status.HTTP_201_CREATED)
async def create_account(
    body: AccountCreate, principal: AdminUser, session: SessionDep, request: Request
) -> AccountRead:
    """Create an account of a management body in the administrator's subtree (never a role above their own)."""
    return await accounts.create_account(session, principal, request, body)


@router.get("/{account_id}", response_model=AccountRead)
async def get_account(account_id: AccountId, principal: AdminUser, session: SessionDep) -> AccountRead:
    """One account; 404 when it is outside the administrator's subtree."""
    return await accounts.get_account(session, principal, account_id)


@router.patch("/{account_id}", response_model=AccountRead)
async def update_account(
    account_id: AccountId, body: AccountUpdate, principal: AdminUser, session: SessionDep, request: Request
) -> AccountRead:
    """Change role, management body or status (disable/enable); the account's existing tokens stop working."""
    return await accounts.update_account(session, principal, request, account_id, body)


@router.post("/{account_id}/password", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(
    account_id: AccountId, body: PasswordReset, principal: AdminUser, session: SessionDep, request: Request
) -> Response:
    """Set a new password for the account; its existing tokens stop working."""
    await accounts.reset_password(session, principal, request, account_id, body.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
