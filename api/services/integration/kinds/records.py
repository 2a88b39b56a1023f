"""A student's record at school: arrivals and departures, issued documents; and the users' visits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.models import EducationDocument, Movement, Visit
from api.schemas import integration as s
from api.services.integration.engine import Ctx
from api.services.integration.kinds.spec import (
    IN_ORGANIZATION,
    STUDENT,
    Key,
    Refs,
    Spec,
    class_of_organization,
    not_future,
    ref,
    table_of,
)

# The references of a student's record: the school, the class (when given) of that school, the student.
_RECORD_REFS = (IN_ORGANIZATION, ref("class_external_id", "classes", class_id="id"), STUDENT)

# ---- movements -------------------------------------------------------------------------------------------

MOVEMENT_TABLE = table_of(Movement)


def _check_movement(ctx: Ctx, i: int, it: s.MovementItem, refs: Refs, _extra: Any) -> None:
    class_of_organization(ctx, i, refs)
    not_future(ctx, i, "date", it.date, slack_days=31)


# School in scope, class (when given) of that school, date not in the future.
MOVEMENTS = Spec(MOVEMENT_TABLE, refs=_RECORD_REFS, check=_check_movement)


# ---- documents -------------------------------------------------------------------------------------------

DOCUMENT_TABLE = table_of(EducationDocument)


def _check_document(ctx: Ctx, i: int, it: s.DocumentItem, refs: Refs, _extra: Any) -> None:
    class_of_organization(ctx, i, refs)
    not_future(ctx, i, "issued_on", it.issued_on)


# School in scope, class of that school, a document number issued once.
DOCUMENTS = Spec(
    DOCUMENT_TABLE,
    refs=_RECORD_REFS,
    check=_check_document,
    key=Key(
        ("doc_type", "series", "number"),
        "number",
        repeated="the same document type, series and number are already at index {j}",
        taken="a document with this type, series and number was already issued",
    ),
)


# ---- visits ----------------------------------------------------------------------------------------------

VISIT_TABLE = table_of(Visit)


async def _load_visits(ctx: Ctx, _items: list[s.VisitItem], refs: list[Refs]) -> tuple[dt.datetime, dict[int, int]]:
    """Now, and the region of each user's organization."""
    users = [r["user_external_id"] for r in refs]
    region_of = {
        r["id"]: r["region_id"]
        for r in await ctx.conn.fetch(
            "SELECT id, region_id FROM organizations WHERE id = ANY($1::int[])",
            list({u["organization_id"] for u in users if u is not None}),
        )
    }
    return dt.datetime.now(dt.UTC), region_of


def _visited(it: s.VisitItem) -> dt.datetime:
    return it.visited_at if it.visited_at.tzinfo else it.visited_at.replace(tzinfo=dt.UTC)


def _check_visit(ctx: Ctx, i: int, it: s.VisitItem, _refs: Refs, extra: tuple[dt.datetime, Any]) -> None:
    if _visited(it) > extra[0] + dt.timedelta(minutes=10):
        ctx.error(i, "visited_at", "lies in the future")


def _organization(_it: s.VisitItem, refs: Refs, _extra: Any) -> Any:
    """The organization named, else the user's."""
    org, u = refs["organization_external_id"], refs["user_external_id"]
    return org["id"] if org else (u["organization_id"] if u else None)


def _region(_it: s.VisitItem, refs: Refs, extra: tuple[Any, dict[int, int]]) -> Any:
    org, u = refs["organization_external_id"], refs["user_external_id"]
    return org["region_id"] if org else (extra[1].get(u["organization_id"]) if u else None)


# User and organization in scope; not in the future.
VISITS = Spec(
    VISIT_TABLE,
    refs=(ref("user_external_id", "users", user_id="id"), IN_ORGANIZATION),
    derive={
        "organization_id": _organization,
        "region_id": _region,
        "visited_at": lambda it, _refs, _extra: _visited(it),
    },
    load=_load_visits,
    check=_check_visit,
)
