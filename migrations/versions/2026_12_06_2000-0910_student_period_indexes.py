"""student period indexes: a period mark's refresh of its student's rows reads only that student's rows

Revision ID: 0910_student_period_indexes
Revises: 0900_partitions
Create Date: 2026-12-06 20:00:00+00:00

A quarter or year mark makes the performance triggers recompute its student's `rpt_student_period` rows
(`rpt_refresh_student_periods`). Two lookups in it were O(schools), not O(the student's marks):

- the student's period marks: the planner combined `ix_marks_student_id` with the partial
  `ix_marks_period_organization`, reading the index entries of every period mark of the period (9 million at
  1,500 schools, 280 ms);
- the student's aggregate rows: `pk_rpt_student_period` leads with the organization, so finding one student's
  rows skip-scanned every organization and period (7,170 index searches at 1,500 schools, 20–30 ms, three times).

Measured (`bench/reports.py --write-sample 2000`): one more mark (2,000 marks one INSERT each with every trigger
on) cost 2.3 ms at 500 schools and 5.6 ms at 1,500; with these indexes 0.45–0.6 ms at both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0910_student_period_indexes"
down_revision: str | Sequence[str] | None = "0900_partitions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_marks_student_period",
        "marks",
        ["student_person_id", "period_id"],
        postgresql_where=sa.text("kind IN ('quarter', 'year')"),
        if_not_exists=True,  # a database where it was made by hand to try it (docs/scale.md)
    )
    op.create_index("ix_rpt_student_period_student", "rpt_student_period", ["student_person_id"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_rpt_student_period_student", table_name="rpt_student_period")
    op.drop_index("ix_marks_student_period", table_name="marks")
