"""ИИН (individual identification number): check digit, birth-date encoding, generation."""

from __future__ import annotations

from datetime import date

_W1 = tuple(range(1, 12))
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first11: str) -> int | None:
    """The 12th digit for the first eleven, or None when no valid check digit exists."""
    digits = [int(c) for c in first11]
    c = sum(d * w for d, w in zip(digits, _W1, strict=True)) % 11
    if c == 10:
        c = sum(d * w for d, w in zip(digits, _W2, strict=True)) % 11
        if c == 10:
            return None
    return c


def is_valid(iin: str) -> bool:
    """Twelve digits with a correct check digit."""
    return len(iin) == 12 and iin.isdigit() and check_digit(iin[:11]) == int(iin[11])


def century_sex_digit(birth: date, sex: str) -> int:
    """The 7th digit: century of birth and sex (1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd = male)."""
    base = {18: 1, 19: 3, 20: 5}[birth.year // 100]
    return base if sex == "M" else base + 1


def matches_birth(iin: str, birth: date, sex: str | None) -> bool:
    """The ИИН encodes this birth date (and sex, when given)."""
    if not (len(iin) == 12 and iin.isdigit()):
        return False
    cs = int(iin[6])
    if not 1 <= cs <= 6:
        return True
    if iin[:6] != birth.strftime("%y%m%d") or 1800 + (cs - 1) // 2 * 100 != birth.year // 100 * 100:
        return False
    return sex is None or sex == ("M" if cs % 2 == 1 else "F")


def make(birth: date, sex: str, serial: int) -> str:
    """A valid ИИН for the birth date and sex; `serial` (0–9999) picks one of the numbers of that day."""
    for bump in range(10):
        s = (serial + bump * 1000) % 10000
        first11 = f"{birth:%y%m%d}{century_sex_digit(birth, sex)}{s:04d}"
        digit = check_digit(first11)
        if digit is not None:
            return first11 + str(digit)
    raise ValueError("no valid ИИН for this serial")
