"""profile: persons by name in code point order (the «Люди» list, names by prefix)

Revision ID: 0401_profile
Revises: 0400_profile
Create Date: 2026-12-04 10:00:00+00:00

«Люди» lists people in name order and stops once a page is full: a btree on
(search_name COLLATE "C", id) gives that order without sorting a region, and its ranges serve
names that start with a searched word (LIKE 'word%'). The C collation makes the order the same on
every server whatever its locale. IF NOT EXISTS: the benchmark database may already carry it.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0401_profile"
down_revision: str | Sequence[str] | None = "0400_profile"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute('CREATE INDEX IF NOT EXISTS ix_persons_search_name_c ON persons ((search_name COLLATE "C"), id)')


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_persons_search_name_c")
