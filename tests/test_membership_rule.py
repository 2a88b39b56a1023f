"""One rule for who belongs to an organization on a day: nothing in api/ spells it another way.

The rule is the SQL function `is_member_on` (migration 0311_reports), called through `api.services.membership`.
An own spelling («ends_on IS NULL», «.ended_on.is_(None)») is how the figures came to disagree: the aggregate
counted open rows only, the profile ignored starts. Schema CHECK constraints on the dates are not the rule.
"""

from __future__ import annotations

import re

from api.config import PROJECT_ROOT

SPELLING = re.compile(
    r"\b(starts_on|ends_on|started_on|ended_on)\b(\s+IS\s+(NOT\s+)?NULL|\.is_\(None\)|\.is_not\(None\))", re.I
)


def offending_lines() -> list[str]:
    found = []
    for path in sorted((PROJECT_ROOT / "api").rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if SPELLING.search(line) and "CheckConstraint(" not in line:
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{n}: {line.strip()}")
    return found


def test_no_other_spelling_of_membership_on_a_day() -> None:
    assert offending_lines() == []


def test_the_check_finds_a_spelling() -> None:
    assert SPELLING.search("or_(e.ends_on.is_(None), e.ends_on >= day)")
    assert SPELLING.search("FROM staff_posts sp WHERE sp.ended_on IS NULL")
    assert not SPELLING.search("member_on(e.starts_on, e.ends_on, day)")
