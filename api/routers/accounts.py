"""Administration of the accounts of management bodies: /api/v1/accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile, status

from api.deps import AdminUser, SessionDep
from api.schemas.accounts_bulk import BulkPreview
from api.schemas.auth import AccountCreate, AccountList, AccountRead, AccountUpdate, PasswordReset, Role, Status
from api.services import accounts, accounts_bulk
from api.services.profile.uploads import DOWNLOAD_HEADERS, content_disposition, read_limited

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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BulkFile = Annotated[UploadFile, File(description="an .xlsx of surname, name, patronymic, body, position, role, login")]


@router.post("/bulk/preview", response_model=BulkPreview)
async def preview_bulk(file: BulkFile, principal: AdminUser, session: SessionDep) -> BulkPreview:
    """What an .xlsx of people would create in the administrator's subtree, and its problems; writes nothing."""
    content = await read_limited(file, accounts_bulk.MAX_BYTES)
    return await accounts_bulk.preview(session, principal, content)


@router.post(
    "/bulk",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "the logins and one-time passwords, delivered once"}},
)
async def create_bulk(file: BulkFile, principal: AdminUser, session: SessionDep, request: Request) -> Response:
    """Create every account of the file or none (422 naming row and column); the answer is the only copy of the
    one-time passwords, as an .xlsx; each account must change its password at the first login."""
    content = await read_limited(file, accounts_bulk.MAX_BYTES)
    data = await accounts_bulk.create(session, principal, request, content)
    headers = {
        **DOWNLOAD_HEADERS,
        "Content-Disposition": content_disposition("accounts-passwords.xlsx"),
        "Cache-Control": "no-store",
    }
    return Response(data, media_type=XLSX, headers=headers)


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
