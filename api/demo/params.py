"""What the demo generates (its parameters), its accounts, and the ids the loader hands to the generator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

DEMO_PASSWORD = "demo12345"


@dataclass(frozen=True)
class DemoAccount:
    """A login of the demo: username, the management body it belongs to, its app role."""

    username: str
    body: str  # ministry | region | city | rural
    app_role: str
    position: str


DEMO_ACCOUNTS = (
    DemoAccount("ministry", "ministry", "employee", "Главный эксперт департамента среднего образования"),
    DemoAccount("region", "region", "employee", "Главный специалист отдела общего среднего образования"),
    DemoAccount("district.city", "city", "employee", "Методист отдела образования"),
    DemoAccount("district.rural", "rural", "employee", "Главный специалист отдела образования"),
    DemoAccount("admin", "region", "admin", "Администратор информационных систем"),
)


@dataclass
class DemoParams:
    """What to generate: the seed, the size of the region and the fixed «today» the data runs up to."""

    seed: int = 1
    schools: int = 24
    students_per_class: tuple[int, int] = (15, 30)
    parallels: tuple[int, int] | None = None  # classes per grade; None: by school (city 2–3, village 1)
    today: date = field(default_factory=date.today)
    start_year: int = 2026
    marks_per_lesson: float = 0.42  # share of present students who get a current mark in a lesson

    def validate(self) -> None:
        """Raise ValueError naming the parameter when a value is out of range."""
        lo, hi = self.students_per_class
        if not 1 <= lo <= hi <= 40:
            raise ValueError("students_per_class: expected 1 ≤ low ≤ high ≤ 40")
        if self.parallels is not None and not 1 <= self.parallels[0] <= self.parallels[1] <= 4:
            raise ValueError("parallels: expected 1 ≤ low ≤ high ≤ 4")
        if not 1 <= self.schools <= 5000:
            raise ValueError("schools: expected 1–5000")
        if not 0 <= self.marks_per_lesson <= 1:
            raise ValueError("marks_per_lesson: expected 0–1")
        if self.today < date(self.start_year, 9, 1):
            raise ValueError(f"today: the demo school year starts on {self.start_year}-09-01")


@dataclass
class Refs:
    """Ids of rows the loader created or found before generation (reference tables, years, periods)."""

    type_ids: dict[str, int]
    structure_ids: dict[str, int]
    year_id: int
    prev_year_id: int
    quarter_ids: dict[int, int]
