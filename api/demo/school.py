"""The rows of one educational organization: its staff, classes, students and families, accounts and visits."""

from __future__ import annotations

import bisect
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from api.demo import curriculum, names, places
from api.demo.generator import Generator, birth, student_birth
from api.demo.journal import ClassYear
from api.demo.records import ABILITY_WEIGHTS, ClassInfo, OrgInfo, Staff, Student
from api.demo.tables import Rows

LETTERS = ("А", "Б", "В", "Г")
CATEGORIES = ("master", "researcher", "expert", "moderator", "pedagogue", "none")
CATEGORY_WEIGHTS = (3, 10, 20, 25, 25, 17)


def school_rows(gen: Generator) -> Iterator[Rows]:
    """The rows of each educational organization, one organization at a time."""
    for index, org in enumerate(gen.orgs):
        yield SchoolBuilder(gen, org, random.Random(f"{gen.p.seed}/school/{index}")).build()


class SchoolBuilder:
    """All rows of one educational organization."""

    def __init__(self, gen: Generator, org: OrgInfo, rnd: random.Random) -> None:
        self.g = gen
        self.p = gen.p
        self.org = org
        self.rnd = rnd
        self.rows: Rows = defaultdict(list)
        self.staff: list[Staff] = []
        self.families: list[tuple[names.Family, int | None, int | None]] = []
        self.user_of: dict[int, str] = {}  # person id → role counted for registration (staff, student, parent)
        self.parents_in_staff: set[int] = set()

    def _new_staff(self, position: str, role: str, speciality: str | None = None, female: float = 0.8) -> Staff:
        rnd = self.rnd
        sex = "F" if rnd.random() < female else "M"
        surname, first, patr = names.adult(rnd, sex)
        pid = self.g.person(self.rows, rnd, surname, first, patr, sex, birth(rnd, 1962, 2001), phone=True)
        category = rnd.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        started = date(rnd.randrange(1995, 2026), rnd.choice((8, 9, 9, 9, 1)), 1)
        self.rows["staff_posts"].append((self.org.id, self.org.region_id, pid, position, role, category, started))
        s = Staff(pid, f"{surname} {first} {patr}", sex, speciality, diligence=rnd.choice((1.0, 1.0, 1.0, 0.9, 0.7)))
        self.staff.append(s)
        self.user_of[pid] = "staff"
        return s

    def build(self) -> Rows:
        spec = self.org.spec
        assert spec is not None
        rnd = self.rnd
        head = None
        if "head" not in spec.missing:
            head = self._new_staff("Директор", "head", female=0.6)
            self.org.head_person_id = head.person_id
        if spec.grades is None:
            self._other_staff(spec)
        else:
            for _ in range(1 if spec.grades[1] <= 4 else rnd.randrange(2, 4)):
                self._new_staff(
                    rnd.choice(
                        ("Заместитель директора по учебной работе", "Заместитель директора по воспитательной работе")
                    ),
                    "deputy",
                )
            for position, role in (
                ("Педагог-психолог", "psychologist"),
                ("Социальный педагог", "social_pedagogue"),
                ("Библиотекарь", "librarian"),
                ("Секретарь-делопроизводитель", "administrator"),
                ("Старшая вожатая", "other"),
            ):
                if spec.grades[1] > 4 or rnd.random() < 0.3:
                    self._new_staff(position, role)
            self._classes(spec.grades)
        self._registered_and_visits()
        return self.rows

    def _other_staff(self, spec: places.OrgSpec) -> None:
        rnd = self.rnd
        position, role = {
            "preschool": ("Воспитатель", "teacher"),
            "additional": ("Педагог дополнительного образования", "additional_teacher"),
            "college": ("Преподаватель", "teacher"),
        }.get(spec.type_code, ("Учитель", "teacher"))
        self._new_staff("Заместитель руководителя", "deputy")
        for _ in range(rnd.randrange(12, 35)):
            self._new_staff(position, role, female=0.85)
        self._new_staff("Бухгалтер", "other")

    # ------------------------------------------------------------------ classes, teachers, students
    def _classes(self, grades: tuple[int, int]) -> None:
        rnd, g, p = self.rnd, self.g, self.p
        spec = self.org.spec
        assert spec is not None
        if p.parallels is not None:
            lo, hi = p.parallels
        elif spec.structure_code == "branch" or grades[1] <= 4 or spec.district == "rural":
            lo, hi = 1, 1
        elif spec.district == "city":
            lo, hi = 2, 3
        else:
            lo, hi = 1, 3
        classes: list[ClassInfo] = []
        for grade in range(grades[0], grades[1] + 1):
            for k in range(rnd.randint(lo, hi)):
                classes.append(ClassInfo(g.ids.take("classes"), grade, LETTERS[k], []))
        # Teachers: a primary teacher per class of grades 1–4, subject teachers by speciality load.
        need: dict[str, list[tuple[ClassInfo, str, int]]] = defaultdict(list)
        primary: dict[int, Staff] = {}
        for c in classes:
            for subj, hours in curriculum.CURRICULUM[c.grade].items():
                if hours == 0:
                    continue
                if c.grade <= 4 and subj in curriculum.PRIMARY_CLASS_TEACHER_SUBJECTS:
                    if c.id not in primary:
                        primary[c.id] = self._new_staff("Учитель начальных классов", "teacher", "primary", female=0.95)
                        primary[c.id].leads_class = True
                        c.teacher_id = primary[c.id].person_id
                    need["primary:" + str(c.id)].append((c, subj, hours))
                else:
                    need[curriculum.SPECIALITY[subj]].append((c, subj, hours))
        for key, items in need.items():
            if key.startswith("primary:"):
                for c, subj, hours in items:
                    c.assignments.append((g.ids.take("assignments"), subj, hours, primary[c.id]))
                continue
            teachers: list[Staff] = []
            by_class: dict[int, Staff] = {}
            for c, subj, hours in items:
                t = by_class.get(c.id)
                if t is None:
                    t = next((s for s in teachers if s.load + hours <= 24), None)
                    if t is None:
                        t = self._new_staff(curriculum.SPECIALITY_POSITION[key], "teacher", key)
                        teachers.append(t)
                    by_class[c.id] = t
                t.load += hours
                c.assignments.append((g.ids.take("assignments"), subj, hours, t))
        free = [s for s in self.staff if s.speciality not in (None, "primary") and not s.leads_class]
        for c in classes:
            c.overloaded = c.grade >= 2 and rnd.random() < 0.12  # homework over the norm in some classes
            if c.teacher_id is None and free and rnd.random() < 0.96:  # a few classes lack a class teacher
                t = free.pop(rnd.randrange(len(free)))
                t.leads_class = True
                c.teacher_id = t.person_id
        for c in classes:
            self.rows["classes"].append(
                (c.id, self.org.id, self.org.region_id, g.refs.year_id, c.grade, c.letter, c.teacher_id)
            )
            for aid, subj, hours, t in c.assignments:
                self.rows["assignments"].append(
                    (aid, self.org.id, self.org.region_id, c.id, g.subject_ids[subj], t.person_id, hours)
                )
            self._students(c)
        self._movements(classes)
        for c in classes:
            for s in c.students:
                self.rows["enrolments"].append(
                    (self.org.id, self.org.region_id, c.id, s.person_id, s.starts_on, s.ends_on)
                )
        self._previous_year(classes)
        for c in classes:
            ClassYear(g, self.org, self.rows, self.staff, rnd, c).build()

    def _family(self) -> tuple[names.Family, int | None, int | None]:
        rnd = self.rnd
        if self.families and rnd.random() < 0.18:  # a sibling of a child already in the school
            return self.families[rnd.randrange(len(self.families))]
        fam = names.Family(rnd)
        mother = father = None
        staff_mothers = [s for s in self.staff if s.sex == "F" and s.person_id not in self.parents_in_staff]
        if staff_mothers and rnd.random() < 0.05:  # a teacher whose child studies here
            mother = staff_mothers[rnd.randrange(len(staff_mothers))].person_id
            self.parents_in_staff.add(mother)
        elif rnd.random() < 0.95:
            surname, first = names.surname_form(fam.surname, "F"), names.first_name(rnd, "F", fam.kazakh)
            mother = self._parent(fam, "F", surname, first, (1976, 1998))
        if rnd.random() < 0.65:
            father = self._parent(fam, "M", fam.surname, fam.father_name, (1972, 1996))
        entry = (fam, mother, father)
        self.families.append(entry)
        return entry

    def _parent(self, fam: names.Family, sex: str, surname: str, first: str, born: tuple[int, int]) -> int:
        """A parent in `fam` (most with an ИИН), counted for registration as a parent."""
        rnd = self.rnd
        father_name = rnd.choice(names.KAZAKH_MALE if fam.kazakh else names.RUSSIAN_MALE)
        patronymic = names.patronymic(father_name, sex, fam.kazakh_style)
        pid = self.g.person(
            self.rows, rnd, surname, first, patronymic, sex, birth(rnd, *born), with_iin=rnd.random() < 0.9, phone=True
        )
        self.user_of.setdefault(pid, "parent")
        return pid

    def _child(self, fam: names.Family, sex: str, grade: int, school_year: int | None) -> int:
        """A child in `fam` of the age of `grade` in the school year starting in `school_year` (None: no birth date)."""
        rnd = self.rnd
        first = names.first_name(rnd, sex, fam.kazakh)
        born = None if school_year is None else student_birth(rnd, school_year, grade)
        patronymic = names.patronymic(fam.father_name, sex, fam.kazakh_style)
        return self.g.person(self.rows, rnd, names.surname_form(fam.surname, sex), first, patronymic, sex, born)

    def _new_student(self, grade: int, starts_on: date) -> Student:
        rnd = self.rnd
        fam, mother, father = self._family()
        sex = rnd.choice("MF")
        has_birth = rnd.random() > 0.02
        pid = self._child(fam, sex, grade, self.p.start_year if has_birth else None)
        for parent, relation in ((mother, "mother"), (father, "father")):
            if parent is not None:
                self.rows["parent_links"].append((self.org.region_id, parent, pid, relation))
        self.user_of[pid] = "student"
        ability = rnd.choices(range(5), ABILITY_WEIGHTS)[0]
        return Student(pid, ability, starts_on)

    def _students(self, c: ClassInfo) -> None:
        lo, hi = self.p.students_per_class
        start = date(self.p.start_year, 9, 1)
        c.students = [self._new_student(c.grade, start) for _ in range(self.rnd.randint(lo, hi))]

    def _movements(self, classes: list[ClassInfo]) -> None:
        """Students who arrived and departed during the year, and a transfer between parallel classes."""
        rnd, days = self.rnd, [d for d in self.g.days if d.day > 7 or d.month != 9]
        if len(days) < 3:
            return
        order = rnd.randrange(20, 60)

        def move(c: ClassInfo, s: Student, kind: str, on: date, counterpart: str, reason: str) -> None:
            nonlocal order
            order += 1
            self.rows["movements"].append(
                (self.org.id, self.org.region_id, c.id, s.person_id, kind, on, counterpart, reason, f"№ {order}-у")
            )

        for c in classes:
            if rnd.random() < 0.3 and len(c.students) > 2:
                s = c.students[rnd.randrange(len(c.students))]
                on = days[rnd.randrange(1, len(days))]
                s.ends_on = on - timedelta(days=1)
                move(
                    c,
                    s,
                    "departed",
                    on,
                    rnd.choice(places.SCHOOL_COUNTERPARTS),
                    "Поступление в колледж" if c.grade == 10 else rnd.choice(places.DEPART_REASONS[:3]),
                )
            if rnd.random() < 0.3:
                on = days[rnd.randrange(1, len(days))]
                s = self._new_student(c.grade, on)
                c.students.append(s)
                move(c, s, "arrived", on, rnd.choice(places.SCHOOL_COUNTERPARTS), rnd.choice(places.ARRIVE_REASONS))
        by_grade: dict[int, list[ClassInfo]] = defaultdict(list)
        for c in classes:
            by_grade[c.grade].append(c)
        pairs = [v for v in by_grade.values() if len(v) >= 2]
        if pairs:
            a, b = rnd.sample(rnd.choice(pairs), 2)
            candidates = [
                s for s in a.students if s.ends_on is None and s.starts_on.month == 9 and s.starts_on.day == 1
            ]
            if candidates:
                s = candidates[0]
                on = days[rnd.randrange(1, len(days))]
                s.ends_on = on - timedelta(days=1)
                moved = Student(s.person_id, s.ability, on)
                b.students.append(moved)
                move(a, s, "departed", on, f"{b.grade}{b.letter} класс этой школы", "Перевод в параллельный класс")
                move(b, moved, "arrived", on, f"{a.grade}{a.letter} класс этой школы", "Перевод в параллельный класс")

    def _previous_year(self, classes: list[ClassInfo]) -> None:
        """Last year's graduating classes (grades 9 and 11) with the certificates issued to them in June."""
        g, rnd = self.g, self.rnd
        spec = self.org.spec
        assert spec is not None and spec.grades is not None
        prev_start, prev_end = date(self.p.start_year - 1, 9, 1), date(self.p.start_year, 5, 31)
        for c in classes:
            groups: list[tuple[int, list[Student]]] = []
            if c.grade == 10:  # this year's 10th graders finished grade 9 here
                groups.append((9, [s for s in c.students if s.starts_on == prev_end.replace(month=9, day=1)]))
            if c.grade == spec.grades[1] and c.grade in (9, 11):  # last year's leavers, no longer at school
                lo, hi = self.p.students_per_class
                groups.append((c.grade, [self._new_graduate(c.grade) for _ in range(rnd.randint(lo, hi))]))
            for prev_grade, graduates in groups:
                prev_id = g.ids.take("classes")
                self.rows["classes"].append(
                    (prev_id, self.org.id, self.org.region_id, g.refs.prev_year_id, prev_grade, c.letter, None)
                )
                doc_type, series = ("basic_certificate", "НБ") if prev_grade == 9 else ("general_certificate", "ЖОБ")
                issued = date(self.p.start_year, 6, 10 if prev_grade == 9 else 20)
                for s in graduates:
                    self.rows["enrolments"].append(
                        (self.org.id, self.org.region_id, prev_id, s.person_id, prev_start, prev_end)
                    )
                    g.doc_numbers[doc_type] += 1
                    self.rows["education_documents"].append(
                        (
                            self.org.id,
                            self.org.region_id,
                            prev_id,
                            s.person_id,
                            doc_type,
                            series,
                            f"{g.doc_numbers[doc_type]:07d}",
                            issued,
                            s.ability == 0 and rnd.random() < 0.5,
                        )
                    )

    def _new_graduate(self, grade: int) -> Student:
        rnd = self.rnd
        fam = names.Family(rnd)
        sex = rnd.choice("MF")
        pid = self._child(fam, sex, grade, self.p.start_year - 1)
        return Student(pid, rnd.choices(range(5), ABILITY_WEIGHTS)[0], date(self.p.start_year - 1, 9, 1))

    # ------------------------------------------------------------------ accounts and visits
    def _registered_and_visits(self) -> None:
        """Registered users (a users row without app role) and their visits over the last 60 days."""
        g, rnd = self.g, self.rnd
        random = rnd.random
        share = {"staff": 0.9, "student": 0.7, "parent": 0.55}
        rate = {"staff": 4.0, "student": 1.5, "parent": 0.8}  # visits a week
        org, reg = self.org.id, self.org.region_id
        visits = self.rows["visits"]
        cum, total = g.visit_cum, g.visit_cum[-1]
        uid = g.ids.next["users"]
        for pid, role in self.user_of.items():
            if random() >= share[role]:
                continue
            expected = rate[role] / 7 * 60 * (0.2 + 1.4 * random())
            k = min(60, max(0, int(rnd.gauss(expected, math.sqrt(expected + 1)))))
            visited = sorted({bisect.bisect_left(cum, random() * total) for _ in range(k)})
            slots = g.visit_slots[role]
            last = None
            for i in visited:
                day_slots = slots[i]
                last = day_slots[int(random() * len(day_slots))]
                visits.append((uid, org, reg, last))
            registered = g.registration_days[int(random() * len(g.registration_days))]
            if last is not None and registered > last:
                registered = last - timedelta(days=1)
            self.rows["users"].append((uid, pid, org, reg, None, None, None, "active", registered, last))
            uid += 1
        g.ids.next["users"] = uid
