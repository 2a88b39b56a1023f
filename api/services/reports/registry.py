"""The catalogue of reports: every report module registers its definition here."""

from __future__ import annotations

from api.errors import NotFound
from api.services.reports.engine import ReportDefinition

REPORTS: dict[str, ReportDefinition] = {}


def register(definition: ReportDefinition) -> ReportDefinition:
    """Add a report to the catalogue (ids are unique)."""
    if definition.id in REPORTS and REPORTS[definition.id] is not definition:
        raise ValueError(f"report {definition.id} registered twice")
    REPORTS[definition.id] = definition
    return definition


def load_all() -> dict[str, ReportDefinition]:
    """Import every report module (each registers itself) and return the catalogue."""
    from api.services.reports import management, org_registry, school  # noqa: F401

    return REPORTS


def get(report_id: str) -> ReportDefinition:
    """The definition of a report; 404 for an unknown id."""
    load_all()
    definition = REPORTS.get(report_id)
    if definition is None:
        raise NotFound(f"report {report_id!r} not found", details=[{"field": "id", "message": "unknown report"}])
    return definition
