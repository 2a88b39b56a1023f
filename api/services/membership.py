"""Who belongs to an organization on a day: the one rule (REPORTS.md), for every report, the profile and the
aggregates.

A student while an enrolment has starts_on ≤ D ≤ ends_on, an employee while a post has started_on ≤ D ≤
ended_on (an empty start or end is open), a parent while a child of theirs is a student there. The rule is
the SQL function `is_member_on(starts, ends, d)` (migration 0311_reports; `is_member_during` for «at some
time within [d0, d1]»); the membership aggregate (`rpt_person_org`, 0311_reports) keeps the same intervals.
Nothing else spells it (`tests/test_membership_rule.py` looks).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Date, func, literal


def _day(d: Any) -> Any:
    return literal(d, Date) if isinstance(d, dt.date) else d


def member_on(starts: Any, ends: Any, day: Any) -> ColumnElement[bool]:
    """The enrolment or post with these bounds is in force on `day` (a date or a date column)."""
    return func.is_member_on(starts, ends, _day(day), type_=Boolean)


def member_during(starts: Any, ends: Any, first: Any, last: Any) -> ColumnElement[bool]:
    """The enrolment or post is in force on at least one day of [first, last]."""
    return func.is_member_during(starts, ends, _day(first), _day(last), type_=Boolean)
