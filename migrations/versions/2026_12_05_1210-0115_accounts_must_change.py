"""accounts: a password set by an administrator must be changed at the next login

Revision ID: 0115_accounts_must_change
Revises: 0100_auth
Create Date: 2026-12-05 12:10:00+00:00

An account created by an administrator, or whose password an administrator reset, carries a
one-time password: until its owner sets their own, the API answers only the password change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0115_accounts_must_change"
down_revision: str | Sequence[str] | None = "0100_auth"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("must_change_password", sa.Boolean(), server_default=sa.text("false"), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("users", "must_change_password")
