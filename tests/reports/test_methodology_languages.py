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


# Issue 22: every report that counts who belongs to an organization says the rule and on which day people count,
# in each language.
PEOPLE_REPORTS = {"activity", "staff.composition", "school.about", "school.activity"}


@pytest.mark.parametrize("report_id", sorted(PEOPLE_REPORTS))
@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_methodology_says_on_which_day_people_count(report_id: str, lang: str) -> None:
    from api.services.membership import REPORT_DATE_TEXT, RULE_TEXT, TODAY_TEXT

    text = DEFINITIONS[report_id].methodology[lang]
    assert RULE_TEXT[lang] in text
    assert TODAY_TEXT[lang] in text or REPORT_DATE_TEXT[lang] in text
    # a report with a report date says it counts on that date, not on today
    has_date = "date" in DEFINITIONS[report_id].filters
    assert (REPORT_DATE_TEXT[lang] in text) == has_date, (report_id, has_date)


def test_the_people_reports_are_all_that_state_the_rule() -> None:
    from api.services.membership import RULE_TEXT

    assert {r for r, d in DEFINITIONS.items() if RULE_TEXT["ru"] in d.methodology["ru"]} == PEOPLE_REPORTS
