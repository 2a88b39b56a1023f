"""The generator's in-memory records of what it built: organizations, staff, students, classes, lessons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from api.demo.places import OrgSpec


@dataclass
class OrgInfo:
    """An organization the generator created: a management body (no spec) or an educational organization."""

    id: int
    region_id: int
    spec: OrgSpec | None
    head_person_id: int | None = None


# Mark values by ability (0 excellent … 4 weak), 20 equally likely draws each.
VALUE_TABLE = (
    (5,) * 15 + (4,) * 5,
    (5,) * 6 + (4,) * 11 + (3,) * 3,
    (5,) * 3 + (4,) * 8 + (3,) * 8 + (2,) * 1,
    (5,) * 1 + (4,) * 5 + (3,) * 11 + (2,) * 3,
    (4,) * 3 + (3,) * 10 + (2,) * 6 + (1,) * 1,
)
ABILITY_WEIGHTS = (12, 30, 33, 18, 7)


@dataclass
class Staff:
    person_id: int
    name: str
    sex: str
    speciality: str | None
    load: int = 0
    leads_class: bool = False
    diligence: float = 1.0


@dataclass
class Student:
    person_id: int
    ability: int  # 0 excellent … 4 failing
    starts_on: date
    ends_on: date | None = None
    values: tuple[int, ...] = ()  # the marks this student draws from

    def __post_init__(self) -> None:
        self.values = VALUE_TABLE[self.ability]


@dataclass
class ClassInfo:
    id: int
    grade: int
    letter: str
    students: list[Student]
    teacher_id: int | None = None
    overloaded: bool = False
    assignments: list[tuple[int, str, int, Staff]] = field(default_factory=list)  # id, subject key, hours, teacher


Lesson = tuple[int, int, str, Staff, int | None]  # lesson id, assignment id, subject key, teacher, substitute
