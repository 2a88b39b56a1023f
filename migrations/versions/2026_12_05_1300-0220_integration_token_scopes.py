"""integration: API tokens get scopes, `write` (the bulk endpoints) and/or `read` (reports)

Revision ID: 0220_integration
Revises: 0202_integration
Create Date: 2026-12-05 13:00:00+00:00

Existing tokens keep what they could do: `{write}`. A read-only token needs no writable kinds.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0220_integration"
down_revision: str | Sequence[str] | None = "0202_integration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "api_tokens",
        sa.Column(
            "scopes", postgresql.ARRAY(sa.Text()), server_default=sa.text("'{write}'::text[]"), nullable=False
        ),
    )
    op.create_check_constraint(
        op.f("ck_api_tokens_scopes_valid"),
        "api_tokens",
        "cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write']::text[]",
    )
    op.drop_constraint(op.f("ck_api_tokens_kinds_present"), "api_tokens", type_="check")
    op.create_check_constraint(
        op.f("ck_api_tokens_kinds_present"),
        "api_tokens",
        "cardinality(kinds) > 0 OR NOT ('write' = ANY(scopes))",
    )


def downgrade() -> None:
    # Read-only tokens cannot be expressed without scopes: they are revoked tokens' worth of nothing, drop them.
    op.execute("DELETE FROM api_tokens WHERE NOT ('write' = ANY(scopes))")
    op.drop_constraint(op.f("ck_api_tokens_kinds_present"), "api_tokens", type_="check")
    op.create_check_constraint(op.f("ck_api_tokens_kinds_present"), "api_tokens", "cardinality(kinds) > 0")
    op.drop_constraint(op.f("ck_api_tokens_scopes_valid"), "api_tokens", type_="check")
    op.drop_column("api_tokens", "scopes")
