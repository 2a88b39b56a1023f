"""The methodology in kk and en says everything the ru text says, formula for formula (issue 13, item 3).

A shortened retelling is caught by what a translation cannot drop: every number (coefficients, norms, dates,
the 59 of figure 7), every setting name, every formula sign (× = ≤ / −), every defined group of students, and
the length (a translation is not a third shorter than the original).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from api.services.reports import registry

DEFINITIONS = registry.load_all()
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
SETTING = re.compile(r"BILIM_\w+")
SIGNS = "×=≤/−"
# A group defined in ru (a word of the text) → its name in kk and en.
GROUPS = {
    "отличники": ("үздіктер", "excellent"),
    "хорошисты": ("екпінділер", "good"),
    "с одной «3»": ("бір «3»-пен", "with one «3»"),
    "троечники": ("үштікшілер", "two or more «3»"),
    "неуспевающие": ("үлгермейтіндер", "failing"),
    "не аттестован": ("аттестатталмаған", "not attested"),
    "ученико-уроки": ("оқушы-сабақтар", "student-lessons"),
    "опоздания": ("кешігулер", "late"),
}


def facts(text: str) -> tuple[Counter[str], set[str], Counter[str]]:
    return Counter(NUMBER.findall(text)), set(SETTING.findall(text)), Counter(c for c in text if c in SIGNS)


@pytest.mark.parametrize("report_id", sorted(DEFINITIONS))
@pytest.mark.parametrize("lang", ["kk", "en"])
def test_methodology_says_what_the_russian_says(report_id: str, lang: str) -> None:
    m = DEFINITIONS[report_id].methodology
    ru, other = m["ru"], m[lang]
    numbers, settings, signs = facts(ru)
    got_numbers, got_settings, got_signs = facts(other)
    assert numbers - got_numbers == Counter(), "numbers missing"
    assert settings <= got_settings, "settings missing"
    assert signs - got_signs == Counter(), "formula signs missing"
    missing = [g for g, names in GROUPS.items() if g in ru.lower() and names[lang == "en"] not in other.lower()]
    assert missing == [], "groups missing"
    assert len(other) >= 0.75 * len(ru), f"{len(other)} characters against {len(ru)} in ru"


def test_the_check_catches_a_retelling() -> None:
    ru = "% успеваемости = (аттестованные − неуспевающие) / аттестованные × 100; с одной «3» — ровно одна «3»."
    kk = "Үлгерім % есептеледі."
    numbers, _, signs = facts(ru)
    assert numbers - facts(kk)[0] and signs - facts(kk)[2]
