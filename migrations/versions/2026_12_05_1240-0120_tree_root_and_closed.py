"""tree: a regional body may be the root of a regional install; organizations can be closed

Revision ID: 0120_tree_root_and_closed
Revises: 0115_accounts_must_change
Create Date: 2026-12-05 12:40:00+00:00

`python -m api init` creates the top body of an install: the ministry, or a regional body as the root of a
regional install (before this only the ministry could be without a parent). `closed_on` marks an organization
that has closed: it keeps its history and leaves the current registry and reports (never a hard delete).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0120_tree_root_and_closed"
down_revision: str | Sequence[str] | None = "0115_accounts_must_change"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_organizations_parent_required"), "organizations", type_="check")
    op.create_check_constraint(
        op.f("ck_organizations_parent_required"), "organizations", "kind IN ('ministry', 'regional_body') OR parent_id IS NOT NULL"
    )
    op.add_column("organizations", sa.Column("closed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("organizations", "closed_on")
    op.drop_constraint(op.f("ck_organizations_parent_required"), "organizations", type_="check")
    op.create_check_constraint(op.f("ck_organizations_parent_required"), "organizations", "kind = 'ministry' OR parent_id IS NOT NULL")
