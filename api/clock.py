"""«Today»: the calendar day in the region's time zone, the day every «now» figure counts on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from api.config import get_settings

REGION_TZ = ZoneInfo("Asia/Almaty")


def today() -> dt.date:
    """The region's calendar day now, or the day fixed by `BILIM_TODAY`."""
    fixed = get_settings().today
    return fixed if fixed is not None else dt.datetime.now(REGION_TZ).date()
