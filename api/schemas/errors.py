"""The error envelope every 4xx/5xx answer of the API has (rendered by api.errors.envelope)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic.json_schema import JsonDict


def _optional_integer(schema: JsonDict) -> None:
    schema.pop("default", None)
    schema.pop("anyOf", None)
    schema["type"] = "integer"


class ErrorDetail(BaseModel):
    """One problem: the field it is about and why; `index` is the item's position in a batch."""

    field: str = Field(description="the field (dotted path) the problem is about, `request` or `body` for the whole")
    message: str = Field(description="why, in English")
    # Present only for batch items, never null on the wire: the schema says an optional integer.
    index: int | None = Field(
        default=None,
        description="the position of the item in a batch (integration API)",
        json_schema_extra=_optional_integer,
    )


class ErrorBody(BaseModel):
    """What went wrong: a stable code, a message naming the field and the reason, and every problem found."""

    code: str = Field(description="stable machine-readable code: invalid_input, unauthorized, forbidden, not_found, …")
    message: str = Field(description="the first problem, `field: reason`")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorEnvelope(BaseModel):
    """The error envelope: `{"error": {"code", "message", "details": [{field, message, index?}]}}`."""

    error: ErrorBody
