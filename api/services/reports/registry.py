"""Look-up in a catalogue of reports (by default `catalogue.REPORTS`; a test may pass its own)."""

from __future__ import annotations

from collections.abc import Iterable

from api.errors import NotFound
from api.services.reports.engine import ReportDefinition


def index(reports: Iterable[ReportDefinition]) -> dict[str, ReportDefinition]:
    """The reports by id (ids are unique)."""
    out: dict[str, ReportDefinition] = {}
    for definition in reports:
        if definition.id in out:
            raise ValueError(f"report {definition.id} listed twice")
        out[definition.id] = definition
    return out


def load_all() -> dict[str, ReportDefinition]:
    """The catalogue by id, in its order."""
    from api.services.reports.catalogue import REPORTS

    return index(REPORTS)


def get(report_id: str) -> ReportDefinition:
    """The definition of a report; 404 for an unknown id."""
    definition = load_all().get(report_id)
    if definition is None:
        raise NotFound(f"report {report_id!r} not found", details=[{"field": "id", "message": "unknown report"}])
    return definition
