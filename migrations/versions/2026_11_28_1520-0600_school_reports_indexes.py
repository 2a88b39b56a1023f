"""school reports: period marks by (period, organization); assignments by organization

Revision ID: 0600_school_reports
Revises: 0001_base
Create Date: 2026-11-28 15:20:00+00:00

The performance reports about one school read the period marks of one period: a partial index on
(period_id, organization_id) for quarter and year marks finds them without reading the school's
current marks. Assignments get an index on organization_id (the class–subject pairs of one school).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0600_school_reports"
down_revision: str | Sequence[str] | None = "0001_base"
branch_labels: str | Sequence[str] | None = ("school_reports",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_marks_period_organization",
        "marks",
        ["period_id", "organization_id"],
        postgresql_where=sa.text("kind IN ('quarter', 'year')"),
    )
    op.create_index("ix_assignments_organization_id", "assignments", ["organization_id"])


def downgrade() -> None:
    op.drop_index("ix_assignments_organization_id", table_name="assignments")
    op.drop_index("ix_marks_period_organization", table_name="marks")
