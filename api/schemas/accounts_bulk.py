"""Accounts in bulk: the preview of an uploaded .xlsx."""

from __future__ import annotations

from pydantic import BaseModel, Field


class BulkProblem(BaseModel):
    """A problem of the file: its row (as the spreadsheet numbers it), column and a code the SPA words."""

    row: int | None = Field(description="the sheet's row number; none for the whole file")
    column: str | None = Field(description="surname, first_name, patronymic, body, position, role or username")
    column_letter: str | None = Field(default=None, description="the column as the spreadsheet names it (A, B, …)")
    code: str = Field(
        description="missing_column, empty, too_many_rows, required, too_long, unknown_body, ambiguous_body,"
        " unknown_role, role_above_own, login_invalid, login_taken, login_repeated"
    )
    message: str = Field(description="the problem in English (the SPA shows the code in the user's language)")


class BulkRow(BaseModel):
    """An account the file would create."""

    row: int
    surname: str
    first_name: str
    patronymic: str | None
    organization_id: int | None
    organization_name: str
    position: str | None
    role: str
    username: str | None = Field(description="the login given, or the one generated")


class BulkPreview(BaseModel):
    rows: list[BulkRow]
    problems: list[BulkProblem]
    max_rows: int
