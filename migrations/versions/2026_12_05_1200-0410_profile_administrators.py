"""profile: profile administrators and withdrawn announcements

Revision ID: 0410_profile
Revises: 0401_profile
Create Date: 2026-12-05 12:00:00+00:00

«Администраторы профиля»: employees of a body whom its administrator names to keep the body's
site. An announcement can be withdrawn (отозвано): its recipients stop seeing it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0410_profile"
down_revision: str | Sequence[str] | None = "0401_profile"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "profile_administrators",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_profile_administrators_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_profile_administrators_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("organization_id", "user_id", name=op.f("pk_profile_administrators")),
    )
    op.create_index("ix_profile_administrators_user_id", "profile_administrators", ["user_id"])
    op.add_column("announcements", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("announcements", "withdrawn_at")
    op.drop_index("ix_profile_administrators_user_id", table_name="profile_administrators")
    op.drop_table("profile_administrators")
