"""«Today»: the calendar day in the region's time zone, the day every «now» figure counts on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from api.config import get_settings

REGION_TZ = ZoneInfo("Asia/Almaty")


def now() -> dt.datetime:
    """The current instant (aware, UTC); the one seam a test sets to stand at a chosen instant."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """The region's calendar day now (not the UTC one), or the day fixed by `BILIM_TODAY`."""
    fixed = get_settings().today
    return fixed if fixed is not None else now().astimezone(REGION_TZ).date()
