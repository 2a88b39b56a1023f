"""Times in reports: one time zone for the screen (JSON), the .xlsx and the print page.

The regions have no time zone of their own: all of Kazakhstan keeps one time, UTC+5, since 1 March 2024, and
the aggregates count a calendar day in the same zone (`rpt_visit_day`: `ts AT TIME ZONE 'Asia/Almaty'`, migration
0300_reports). So every time a report shows (data as of, last visit, journal changes) and its default report date
are in `TIME_ZONE`, the same zone the day counts use.
"""

from __future__ import annotations

import datetime as dt

from api import clock

TZ = clock.REGION_TZ  # the region's zone, declared once in api.clock
TIME_ZONE = TZ.key


def local(value: dt.datetime) -> dt.datetime:
    """An aware time in the reports' time zone (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(TZ)


def fmt_local(value: dt.datetime) -> str:
    """dd.mm.yyyy hh:mm in the reports' time zone."""
    return local(value).strftime("%d.%m.%Y %H:%M")


def now() -> dt.datetime:
    """The current time in the reports' time zone."""
    return dt.datetime.now(TZ)


def today() -> dt.date:
    """Today's date in the reports' time zone (the default report date); `BILIM_TODAY` fixes it (api.clock)."""
    return clock.today()
