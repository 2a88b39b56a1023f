"""The demo region's school calendar: public holidays, school days and moments of the local school day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from api.services.school_calendar import quarters

ALMATY = timedelta(hours=5)  # local school time is UTC+5


def local_utc(day: date, local_hour: float) -> datetime:
    """A moment of the local school day (UTC+5) as an aware UTC datetime."""
    minutes = int(local_hour * 60)
    return datetime.combine(day, time(minutes // 60 % 24, minutes % 60), tzinfo=UTC) - ALMATY


def public_holidays(start_year: int) -> frozenset[date]:
    """Public holidays of Kazakhstan that fall inside a school year."""
    y, z = start_year, start_year + 1
    days = {
        date(y, 10, 25),
        date(y, 12, 16),
        date(y, 12, 17),
        date(z, 1, 1),
        date(z, 1, 2),
        date(z, 1, 7),
        date(z, 3, 8),
        date(z, 3, 21),
        date(z, 3, 22),
        date(z, 3, 23),
        date(z, 5, 1),
        date(z, 5, 7),
        date(z, 5, 9),
    }
    return frozenset(days)


def school_days(start_year: int, until: date) -> list[date]:
    """Monday–Friday days inside the quarters, without public holidays, up to `until` inclusive."""
    holidays = public_holidays(start_year)
    out: list[date] = []
    for q in quarters(start_year):
        d = q.starts_on
        while d <= q.ends_on and d <= until:
            if d.weekday() < 5 and d not in holidays:
                out.append(d)
            d += timedelta(days=1)
    return out
