"""The change feed's answers: a page of items (rows in the write API's field names, or tombstones)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class FeedItem(BaseModel):
    """One change: `upsert` with the row as it is now, or `delete` (a tombstone: the row is gone from the subtree)."""

    op: Literal["upsert", "delete"]
    id: int = Field(description="our stable id of the row")
    data: dict[str, Any] | None = Field(
        description="the row: our ids, the source system's external ids, fields named as in the write API"
    )


class FeedPage(BaseModel):
    """A page of the change feed of one kind; follow `next_cursor` until `items` is empty."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "kind": "staff-posts",
                "items": [
                    {
                        "op": "upsert",
                        "id": 1842,
                        "data": {
                            "id": 1842,
                            "external_system": "kundelik",
                            "external_id": "post-77-1",
                            "organization_id": 77,
                            "organization_external_id": "school-77",
                            "person_id": 50311,
                            "person_external_id": "p-50311",
                            "position": "Учитель математики",
                            "role_kind": "teacher",
                            "category": "first",
                            "started_on": "2019-09-01",
                            "ended_on": None,
                        },
                    },
                    {"op": "delete", "id": 1790, "data": None},
                ],
                "next_cursor": "81234.5512",
                "up_to_date": False,
            }
        }
    )

    kind: str
    items: list[FeedItem]
    next_cursor: str = Field(description="pass it as `cursor` to get the changes after this page")
    up_to_date: bool = Field(description="true when this page reached the end of the feed (for now)")
