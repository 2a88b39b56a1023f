"""Schemas of the report API: catalogue, filter options and the report body."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class ReportView(BaseModel):
    """A form (tab) of a report."""

    id: str
    title: str


class ReportCatalogItem(BaseModel):
    """A report the caller may open: id, titles, section, the filters it takes and its views."""

    id: str
    title: str
    titles: dict[str, str]
    section: str
    filters: list[str]
    views: list[ReportView]
    requires_organization: bool
    paginated: bool
    formats: list[str]


class ReportCatalog(BaseModel):
    """The report catalogue."""

    items: list[ReportCatalogItem]


class OptionItem(BaseModel):
    """One value of a filter: id and name (and the parent it belongs to where it has one)."""

    id: int
    name: str
    parent_id: int | None = None


class ReportOptions(BaseModel):
    """Cascade filter values within the caller's scope, each narrowed by the values chosen above it."""

    bodies: list[OptionItem]
    regions: list[OptionItem]
    districts: list[OptionItem]
    org_types: list[OptionItem]
    organizations: list[OptionItem]
    periods: list[OptionItem]
    classes: list[OptionItem]
    teachers: list[OptionItem]
    subjects: list[OptionItem]


class ReportColumn(BaseModel):
    """A header cell: a group with children or a leaf whose id keys the row values."""

    id: str
    title: str
    kind: str
    children: list[ReportColumn]


class AppliedFilter(BaseModel):
    """A filter as applied, with the display name of its value."""

    id: str
    label: str
    value: Any
    name: str


class ReportPage(BaseModel):
    """Pagination of long lists."""

    page: int
    page_size: int
    total_rows: int


class ReportBody(BaseModel):
    """A built report: title, applied filters, count line, the column tree, rows, totals, methodology, freshness."""

    id: str
    title: str
    view: str | None
    views: list[ReportView]
    filters: list[AppliedFilter]
    count: int
    count_label: str | None
    columns: list[ReportColumn]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] | None
    methodology: str
    no_data: str
    data_as_of: str | None  # ISO 8601 with the offset of time_zone
    time_zone: str  # IANA zone of every time in the report (e.g. "Asia/Almaty")
    chart: dict[str, Any] | None
    page: ReportPage | None
