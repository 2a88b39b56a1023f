"""feed: a change log filled by statement-level triggers, read by the per-kind change feed

Revision ID: 0800_change_feed
Revises: 0220_integration
Create Date: 2026-12-05 18:00:00+00:00

Every INSERT, UPDATE and DELETE (and COPY, and FK cascades) on the tables of the integration kinds appends
one `change_log` row per changed row: the kind, our row id, the path of the organization the row belonged to
at that moment (for scope, also of a deleted row), and the writing transaction's id `pg_current_xact_id()`.
The feed returns entries ordered by (xid, seq) and only those whose transaction is older than the reader's
snapshot xmin, i.e. finished: see api/services/feed.py for why that never skips or repeats an entry.

The triggers are statement-level with transition tables (one set-based INSERT per statement, not one
PL/pgSQL call per row) and ENABLE ALWAYS, so that the demo loader's bulk COPY with
`session_replication_role = replica` is captured too.
"""

from collections.abc import Sequence

from alembic import op

from api.db import split_sql

revision: str = "0800_change_feed"
down_revision: str | Sequence[str] | None = "0220_integration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORG_JOIN = "LEFT JOIN organizations o ON o.id = n.organization_id"

# (trigger name suffix, table, kind, row id expression, path expression, joins): `n` is a transition row.
CAPTURES: list[tuple[str, str, str, str, str, str]] = [
    ("organizations", "organizations", "organizations", "n.id", "n.path", ""),
    ("persons", "persons", "persons", "n.id", "NULL::int[]", ""),
    ("staff_posts", "staff_posts", "staff-posts", "n.id", "o.path", ORG_JOIN),
    ("classes", "classes", "classes", "n.id", "o.path", ORG_JOIN),
    ("subjects", "subjects", "subjects", "n.id", "o.path", ORG_JOIN),
    ("assignments", "assignments", "assignments", "n.id", "o.path", ORG_JOIN),
    ("enrolments", "enrolments", "enrolments", "n.id", "o.path", ORG_JOIN),
    # A parent link is in the subtree of every organization its child is (or was) enrolled in: one entry per
    # such place (NULL if none), not only the latest enrolment's, or a school the child left never hears of it.
    (
        "parent_links",
        "parent_links",
        "parent-links",
        "n.id",
        "p.path",
        "LEFT JOIN LATERAL (SELECT DISTINCT o.path FROM enrolments e JOIN organizations o"
        " ON o.id = e.organization_id WHERE e.student_person_id = n.child_person_id) p ON true",
    ),
    ("users", "users", "users", "n.id", "o.path", ORG_JOIN),
    ("lessons", "lessons", "lessons", "n.id", "o.path", ORG_JOIN),
    ("homework", "homework", "homework", "n.id", "o.path", ORG_JOIN),
    ("marks", "marks", "marks", "n.id", "o.path", ORG_JOIN),
    ("absences", "absences", "absences", "n.id", "o.path", ORG_JOIN),
    ("movements", "movements", "movements", "n.id", "o.path", ORG_JOIN),
    ("education_documents", "education_documents", "documents", "n.id", "o.path", ORG_JOIN),
    ("visits", "visits", "visits", "n.id", "o.path", ORG_JOIN),
    # A person enters or leaves a subtree with their enrolments, staff posts and accounts; a parent link with
    # its child's enrolment: those changes are also changes of the person (of the link) for that subtree.
    ("enrolments_persons", "enrolments", "persons", "n.student_person_id", "o.path", ORG_JOIN),
    ("staff_posts_persons", "staff_posts", "persons", "n.person_id", "o.path", ORG_JOIN),
    # An account of a management body has no person: only a person's account is a change of that person.
    ("users_persons", "users", "persons", "n.person_id", "o.path", ORG_JOIN + " WHERE n.person_id IS NOT NULL"),
    (
        "enrolments_parent_links",
        "enrolments",
        "parent-links",
        "pl.id",
        "o.path",
        "JOIN parent_links pl ON pl.child_person_id = n.student_person_id " + ORG_JOIN,
    ),
]

FUNCTION = """
CREATE FUNCTION change_log_capture() RETURNS trigger LANGUAGE plpgsql AS $$
-- TG_ARGV: kind, row id expression, path expression, joins (over the transition row `n`).
DECLARE
  q text := 'SELECT %L, ' || TG_ARGV[1] || ', ' || TG_ARGV[2] || ' FROM %I n ' || TG_ARGV[3];
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('INSERT INTO change_log (kind, row_id, path) ' || q, TG_ARGV[0], 'change_new');
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE format('INSERT INTO change_log (kind, row_id, path) ' || q, TG_ARGV[0], 'change_old');
  ELSE
    -- Old and new place: a row moved out of a subtree is a change (a tombstone) for the subtree it left.
    EXECUTE format('INSERT INTO change_log (kind, row_id, path) SELECT * FROM (' || q || ' UNION ' || q || ') u',
                   TG_ARGV[0], 'change_new', TG_ARGV[0], 'change_old');
  END IF;
  RETURN NULL;
END $$;
"""


def _triggers() -> str:
    out = []
    for name, table, kind, row_id, path, joins in CAPTURES:
        args = ", ".join("'" + a.replace("'", "''") + "'" for a in (kind, row_id, path, joins))
        for op_name, ref in (
            ("ins", "NEW TABLE AS change_new"),
            ("upd", "OLD TABLE AS change_old NEW TABLE AS change_new"),
            ("del", "OLD TABLE AS change_old"),
        ):
            event = {"ins": "INSERT", "upd": "UPDATE", "del": "DELETE"}[op_name]
            trg = f"trg_feed_{name}_{op_name}"
            out.append(
                f"CREATE TRIGGER {trg} AFTER {event} ON {table} REFERENCING {ref}"
                f" FOR EACH STATEMENT EXECUTE FUNCTION change_log_capture({args});"
            )
            out.append(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {trg};")
    return "\n".join(out)


UP_SQL = (
    """
CREATE TABLE change_log (
  kind text NOT NULL,
  xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 100),
  row_id bigint NOT NULL,
  path integer[],
  changed_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pk_change_log PRIMARY KEY (kind, xid, seq)
);
CREATE TABLE change_log_horizon (
  kind text NOT NULL,
  pruned_before xid8 NOT NULL,
  pruned_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT pk_change_log_horizon PRIMARY KEY (kind)
);
"""
    + FUNCTION
    + _triggers()
)


def upgrade() -> None:
    for stmt in split_sql(UP_SQL):
        op.execute(stmt)


def downgrade() -> None:
    for name, table, *_ in CAPTURES:
        for op_name in ("ins", "upd", "del"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_feed_{name}_{op_name} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS change_log_capture()")
    op.execute("DROP TABLE IF EXISTS change_log_horizon")
    op.execute("DROP TABLE IF EXISTS change_log")
