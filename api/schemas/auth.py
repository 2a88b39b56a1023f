"""Schemas of login, the current user and the administration of accounts."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

Role = Literal["employee", "admin"]
Status = Literal["active", "disabled"]

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def _username(value: str) -> str:
    """Usernames are stored lower-case: "District.City" becomes "district.city"."""
    value = value.strip().lower()
    if not USERNAME_RE.fullmatch(value):
        raise ValueError("use 3–64 characters: latin letters, digits, '.', '_' or '-', starting with a letter or digit")
    return value


Username = Annotated[str, AfterValidator(_username)]
# Long enough to be worth guessing, short enough that hashing it is cheap.
NewPassword = Annotated[str, Field(min_length=8, max_length=128)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginRequest(_Input):
    """Credentials of an account of a management body."""

    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=1024)


class PasswordChange(_Input):
    """The current password and a new one."""

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: NewPassword


class TokenResponse(BaseModel):
    """An access token for the Authorization header; the refresh token is set as an httpOnly cookie."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds until the access token expires")


class MePerson(BaseModel):
    id: int
    surname: str
    first_name: str
    patronymic: str | None
    full_name: str
    email: str | None
    phone: str | None


class MeOrganization(BaseModel):
    id: int
    kind: str
    name_ru: str
    name_kk: str | None
    short_name: str | None
    region_id: int | None
    district_id: int | None
    path: list[int] = Field(description="organization ids from the root of the tree down to this one")


class MeScope(BaseModel):
    """The subtree the user may see: their management body and everything below it."""

    root_organization_id: int
    organizations: int
    schools: int
    management_bodies: int


class MeResponse(BaseModel):
    """The logged-in user."""

    id: int
    username: str
    role: Role
    status: Status
    last_seen_at: datetime | None
    person: MePerson | None
    organization: MeOrganization
    scope: MeScope
    must_change_password: bool = False


class AccountPersonCreate(_Input):
    """A new person for the account (when the employee is not in the people registry yet)."""

    surname: str = Field(min_length=1, max_length=128)
    first_name: str = Field(min_length=1, max_length=128)
    patronymic: str | None = Field(default=None, max_length=128)
    email: str | None = Field(default=None, max_length=255, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, max_length=64)


class AccountCreate(_Input):
    """A new account of an employee or administrator of a management body in the administrator's subtree."""

    username: Username
    password: NewPassword
    organization_id: int = Field(gt=0)
    role: Role = "employee"
    person_id: int | None = Field(default=None, gt=0, description="an existing person with a post in your subtree")
    person: AccountPersonCreate | None = None


class AccountUpdate(_Input):
    """Change role, management body or status; any change ends the account's sessions at once."""

    role: Role | None = None
    organization_id: int | None = Field(default=None, gt=0)
    status: Status | None = None


class PasswordReset(_Input):
    """A new password set by an administrator; the account's sessions end."""

    password: NewPassword


class AccountOrganization(BaseModel):
    id: int
    kind: str
    name_ru: str
    name_kk: str | None


class AccountRead(BaseModel):
    """An account of a management body."""

    id: int
    username: str
    role: Role
    status: Status
    organization: AccountOrganization
    person_id: int | None
    full_name: str | None
    email: str | None
    last_seen_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AccountList(BaseModel):
    total: int
    items: list[AccountRead]
