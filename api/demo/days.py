"""The demo region's school calendar: public holidays, school days and moments of the local school day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from api.services.school_calendar import quarters

ALMATY = timedelta(hours=5)  # local school time is UTC+5


def local_utc(day: date, local_hour: float) -> datetime:
    """A moment of the local school day (UTC+5) as an aware UTC datetime."""
    minutes = int(local_hour * 60)
    return datetime.combine(day, time(minutes // 60 % 24, minutes % 60), tzinfo=UTC) - ALMATY


# Public holidays of Kazakhstan inside a school year: (0 the autumn's year, 1 the next one; month; day).
_HOLIDAYS: tuple[tuple[int, int, int], ...] = ((0, 10, 25), (0, 12, 16), (0, 12, 17), (1, 1, 1), (1, 1, 2), (1, 1, 7))
_HOLIDAYS += ((1, 3, 8), (1, 3, 21), (1, 3, 22), (1, 3, 23), (1, 5, 1), (1, 5, 7), (1, 5, 9))


def public_holidays(start_year: int) -> frozenset[date]:
    """Public holidays of Kazakhstan that fall inside a school year."""
    return frozenset(date(start_year + k, month, day) for k, month, day in _HOLIDAYS)


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
