"""The tree of organizations and the geography, kept by administrators: /api/v1/tree."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ChildKind = Literal["regional_body", "district_body", "school"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrganizationFields(_Input):
    """Editable fields of an organization (all optional in an edit)."""

    name_ru: str | None = Field(default=None, min_length=1, max_length=500)
    name_kk: str | None = Field(default=None, min_length=1, max_length=500)
    short_name: str | None = Field(default=None, max_length=255)
    region_id: int | None = Field(default=None, gt=0, le=2**31 - 1)
    district_id: int | None = Field(default=None, gt=0, le=2**31 - 1)
    type_id: int | None = Field(default=None, gt=0, le=2**31 - 1)
    structure_id: int | None = Field(default=None, gt=0, le=2**31 - 1)
    postal_address: str | None = Field(default=None, max_length=500)
    building_address: str | None = Field(default=None, max_length=500)
    phones: str | None = Field(default=None, max_length=255)
    email: str | None = Field(default=None, max_length=255, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    website: str | None = Field(default=None, max_length=255)


class OrganizationCreate(OrganizationFields):
    """A new management body or educational organization under a body of the administrator's subtree."""

    kind: ChildKind
    parent_id: int = Field(gt=0, le=2**31 - 1)
    name_ru: str = Field(min_length=1, max_length=500)


class OrganizationMove(_Input):
    parent_id: int = Field(gt=0, le=2**31 - 1, description="the new parent: a management body of your subtree")


class OrganizationClose(_Input):
    closed_on: date | None = Field(default=None, description="default: today")


class TreeOrganization(BaseModel):
    id: int
    parent_id: int | None
    path: list[int]
    kind: str
    name_ru: str
    name_kk: str | None
    short_name: str | None
    region_id: int | None
    district_id: int | None
    type_id: int | None
    structure_id: int | None
    postal_address: str | None
    building_address: str | None
    phones: str | None
    email: str | None
    website: str | None
    closed_on: date | None


class RegionCreate(_Input):
    name_ru: str = Field(min_length=1, max_length=255)
    name_kk: str = Field(min_length=1, max_length=255)
    kind: Literal["oblast", "city"] = "oblast"


class RegionUpdate(_Input):
    name_ru: str | None = Field(default=None, min_length=1, max_length=255)
    name_kk: str | None = Field(default=None, min_length=1, max_length=255)
    kind: Literal["oblast", "city"] | None = None


class RegionRead(BaseModel):
    id: int
    name_ru: str
    name_kk: str
    kind: str


class DistrictCreate(_Input):
    region_id: int = Field(gt=0, le=2**31 - 1)
    name_ru: str = Field(min_length=1, max_length=255)
    name_kk: str = Field(min_length=1, max_length=255)
    kind: Literal["district", "city"] = "district"


class DistrictUpdate(_Input):
    name_ru: str | None = Field(default=None, min_length=1, max_length=255)
    name_kk: str | None = Field(default=None, min_length=1, max_length=255)
    kind: Literal["district", "city"] | None = None


class DistrictRead(BaseModel):
    id: int
    region_id: int
    name_ru: str
    name_kk: str
    kind: str


class ReferenceItem(BaseModel):
    """A value of a reference table (organization types, organizational structures)."""

    id: int
    code: str
    name_ru: str
    name_kk: str
    name_en: str


class ImportProblem(BaseModel):
    """A row the import refuses: its number, the column as headed in the file, a code and the reason."""

    row: int
    column: str
    code: str
    message: str
    value: str | None = None


class ImportCreate(BaseModel):
    """A school the file creates: its row, name and parent body, and the fields it gets (by column name)."""

    model_config = ConfigDict(extra="allow")

    row: int
    name: str
    parent: str


class ImportFieldChange(BaseModel):
    """One changed field of a school; type, structure and district by name."""

    field: str
    old: str | int | float | bool | None = None
    new: str | int | float | bool | None = None


class ImportChange(BaseModel):
    """A school the file changes, with the fields that differ."""

    row: int
    organization_id: int
    name: str
    fields: list[ImportFieldChange]


class RegistryImportResult(BaseModel):
    """The import's preview (applied false: nothing written) or its result (applied true: all written)."""

    file_hash: str
    rows: int
    creates: list[ImportCreate]
    changes: list[ImportChange]
    unchanged: int
    problems: list[ImportProblem]
    applied: bool
