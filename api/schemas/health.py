"""Health check schema."""

from pydantic import BaseModel


class HealthRead(BaseModel):
    """State of the service: database reachable, migrations at head, version."""

    status: str
    database: bool
    migrations_at_head: bool
    migration_revisions: list[str]
    expected_revisions: list[str]
    version: str
