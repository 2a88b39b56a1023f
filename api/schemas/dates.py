"""Dates the API accepts: one window for every date a request carries, so that a year-1 or a year-9999 date never
reaches date arithmetic or the database (where it would be a 500), and is refused with 422 naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field

FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
# People's and organizations' history (a birth date, a post held since 1988, a licence of 1995) goes further back.
FIRST_RECORD_DATE = dt.date(1900, 1, 1)

SaneDate = Annotated[dt.date, Field(ge=FIRST_DATE, le=LAST_DATE)]
"""A date of school life, a report filter or a deadline: 2000-01-01 … 2100-12-31."""

RecordDate = Annotated[dt.date, Field(ge=FIRST_RECORD_DATE, le=LAST_DATE)]
"""A date of a person's or an organization's history (birth, employment, licence): 1900-01-01 … 2100-12-31."""


def _in_window(value: dt.datetime) -> dt.datetime:
    # Compared by calendar date, so that a time zone shift near year 1 or 9999 cannot overflow first.
    if not FIRST_DATE <= value.date() <= LAST_DATE:
        raise ValueError(f"must be between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}")
    return value


SaneDateTime = Annotated[dt.datetime, AfterValidator(_in_window)]
"""A moment in the same window as SaneDate (a visit, a mark's entry, an audit filter)."""
