"""The change feed of an integration kind: rows changed after a cursor, in commit-safe order, with tombstones.

Why this never skips or repeats a change. Triggers (migration 0800_change_feed) append to `change_log` in the
writing transaction, stamped with its `pg_current_xact_id()` (xid8) and a sequence number. A page returns only
entries whose transaction id is below `pg_snapshot_xmin(pg_current_snapshot())` of the reading statement: every
transaction below the xmin has finished, so no entry with such an xid can appear later. Entries are ordered by
(xid, seq) and the cursor is the last (xid, seq) scanned: the next page starts after it, and since xmin only
grows, nothing can ever appear before a cursor that was handed out. A long transaction holds the feed back
(entries of later transactions wait behind it) but is never skipped.

Ordering by xid is not the order of commits, so an entry never carries a copy of the row as it was: the page
reads the row as it is now (in the same snapshot). The last entry of a row therefore always gives its current
state, and a row that is gone, or no longer in the token's subtree, is answered as a tombstone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput, NotFound
from api.services.integration.tokens import TokenPrincipal, require_scope
from api.services.scope import org_subtree_sql, subtree_sql

MAX_LIMIT = 1000
DEFAULT_LIMIT = 500
ROUNDS = 10  # pages of entries scanned at most per request when every entry is outside the subtree

IN_ORG = org_subtree_sql("t.organization_id", ":root")
O_IN_SCOPE = subtree_sql("o.path", ":root")


def _ext(alias: str, table: str, column: str) -> str:
    return f"LEFT JOIN {table} {alias} ON {alias}.id = t.{column}"


@dataclass(frozen=True)
class FeedKind:
    """How a kind's live rows are read: table, fields in the write API's names, joins, and the subtree test."""

    table: str
    fields: list[tuple[str, str]]
    joins: list[str]
    in_scope: str = IN_ORG


def _common(*extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [("id", "t.id"), ("external_system", "t.external_system"), ("external_id", "t.external_id"), *extra]


def _ref(field: str, column: str) -> tuple[str, str]:
    return (field, f"x_{column}.external_id")


PERSON_IN_SCOPE = (
    "(EXISTS (SELECT 1 FROM enrolments e JOIN organizations o ON o.id = e.organization_id"  # noqa: S608 - our fragments
    f" WHERE e.student_person_id = t.id AND {O_IN_SCOPE})"
    " OR EXISTS (SELECT 1 FROM staff_posts x JOIN organizations o ON o.id = x.organization_id"
    f" WHERE x.person_id = t.id AND {O_IN_SCOPE})"
    " OR EXISTS (SELECT 1 FROM users u JOIN organizations o ON o.id = u.organization_id"
    f" WHERE u.person_id = t.id AND {O_IN_SCOPE}))"
)

FEED_KINDS: dict[str, FeedKind] = {
    "organizations": FeedKind(
        "organizations",
        _common(
            ("parent_id", "t.parent_id"),
            _ref("parent_external_id", "parent_id"),
            ("kind", "t.kind"),
            ("type_code", "ty.code"),
            ("structure_code", "st.code"),
            ("region_id", "t.region_id"),
            ("district_id", "t.district_id"),
            *[
                (c, f"t.{c}")
                for c in ("name_ru name_kk short_name postal_address building_address phones email website".split())
            ],
            ("head_person_id", "t.head_person_id"),
            _ref("head_external_id", "head_person_id"),
            *[
                (c, f"t.{c}")
                for c in (
                    "license_number license_date license_issuer accreditation_number accreditation_date"
                    " accreditation_valid_until closed_on"
                ).split()
            ],
        ),
        [
            _ext("x_parent_id", "organizations", "parent_id"),
            _ext("x_head_person_id", "persons", "head_person_id"),
            "LEFT JOIN organization_types ty ON ty.id = t.type_id",
            "LEFT JOIN organization_structures st ON st.id = t.structure_id",
        ],
        subtree_sql("t.path", ":root"),
    ),
    "persons": FeedKind(
        "persons",
        _common(
            *[(c, f"t.{c}") for c in "surname first_name patronymic sex birth_date iin phone email region_id".split()]
        ),
        [],
        PERSON_IN_SCOPE,
    ),
}


def _simple(
    table: str,
    refs: list[tuple[str, str, str]],
    cols: str,
    org: bool = True,
    *,
    extra: tuple[tuple[str, str], str] | None = None,
    in_scope: str = IN_ORG,
) -> FeedKind:
    """A kind with an organization column: refs are (field prefix, column, referenced table); `extra` is a field
    read through a join of its own (field, SQL expression), and that join."""
    fields = _common()
    joins = []
    if org:
        fields += [
            ("organization_id", "t.organization_id"),
            ("organization_external_id", "x_organization_id.external_id"),
        ]
        joins.append(_ext("x_organization_id", "organizations", "organization_id"))
    for name, column, ref_table in refs:
        fields += [(column, f"t.{column}"), (f"{name}_external_id", f"x_{column}.external_id")]
        joins.append(_ext(f"x_{column}", ref_table, column))
    fields += [(c, f"t.{c}") for c in cols.split()]
    if extra is not None:
        fields.append(extra[0])
        joins.append(extra[1])
    return FeedKind(table, fields, joins, in_scope)


# The references of the kinds below: (field prefix, column, referenced table).
CLASS = ("class", "class_id", "classes")
STUDENT = ("student", "student_person_id", "persons")
SUBJECT = ("subject", "subject_id", "subjects")
LESSON = ("lesson", "lesson_id", "lessons")
TEACHER = ("teacher", "teacher_person_id", "persons")
PERSON = ("person", "person_id", "persons")

FEED_KINDS |= {
    "staff-posts": _simple("staff_posts", [PERSON], "position role_kind category started_on ended_on"),
    "classes": _simple(
        "classes",
        [("class_teacher", "class_teacher_person_id", "persons")],
        "academic_year_id grade letter",
        extra=(("academic_year", "y.name"), "LEFT JOIN academic_years y ON y.id = t.academic_year_id"),
    ),
    "subjects": _simple(
        "subjects", [], "name_ru name_kk name_en short_name", in_scope="(t.organization_id IS NULL OR " + IN_ORG + ")"
    ),
    "assignments": _simple("assignments", [CLASS, SUBJECT, TEACHER], "hours_per_week"),
    "enrolments": _simple("enrolments", [CLASS, STUDENT], "starts_on ends_on"),
    "parent-links": _simple(
        "parent_links",
        [("parent", "parent_person_id", "persons"), ("child", "child_person_id", "persons")],
        "relation",
        org=False,
        in_scope="EXISTS (SELECT 1 FROM enrolments e JOIN organizations o ON o.id = e.organization_id"  # noqa: S608 - our fragments
        f" WHERE e.student_person_id = t.child_person_id AND {O_IN_SCOPE})",
    ),
    "users": _simple("users", [PERSON], "status registered_at last_seen_at"),
    "lessons": _simple(
        "lessons",
        [
            CLASS,
            ("assignment", "assignment_id", "assignments"),
            SUBJECT,
            TEACHER,
            ("substitute", "substitute_person_id", "persons"),
        ],
        "date number topic status change_reason from_timetable",
    ),
    "homework": _simple("homework", [CLASS, LESSON], "text minutes due_on"),
    "marks": _simple(
        "marks",
        [CLASS, SUBJECT, STUDENT, LESSON, ("entered_by", "entered_by_person_id", "persons")],
        "period_id kind value not_attested date entered_at",
    ),
    "absences": _simple("absences", [CLASS, LESSON, STUDENT], "date reason"),
    "movements": _simple("movements", [CLASS, STUDENT], "kind date counterpart reason order_number"),
    "documents": _simple("education_documents", [CLASS, STUDENT], "doc_type series number issued_on with_honours"),
    "visits": _simple("visits", [("user", "user_id", "users")], "visited_at"),
}

_CURSOR = re.compile(r"^(\d{1,20})\.(\d{1,19})(?:\.(\d{1,12}))?$")


def parse_cursor(cursor: str | None) -> tuple[int, int, int]:
    """`<xid>.<seq>[.<horizon generation>]` (as handed out in next_cursor); empty or absent: from the start."""
    if not cursor:
        return (0, 0, -1)
    m = _CURSOR.match(cursor)
    if m is None:
        raise InvalidInput("cursor", "not a cursor of this feed: pass next_cursor of the previous page, or nothing")
    xid, seq = int(m.group(1)), int(m.group(2))
    if xid >= 2**63 or seq >= 2**63:
        raise InvalidInput("cursor", "not a cursor of this feed: out of range")
    return (xid, seq, int(m.group(3) or 0))


def _page_sql(kind: FeedKind) -> str:
    data = ", ".join(f"'{name}', {expr}" for name, expr in kind.fields)
    return (
        "WITH e AS (SELECT c.xid, c.seq, c.row_id, c.path FROM change_log c"  # noqa: S608 - our names only
        " WHERE c.kind = :kind AND (c.xid, c.seq) > (CAST(:xid AS text)::xid8, :seq)"
        " AND c.xid < pg_snapshot_xmin(pg_current_snapshot())"
        f" AND (c.path IS NULL OR {subtree_sql('c.path', ':root')})"
        " ORDER BY c.xid, c.seq LIMIT :limit)"
        " SELECT e.xid::text AS xid, e.seq, e.row_id, e.path IS NOT NULL AS placed,"
        f" (SELECT jsonb_build_object({data}) FROM {kind.table} t {' '.join(kind.joins)}"
        f" WHERE t.id = e.row_id AND {kind.in_scope}) AS data"
        " FROM e ORDER BY e.xid, e.seq"
    )


async def page(
    session: AsyncSession, token: TokenPrincipal, kind_name: str, cursor: str | None, limit: int
) -> dict[str, Any]:
    """One page of the feed of `kind_name` for a read token: items (rows or tombstones) and the next cursor."""
    require_scope(token, "read")
    kind = FEED_KINDS.get(kind_name)
    if kind is None:
        raise NotFound(f"kind: no change feed for {kind_name!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"between 1 and {MAX_LIMIT}")
    xid, seq, generation = parse_cursor(cursor)
    horizon = (
        await session.execute(
            text(
                "SELECT pruned_before::text AS before, floor(extract(epoch FROM pruned_at))::bigint AS generation"
                " FROM change_log_horizon WHERE kind = :kind"
            ),
            {"kind": kind_name},
        )
    ).first()
    current = horizon.generation if horizon is not None else 0
    # A cursor handed out before the last pruning that lies before the pruned tombstones may have missed one.
    if horizon is not None and generation != -1 and generation < current and xid < int(horizon.before):
        raise InvalidInput("cursor", "older than the retention horizon of this feed: follow it again from the start")
    sql = text(_page_sql(kind))
    items: list[dict[str, Any]] = []
    up_to_date = False
    for _ in range(ROUNDS):
        rows = (
            await session.execute(
                sql, {"kind": kind_name, "xid": str(xid), "seq": seq, "root": token.organization_id, "limit": limit}
            )
        ).all()
        for r in rows:
            if r.data is not None:
                data = r.data if isinstance(r.data, dict) else json.loads(r.data)
                items.append({"op": "upsert", "id": r.row_id, "data": data})
            elif r.placed or kind_name == "subjects":
                items.append({"op": "delete", "id": r.row_id, "data": None})
        if rows:
            xid, seq = int(rows[-1].xid), rows[-1].seq
        if len(rows) < limit:
            up_to_date = True
            break
        if items:
            break
    return {"kind": kind_name, "items": items, "next_cursor": f"{xid}.{seq}.{current}", "up_to_date": up_to_date}


PRUNE_SQL = """
WITH gone AS (
  DELETE FROM change_log c
   WHERE c.kind = :kind AND c.changed_at < now() - make_interval(days => CAST(:days AS integer))
     AND (EXISTS (SELECT 1 FROM change_log l WHERE l.kind = c.kind AND l.row_id = c.row_id
                   AND (l.xid, l.seq) > (c.xid, c.seq) AND l.path IS NOT DISTINCT FROM c.path)
          OR NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = c.row_id))
  RETURNING c.xid, EXISTS (SELECT 1 FROM {table} t WHERE t.id = c.row_id) AS superseded
), mark AS (
  INSERT INTO change_log_horizon AS h (kind, pruned_before)
  SELECT :kind, CAST(CAST(CAST(max(xid::text) AS bigint) + 1 AS text) AS xid8) FROM gone WHERE NOT superseded
  HAVING count(*) > 0
  ON CONFLICT (kind) DO UPDATE SET pruned_before = greatest(h.pruned_before, excluded.pruned_before),
                                   pruned_at = now()
)
SELECT count(*) FROM gone
"""


async def prune(session: AsyncSession, days: int) -> int:
    """Retention: drop entries older than `days` days that a later entry of the same row and the same path
    supersedes (always safe: the later one reaches the same readers; one of another place does not, e.g. of a
    person who also joined another school), and the entries of rows that no longer exist (tombstones); the
    latter move the kind's horizon, and a cursor before it must follow again from the start (422). The last
    entry of an existing row for each place is never dropped, so following from the start still gives all
    the current data in every subtree."""
    if days < 1:
        raise InvalidInput("days", "keep at least one day")
    n = 0
    for kind_name, kind in FEED_KINDS.items():
        sql = text(PRUNE_SQL.format(table=kind.table))
        n += int((await session.execute(sql, {"kind": kind_name, "days": days})).scalar_one())
    return n
