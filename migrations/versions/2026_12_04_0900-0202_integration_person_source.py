"""integration: persons remember the organization of the API token that created them

Revision ID: 0202_integration
Revises: 0201_integration
Create Date: 2026-12-04 09:00:00+00:00

A person belongs to the source system, not to one organization; the integration API lets a token change a
person only when the person is linked to its subtree. A person who has no links yet (sent before their
enrolment, staff post or parent link) is linked through the token that created them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0202_integration"
down_revision: str | Sequence[str] | None = "0201_integration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("persons", sa.Column("source_organization_id", sa.Integer(), nullable=True))
    op.create_foreign_key(
        op.f("fk_persons_source_organization_id_organizations"),
        "persons",
        "organizations",
        ["source_organization_id"],
        ["id"],
        ondelete="SET NULL",
    )
    # Deleting an organization sets this column to NULL: without the index that is a scan of all persons.
    op.create_index("ix_persons_source_organization_id", "persons", ["source_organization_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_persons_source_organization_id", table_name="persons")
    op.drop_constraint(op.f("fk_persons_source_organization_id_organizations"), "persons", type_="foreignkey")
    op.drop_column("persons", "source_organization_id")
