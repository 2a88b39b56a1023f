"""Deterministic generation of the demo region's rows (plain Python, streamed school by school)."""

from __future__ import annotations

import bisect
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from api.demo import catalog, names
from api.services import iin as iin_codes
from api.services import school_calendar

Row = tuple[object, ...]
Rows = dict[str, list[Row]]

# Column lists of the COPY of each table, in the order the rows are built.
COLUMNS: dict[str, tuple[str, ...]] = {
    "regions": ("id", "name_ru", "name_kk", "kind"),
    "districts": ("id", "region_id", "name_ru", "name_kk", "kind"),
    "subjects": ("id", "organization_id", "name_ru", "name_kk", "name_en", "short_name"),
    "organizations": (
        "id",
        "parent_id",
        "kind",
        "region_id",
        "district_id",
        "type_id",
        "structure_id",
        "name_ru",
        "name_kk",
        "short_name",
        "description",
        "postal_address",
        "building_address",
        "phones",
        "email",
        "website",
        "license_number",
        "license_date",
        "license_issuer",
        "accreditation_number",
        "accreditation_date",
        "accreditation_valid_until",
    ),
    "persons": ("id", "region_id", "surname", "first_name", "patronymic", "sex", "birth_date", "iin", "phone", "email"),
    "staff_posts": ("organization_id", "region_id", "person_id", "position", "role_kind", "category", "started_on"),
    "structural_units": ("organization_id", "name_ru", "name_kk", "head_person_id", "phone", "email", "sort_order"),
    "parent_links": ("region_id", "parent_person_id", "child_person_id", "relation"),
    "users": (
        "id",
        "person_id",
        "organization_id",
        "region_id",
        "username",
        "password_hash",
        "app_role",
        "status",
        "registered_at",
        "last_seen_at",
    ),
    "visits": ("user_id", "organization_id", "region_id", "visited_at"),
    "classes": ("id", "organization_id", "region_id", "academic_year_id", "grade", "letter", "class_teacher_person_id"),
    "assignments": (
        "id",
        "organization_id",
        "region_id",
        "class_id",
        "subject_id",
        "teacher_person_id",
        "hours_per_week",
    ),
    "enrolments": ("organization_id", "region_id", "class_id", "student_person_id", "starts_on", "ends_on"),
    "lessons": (
        "id",
        "organization_id",
        "region_id",
        "class_id",
        "assignment_id",
        "subject_id",
        "teacher_person_id",
        "date",
        "number",
        "topic",
        "status",
        "substitute_person_id",
        "change_reason",
        "from_timetable",
    ),
    "homework": ("organization_id", "region_id", "class_id", "lesson_id", "text", "minutes", "due_on"),
    "marks": (
        "id",
        "organization_id",
        "region_id",
        "class_id",
        "subject_id",
        "student_person_id",
        "lesson_id",
        "period_id",
        "kind",
        "value",
        "not_attested",
        "date",
        "entered_by_person_id",
        "entered_at",
    ),
    "journal_changes": (
        "organization_id",
        "region_id",
        "mark_id",
        "class_id",
        "subject_id",
        "student_person_id",
        "lesson_date",
        "mark_kind",
        "action",
        "old_value",
        "new_value",
        "changed_by_person_id",
        "changed_by",
        "changed_at",
    ),
    "absences": ("organization_id", "region_id", "class_id", "lesson_id", "student_person_id", "date", "reason"),
    "movements": (
        "organization_id",
        "region_id",
        "class_id",
        "student_person_id",
        "kind",
        "date",
        "counterpart",
        "reason",
        "order_number",
    ),
    "education_documents": (
        "organization_id",
        "region_id",
        "class_id",
        "student_person_id",
        "doc_type",
        "series",
        "number",
        "issued_on",
        "with_honours",
    ),
}
# Tables whose ids the generator assigns itself (the loader moves their sequences past them afterwards).
EXPLICIT_ID_TABLES = (
    "regions",
    "districts",
    "subjects",
    "organizations",
    "persons",
    "users",
    "classes",
    "assignments",
    "lessons",
    "marks",
)
# The order in which buffered rows are written, parents before children.
WRITE_ORDER = (
    "persons",
    "staff_posts",
    "structural_units",
    "parent_links",
    "users",
    "visits",
    "classes",
    "assignments",
    "enrolments",
    "lessons",
    "homework",
    "marks",
    "journal_changes",
    "absences",
    "movements",
    "education_documents",
)

ALMATY = timedelta(hours=5)  # local school time is UTC+5
LETTERS = ("А", "Б", "В", "Г")
CATEGORIES = ("master", "researcher", "expert", "moderator", "pedagogue", "none")
CATEGORY_WEIGHTS = (3, 10, 20, 25, 25, 17)
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
    prev_year_period_id: int


@dataclass
class OrgInfo:
    id: int
    kind: str
    region_id: int
    district_key: str
    spec: catalog.OrgSpec | None
    name_ru: str
    head_person_id: int | None = None


class Ids:
    """Id counters for the tables whose ids the generator assigns."""

    def __init__(self, bases: dict[str, int]) -> None:
        self.next = {t: bases.get(t, 0) + 1 for t in EXPLICIT_ID_TABLES}

    def take(self, table: str) -> int:
        v = self.next[table]
        self.next[table] = v + 1
        return v

    def last(self, table: str) -> int:
        return self.next[table] - 1


def _utc(day: date, local_hour: float) -> datetime:
    """A moment of the local school day (UTC+5) as an aware UTC datetime."""
    minutes = int(local_hour * 60)
    return datetime.combine(day, time(minutes // 60 % 24, minutes % 60), tzinfo=UTC) - ALMATY


class Generator:
    """Builds the rows of the demo region; the same parameters give the same rows."""

    def __init__(self, params: DemoParams, refs: Refs, id_bases: dict[str, int]) -> None:
        params.validate()
        self.p = params
        self.refs = refs
        self.ids = Ids(id_bases)
        self.used_iins: set[str] = set()
        self.doc_numbers: dict[str, int] = defaultdict(int)
        self.orgs: list[OrgInfo] = []
        self.bodies: dict[str, OrgInfo] = {}
        self.region_id = 0
        self.subject_ids: dict[str, int] = {}
        self.full_days = catalog.school_days(params.start_year, date(params.start_year + 1, 6, 30))
        self.days = [d for d in self.full_days if d <= params.today]
        self.quarters = school_calendar.quarters(params.start_year)
        self.now = datetime.combine(params.today, time(6, 0), tzinfo=UTC)  # 11:00 local on «today»
        self.accounts: list[tuple[DemoAccount, int, int]] = []  # account, person id, organization id
        self.quarter_of = {d: q for q in self.quarters for d in self.days if q.starts_on <= d <= q.ends_on}
        # Precomputed moments and texts, so that the hot loops only pick from lists.
        self.day_base = {d: _utc(d, 0) for d in self.full_days}
        self.enter_offsets = [timedelta(minutes=9 * 60 + 5 * k) for k in range(96)]  # 09:00–17:00 local
        self.late_offsets = [timedelta(days=k) for k in range(1, 7)]
        last60 = [params.today - timedelta(days=k) for k in range(59, -1, -1)]
        weekday_weight = (1.0, 1.0, 0.95, 0.9, 0.8, 0.35, 0.3)
        self.visit_cum: list[float] = []
        acc = 0.0
        for d in last60:
            acc += weekday_weight[d.weekday()] * (0.4 if d == params.today else 1.0)
            self.visit_cum.append(acc)
        windows = {"staff": (7.5, 21.0), "student": (13.5, 21.5), "parent": (18.0, 22.5)}
        self.visit_slots: dict[str, list[list[datetime]]] = {}
        for role, (lo, hi) in windows.items():
            self.visit_slots[role] = []
            for d in last60:
                first, end = (lo, hi) if d != params.today else (7.0, 11.0)  # «today» only up to 11:00
                self.visit_slots[role].append([_utc(d, first + k / 12) for k in range(int((end - first) * 12))])
        first_day = date(2019, 8, 1)
        self.registration_days = [
            _utc(first_day + timedelta(days=k), 12) for k in range((date(params.start_year, 9, 1) - first_day).days)
        ]
        hw_rnd = random.Random(f"{params.seed}/homework")
        self.homework_pool = {
            subj: [_homework_text(hw_rnd, subj, topics[k % len(topics)]) for k in range(40)]
            for subj, topics in catalog.TOPICS.items()
        }
        self.topic_cycle = {
            subj: [t + suffix for t in topics for suffix in ("", ". Закрепление", ". Практическая работа")]
            for subj, topics in catalog.TOPICS.items()
        }

    # ------------------------------------------------------------------ people
    def _iin(self, rnd: random.Random, birth: date, sex: str) -> str:
        serial = rnd.randrange(10000)
        for _ in range(10000):
            code = iin_codes.make(birth, sex, serial)
            if code not in self.used_iins:
                self.used_iins.add(code)
                return code
            serial = (serial + 1) % 10000
        raise RuntimeError(f"no free ИИН left for {birth} {sex}")

    def _person(
        self,
        rows: Rows,
        rnd: random.Random,
        surname: str,
        first: str,
        patronymic: str | None,
        sex: str,
        birth: date | None,
        *,
        with_iin: bool = True,
        phone: bool = False,
    ) -> int:
        pid = self.ids.take("persons")
        code = self._iin(rnd, birth, sex) if with_iin and birth is not None else None
        tel = (
            f"+7 7{rnd.choice('0157')}{rnd.randrange(10)} {rnd.randrange(100, 1000)} {rnd.randrange(10, 100)} "
            f"{rnd.randrange(10, 100)}"
            if phone
            else None
        )
        rows["persons"].append((pid, self.region_id, surname, first, patronymic, sex, birth, code, tel, None))
        return pid

    def _adult(self, rows: Rows, rnd: random.Random, sex: str, born: tuple[int, int], phone: bool = True) -> int:
        surname, first, patr = names.adult(rnd, sex)
        return self._person(rows, rnd, surname, first, patr, sex, _birth(rnd, *born), phone=phone)

    def _category(self, rnd: random.Random) -> str:
        return rnd.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]

    # ------------------------------------------------------------------ structure
    def structure(self) -> Rows:
        """The region, its districts, the management bodies and the educational organizations."""
        rows: Rows = defaultdict(list)
        self.region_id = self.ids.take("regions")
        rows["regions"].append((self.region_id, *catalog.REGION, "oblast"))
        districts: dict[str, int] = {}
        for key, (ru, kk), kind in (
            ("city", catalog.CITY_DISTRICT, "city"),
            ("rural", catalog.RURAL_DISTRICT, "district"),
        ):
            districts[key] = self.ids.take("districts")
            rows["districts"].append((districts[key], self.region_id, ru, kk, kind))
        extra = max(0, self.p.schools - len(catalog.NAMED_ORGANIZATIONS))
        extra_districts = math.ceil(extra / 40)
        for j in range(2, 2 + extra_districts):
            key = f"extra{j}"
            districts[key] = self.ids.take("districts")
            rows["districts"].append(
                (districts[key], self.region_id, f"Тестовый район №{j}", f"№{j} Тест ауданы", "district")
            )

        for code, ru, kk, en, short in catalog.SUBJECTS:
            sid = self.ids.take("subjects")
            self.subject_ids[code] = sid
            rows["subjects"].append((sid, None, ru, kk, en, short))

        def body(key: str, kind: str, parent: OrgInfo | None, ru: str, kk: str, district: str | None) -> OrgInfo:
            oid = self.ids.take("organizations")
            info = OrgInfo(oid, kind, self.region_id, district or "", None, ru)
            rid = None if kind == "ministry" else self.region_id
            did = districts[district] if district else None
            slug = {"ministry": "minedu", "region": "uo", "city": "goo", "rural": "roo"}.get(key, f"ro{key[5:]}")
            rows["organizations"].append(
                (
                    oid,
                    parent.id if parent else None,
                    kind,
                    rid,
                    did,
                    None,
                    None,
                    ru,
                    kk,
                    None,
                    f"{ru}: орган управления образованием.",
                    "100000, Тестовый регион, г. Тест, пр. Республики, 1",
                    "100000, Тестовый регион, г. Тест, пр. Республики, 1",
                    "8 (7212) 50-10-10",
                    f"{slug}@edu.test.kz",
                    f"{slug}.test.edu.kz",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                )
            )
            self.bodies[key] = info
            return info

        ministry = body("ministry", "ministry", None, *catalog.MINISTRY, None)
        regional = body("region", "regional_body", ministry, *catalog.REGIONAL_BODY, None)
        body("city", "district_body", regional, *catalog.CITY_BODY, "city")
        body("rural", "district_body", regional, *catalog.RURAL_BODY, "rural")
        for j in range(2, 2 + extra_districts):
            body(
                f"extra{j}",
                "district_body",
                regional,
                f"Отдел образования Тестового района №{j}",
                f"№{j} Тест ауданының білім бөлімі",
                f"extra{j}",
            )

        specs: list[catalog.OrgSpec] = list(catalog.NAMED_ORGANIZATIONS[: self.p.schools])
        for k in range(extra):
            number = 10 + k
            district = f"extra{2 + k // 40}"
            grades = (1, 9) if k % 7 == 3 else (1, 11)
            specs.append(
                catalog.OrgSpec(
                    f"Средняя школа №{number}" if grades[1] == 11 else f"Основная школа №{number}",
                    f"№{number} орта мектеп" if grades[1] == 11 else f"№{number} негізгі мектеп",
                    "general",
                    "independent",
                    district,
                    grades,
                )
            )
        for i, spec in enumerate(specs):
            rnd = random.Random(f"{self.p.seed}/org/{i}")
            parent = regional if spec.regional else self.bodies[spec.district]
            oid = self.ids.take("organizations")
            city = spec.district == "city"
            place = "г. Тест" if city else rnd.choice(("с. Берёзовка", "с. Жаңаталап", "с. Қарасу", "с. Талды"))
            addr = (
                f"{rnd.randrange(100000, 100999)}, Тестовый регион, {place}, {rnd.choice(catalog.STREETS)}, "
                f"{rnd.randrange(1, 120)}"
            )
            contacts = "contacts" not in spec.missing
            lic = "license" not in spec.missing
            acc = "accreditation" not in spec.missing
            lic_date = date(rnd.randrange(2008, 2024), rnd.randrange(1, 13), rnd.randrange(1, 29))
            acc_date = date(rnd.randrange(2019, 2025), rnd.randrange(1, 13), rnd.randrange(1, 29))
            rows["organizations"].append(
                (
                    oid,
                    parent.id,
                    "school",
                    self.region_id,
                    districts[spec.district],
                    self.refs.type_ids[spec.type_code],
                    self.refs.structure_ids[spec.structure_code],
                    spec.name_ru,
                    spec.name_kk,
                    None,
                    None,
                    addr if contacts or rnd.random() < 0.5 else None,
                    addr if contacts else None,
                    f"8 (7212) {rnd.randrange(20, 80)}-{rnd.randrange(10, 100)}-{rnd.randrange(10, 100)}"
                    if contacts
                    else None,
                    f"school{oid}@edu.test.kz" if contacts else None,
                    f"school{oid}.test.edu.kz" if contacts and rnd.random() < 0.6 else None,
                    f"KZ{rnd.randrange(10, 99)}LAA{rnd.randrange(10**7, 10**8)}" if lic else None,
                    lic_date if lic else None,
                    "ГУ «Управление образования Тестового региона»" if lic else None,
                    f"№ {rnd.randrange(1000, 9999)}" if acc else None,
                    acc_date if acc else None,
                    date(acc_date.year + 5, acc_date.month, acc_date.day) if acc else None,
                )
            )
            self.orgs.append(OrgInfo(oid, "school", self.region_id, spec.district, spec, spec.name_ru))
        return rows

    # ------------------------------------------------------------------ management bodies
    def bodies_staff(self) -> Rows:
        """Employees of the management bodies, their structural units and the demo accounts' persons."""
        rows: Rows = defaultdict(list)
        rnd = random.Random(f"{self.p.seed}/bodies")
        units = {
            "ministry": ("Департамент среднего образования", "Департамент дошкольного образования"),
            "region": ("Отдел общего среднего образования", "Отдел дошкольного образования", "Отдел кадров"),
        }
        for key, info in self.bodies.items():
            head = self._adult(rows, rnd, rnd.choice("MF"), (1965, 1982))
            info.head_person_id = head
            rid = None if key == "ministry" else self.region_id
            rows["staff_posts"].append((info.id, rid, head, "Руководитель", "head", "none", date(2019, 9, 1)))
            for _ in range(2 if key in ("ministry", "region") else 1):
                dep = self._adult(rows, rnd, rnd.choice("MF"), (1968, 1988))
                rows["staff_posts"].append(
                    (
                        info.id,
                        rid,
                        dep,
                        "Заместитель руководителя",
                        "deputy",
                        "none",
                        date(rnd.randrange(2015, 2025), 9, 1),
                    )
                )
            specialists = []
            for _ in range(rnd.randrange(4, 9)):
                sp = self._adult(rows, rnd, rnd.choice("FFM"), (1970, 2000))
                specialists.append(sp)
                rows["staff_posts"].append(
                    (
                        info.id,
                        rid,
                        sp,
                        rnd.choice(("Главный специалист", "Ведущий специалист", "Методист")),
                        "specialist",
                        "none",
                        date(rnd.randrange(2012, 2026), 9, 1),
                    )
                )
            for order, name in enumerate(units.get(key, ())):
                rows["structural_units"].append(
                    (
                        info.id,
                        name,
                        None,
                        specialists[order % len(specialists)],
                        f"8 (7212) 50-1{order}-1{order}",
                        None,
                        order,
                    )
                )
            for account in DEMO_ACCOUNTS:
                if account.body == key:
                    person = self._adult(rows, rnd, rnd.choice("MF"), (1975, 1998))
                    role = "administrator" if account.app_role == "admin" else "specialist"
                    rows["staff_posts"].append((info.id, rid, person, account.position, role, "none", date(2020, 9, 1)))
                    self.accounts.append((account, person, info.id))
        return rows

    def account_users(self, hash_password: Callable[[str], str]) -> Rows:
        """The users rows of the demo accounts, each with its own hash of the demo password."""
        rows: Rows = defaultdict(list)
        for account, person, org_id in self.accounts:
            rid = None if account.body == "ministry" else self.region_id
            rows["users"].append(
                (
                    self.ids.take("users"),
                    person,
                    org_id,
                    rid,
                    account.username,
                    hash_password(DEMO_PASSWORD),
                    account.app_role,
                    "active",
                    _utc(date(2026, 8, 25), 10),
                    None,
                )
            )
        return rows

    def heads(self) -> list[tuple[int, int]]:
        """(organization id, head person id) for every organization that has a head."""
        out = [(b.id, b.head_person_id) for b in self.bodies.values() if b.head_person_id]
        out += [(o.id, o.head_person_id) for o in self.orgs if o.head_person_id]
        return out

    # ------------------------------------------------------------------ schools
    def schools(self) -> Iterator[Rows]:
        """The rows of each educational organization, one organization at a time."""
        for index, org in enumerate(self.orgs):
            yield SchoolBuilder(self, org, random.Random(f"{self.p.seed}/school/{index}")).build()


def _birth(rnd: random.Random, first_year: int, last_year: int) -> date:
    start = date(first_year, 1, 1).toordinal()
    return date.fromordinal(rnd.randrange(start, date(last_year, 12, 31).toordinal() + 1))


def _student_birth(rnd: random.Random, start_year: int, grade: int) -> date:
    """Born between 1 September and 31 August so that the child is 6–7 years old in grade 1."""
    first = date(start_year - 6 - grade, 9, 1).toordinal()
    return date.fromordinal(first + rnd.randrange(365))


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

    def _post(self, person: int, position: str, role: str, category: str | None = None) -> None:
        rnd = self.rnd
        self.rows["staff_posts"].append(
            (
                self.org.id,
                self.org.region_id,
                person,
                position,
                role,
                category or self.g._category(rnd),
                date(rnd.randrange(1995, 2026), rnd.choice((8, 9, 9, 9, 1)), 1),
            )
        )

    def _new_staff(self, position: str, role: str, speciality: str | None = None, female: float = 0.8) -> Staff:
        rnd = self.rnd
        sex = "F" if rnd.random() < female else "M"
        surname, first, patr = names.adult(rnd, sex)
        pid = self.g._person(self.rows, rnd, surname, first, patr, sex, _birth(rnd, 1962, 2001), phone=True)
        self._post(pid, position, role)
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

    def _other_staff(self, spec: catalog.OrgSpec) -> None:
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
            for subj, hours in catalog.CURRICULUM[c.grade].items():
                if hours == 0:
                    continue
                if c.grade <= 4 and subj in catalog.PRIMARY_CLASS_TEACHER_SUBJECTS:
                    if c.id not in primary:
                        primary[c.id] = self._new_staff("Учитель начальных классов", "teacher", "primary", female=0.95)
                        primary[c.id].leads_class = True
                        c.teacher_id = primary[c.id].person_id
                    need["primary:" + str(c.id)].append((c, subj, hours))
                else:
                    need[catalog.SPECIALITY[subj]].append((c, subj, hours))
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
                        t = self._new_staff(catalog.SPECIALITY_POSITION[key], "teacher", key)
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
            ClassYear(self, c).build()

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
            mother = self.g._person(
                self.rows,
                rnd,
                names.surname_form(fam.surname, "F"),
                names.first_name(rnd, "F", fam.kazakh),
                names.patronymic(
                    rnd.choice(names.KAZAKH_MALE if fam.kazakh else names.RUSSIAN_MALE), "F", fam.kazakh_style
                ),
                "F",
                _birth(rnd, 1976, 1998),
                with_iin=rnd.random() < 0.9,
                phone=True,
            )
            self.user_of.setdefault(mother, "parent")
        if rnd.random() < 0.65:
            father = self.g._person(
                self.rows,
                rnd,
                fam.surname,
                fam.father_name,
                names.patronymic(
                    rnd.choice(names.KAZAKH_MALE if fam.kazakh else names.RUSSIAN_MALE), "M", fam.kazakh_style
                ),
                "M",
                _birth(rnd, 1972, 1996),
                with_iin=rnd.random() < 0.9,
                phone=True,
            )
            self.user_of.setdefault(father, "parent")
        entry = (fam, mother, father)
        self.families.append(entry)
        return entry

    def _new_student(self, grade: int, starts_on: date) -> Student:
        rnd, g = self.rnd, self.g
        fam, mother, father = self._family()
        sex = rnd.choice("MF")
        has_birth = rnd.random() > 0.02
        pid = g._person(
            self.rows,
            rnd,
            names.surname_form(fam.surname, sex),
            names.first_name(rnd, sex, fam.kazakh),
            names.patronymic(fam.father_name, sex, fam.kazakh_style),
            sex,
            _student_birth(rnd, self.p.start_year, grade) if has_birth else None,
        )
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
                    rnd.choice(catalog.SCHOOL_COUNTERPARTS),
                    "Поступление в колледж" if c.grade == 10 else rnd.choice(catalog.DEPART_REASONS[:3]),
                )
            if rnd.random() < 0.3:
                on = days[rnd.randrange(1, len(days))]
                s = self._new_student(c.grade, on)
                c.students.append(s)
                move(c, s, "arrived", on, rnd.choice(catalog.SCHOOL_COUNTERPARTS), rnd.choice(catalog.ARRIVE_REASONS))
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
        pid = self.g._person(
            self.rows,
            rnd,
            names.surname_form(fam.surname, sex),
            names.first_name(rnd, sex, fam.kazakh),
            names.patronymic(fam.father_name, sex, fam.kazakh_style),
            sex,
            _student_birth(rnd, self.p.start_year - 1, grade),
        )
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


Lesson = tuple[int, int, str, "Staff", int | None]  # lesson id, assignment id, subject key, teacher, substitute


class ClassYear:
    """The journal of one class this year: timetable, lessons, homework, absences, marks."""

    def __init__(self, sb: SchoolBuilder, c: ClassInfo) -> None:
        self.sb = sb
        self.g = sb.g
        self.c = c
        self.rnd = sb.rnd
        self.org_id = sb.org.id
        self.region_id = sb.org.region_id

    def _timetable(self) -> list[list[tuple[int, str, Staff]]]:
        """Assignments for each weekday (Monday–Friday), in lesson order."""
        slots: list[tuple[int, str, Staff]] = []
        for aid, subj, hours, t in sorted(self.c.assignments, key=lambda a: (-a[2], a[1])):
            slots.extend([(aid, subj, t)] * hours)
        week: list[list[tuple[int, str, Staff]]] = [[] for _ in range(5)]
        offset = self.rnd.randrange(5)
        for i, slot in enumerate(slots):
            week[(i + offset) % 5].append(slot)
        for day in week:
            self.rnd.shuffle(day)
        return week

    def build(self) -> None:
        g, rnd, c, rows = self.g, self.rnd, self.c, self.sb.rows
        random = rnd.random
        week = self._timetable()
        teachers = [s for s in self.sb.staff if s.speciality is not None]
        # Dates of each assignment's lessons over the whole year: homework is due at the next one.
        assignment_days: dict[int, list[date]] = defaultdict(list)
        for d in g.full_days:
            for aid, _, _ in week[d.weekday()]:
                assignment_days[aid].append(d)
        org, reg, cid = self.org_id, self.region_id, c.id
        day_lessons: dict[date, list[Lesson]] = {}
        count: dict[int, int] = defaultdict(int)
        with_homework = c.grade >= 2
        hw_scale = (1.7 if c.overloaded else 1.0) * (10 + 2.2 * c.grade)
        quarantine: set[date] = set()
        if random() < 0.08 and len(g.days) > 20:
            qs = rnd.randrange(len(g.days) - 3)
            quarantine = set(g.days[qs : qs + rnd.randrange(1, 4)])
        lessons, homework = rows["lessons"], rows["homework"]
        lid = g.ids.next["lessons"]
        subject_ids, light = g.subject_ids, catalog.LIGHT_SUBJECTS
        for d in g.days:
            todays: list[Lesson] = []
            for number, (aid, subj, t) in enumerate(week[d.weekday()], start=1):
                count[aid] += 1
                i = count[aid]
                r = random()
                substitute = None
                reason = None
                status = "held"
                if d in quarantine:
                    status, reason = "cancelled", catalog.CANCEL_REASONS[0]
                elif r < 0.008:
                    status, reason = "cancelled", catalog.CANCEL_REASONS[1 + int(random() * 3)]
                elif r < 0.03 and len(teachers) > 1:
                    sub = teachers[int(random() * len(teachers))]
                    if sub.person_id != t.person_id:
                        status, substitute = "replaced", sub.person_id
                        reason = catalog.REPLACE_REASONS[int(random() * len(catalog.REPLACE_REASONS))]
                cycle = g.topic_cycle[subj]
                topic = cycle[(i - 1) % len(cycle)] if random() < 0.97 * t.diligence + 0.02 else None
                lessons.append(
                    (
                        lid,
                        org,
                        reg,
                        cid,
                        aid,
                        subject_ids[subj],
                        t.person_id,
                        d,
                        number,
                        topic,
                        status,
                        substitute,
                        reason,
                        True,
                    )
                )
                if status != "cancelled":
                    todays.append((lid, aid, subj, t, substitute))
                    if with_homework and subj not in light and random() < 0.8 * t.diligence:
                        dates = assignment_days[aid]
                        j = bisect.bisect_right(dates, d)
                        due = dates[j] if j < len(dates) else d + timedelta(days=7)
                        minutes = max(5, int((0.6 + 0.8 * random()) * hw_scale / 5) * 5)
                        pool = g.homework_pool[subj]
                        homework.append((org, reg, cid, lid, pool[int(random() * len(pool))], minutes, due))
                lid += 1
            if todays:
                day_lessons[d] = todays
        g.ids.next["lessons"] = lid
        absent = self._absences(day_lessons)
        if c.grade >= 2:  # first graders get no marks in Kazakhstan
            self._marks(day_lessons, absent, assignment_days)

    def _active(self, d: date) -> list[Student]:
        return [s for s in self.c.students if s.starts_on <= d and (s.ends_on is None or d <= s.ends_on)]

    def _absences(self, day_lessons: dict[date, list[Lesson]]) -> set[int]:
        """Absences by reason; returns the keys (lesson id << 24 | student id) of those not present (not the late)."""
        rnd, rows = self.rnd, self.sb.rows
        random = rnd.random
        days = sorted(day_lessons)
        absent: set[int] = set()
        if not days:
            return absent
        out = rows["absences"]
        org, reg, cid = self.org_id, self.region_id, self.c.id
        for s in self.c.students:
            mine = [d for d in days if s.starts_on <= d and (s.ends_on is None or d <= s.ends_on)]
            if not mine:
                continue
            spid = s.person_id
            seen: set[int] = set()
            n = len(mine)
            scale = n / 60
            picks: list[tuple[date, int, str]] = []
            episodes = rnd.choices((0, 1, 2), (45, 40, 15))[0] if random() < scale * 1.5 else 0
            for _ in range(episodes):
                start = int(random() * n)
                for d in mine[start : start + rnd.randint(2, 5)]:
                    picks.extend((d, lesson[0], "illness") for lesson in day_lessons[d])
            if random() < 0.25 * scale:
                d = mine[int(random() * n)]
                picks.extend((d, lesson[0], "valid") for lesson in day_lessons[d])
            for _ in range(int(random() * (2 + s.ability))):
                if random() < scale:
                    d = mine[int(random() * n)]
                    todays = day_lessons[d]
                    picks.append((d, todays[int(random() * len(todays))][0], "unexcused"))
            for _ in range(int(random() * 4)):
                if random() < scale:
                    d = mine[int(random() * n)]
                    picks.append((d, day_lessons[d][0][0], "late"))
            for d, lesson_id, reason in picks:
                if lesson_id in seen:
                    continue
                seen.add(lesson_id)
                out.append((org, reg, cid, lesson_id, spid, d, reason))
                if reason != "late":
                    absent.add(lesson_id << 24 | spid)
        return absent

    def _marks(
        self, day_lessons: dict[date, list[Lesson]], absent: set[int], assignment_days: dict[int, list[date]]
    ) -> None:
        """Current marks, СОР and СОЧ on lessons, and the quarter marks of the quarters that have ended."""
        g, rnd, c = self.g, self.rnd, self.c
        random = rnd.random
        marks = self.sb.rows["marks"]
        journal = self.sb.rows["journal_changes"]
        org, reg, cid = self.org_id, self.region_id, c.id
        share = g.p.marks_per_lesson
        now = g.now
        subject_ids, light = g.subject_ids, catalog.LIGHT_SUBJECTS
        quarter_ids, quarter_of = g.refs.quarter_ids, g.quarter_of
        enter, n_enter, late_offsets = g.enter_offsets, len(g.enter_offsets), g.late_offsets
        teacher_name = {s.person_id: s.name for s in self.sb.staff}
        # Summative assessment, planned over each quarter's timetable: two СОР a subject (at about a third
        # and two thirds of its lessons) and, from grade 5, a СОЧ at the last lesson but one.
        summative: dict[tuple[int, date], str] = {}
        for aid, subj, _, _ in c.assignments:
            if subj not in catalog.SUMMATIVE_SUBJECTS:
                continue
            for q in g.quarters:
                planned = [d for d in assignment_days[aid] if q.starts_on <= d <= q.ends_on]
                n = len(planned)
                if n < 3:
                    continue
                summative[(aid, planned[int(n * 0.35)])] = "sor"
                summative[(aid, planned[int(n * 0.7)])] = "sor"
                if c.grade >= 5 and n >= 6:
                    summative[(aid, planned[-2])] = "soch"
        # Sum and count of current marks per (quarter, assignment, student), packed as sum << 12 | count.
        sums: dict[int, dict[int, int]] = {q.number: {} for q in g.quarters}
        mid = g.ids.next["marks"]
        for d in sorted(day_lessons):
            qn = quarter_of[d].number
            acc = sums[qn]
            period_id = quarter_ids[qn]
            active = self._active(d)
            n = len(active)
            if not n:
                continue
            doubled = active + active
            base = g.day_base[d]
            for lesson_id, aid, subj, t, substitute in day_lessons[d]:
                author = substitute or t.person_id
                entered = base + enter[int(random() * n_enter)]
                if random() < 0.06 * (2 - t.diligence):
                    entered += late_offsets[int(random() * 6)]
                if entered > now:
                    entered = now
                kind = summative.get((aid, d))
                marked: list[Student]
                if kind is None:
                    kind = "current"
                    k = int(n * share * (0.45 if subj in light else 1.0) * (0.5 + random()))
                    if not k:
                        continue
                    start = int(random() * n)
                    marked = doubled[start : start + k]
                else:
                    marked = active
                current = kind == "current"
                sid = subject_ids[subj]
                key_lesson = lesson_id << 24
                key_asg = aid << 24
                for s in marked:
                    spid = s.person_id
                    if key_lesson | spid in absent:
                        continue
                    value = s.values[int(random() * 20)]
                    if current:
                        r = random()
                        if r < 0.006:  # an edited or deleted mark, with its history in the journal
                            old = value % 5 + 1 if r < 0.0045 else value
                            when = min(entered + late_offsets[int(random() * 6)], now)
                            name = teacher_name.get(author)
                            journal.append(
                                (
                                    org,
                                    reg,
                                    mid,
                                    cid,
                                    sid,
                                    spid,
                                    d,
                                    kind,
                                    "created",
                                    None,
                                    str(old),
                                    author,
                                    name,
                                    entered,
                                )
                            )
                            if r >= 0.0045:
                                journal.append(
                                    (
                                        org,
                                        reg,
                                        mid,
                                        cid,
                                        sid,
                                        spid,
                                        d,
                                        kind,
                                        "deleted",
                                        str(old),
                                        None,
                                        author,
                                        name,
                                        when,
                                    )
                                )
                                mid += 1
                                continue
                            journal.append(
                                (
                                    org,
                                    reg,
                                    mid,
                                    cid,
                                    sid,
                                    spid,
                                    d,
                                    kind,
                                    "changed",
                                    str(old),
                                    str(value),
                                    author,
                                    name,
                                    when,
                                )
                            )
                        key = key_asg | spid
                        acc[key] = acc.get(key, 0) + (value << 12) + 1
                    marks.append(
                        (mid, org, reg, cid, sid, spid, lesson_id, period_id, kind, value, False, d, author, entered)
                    )
                    mid += 1
        g.ids.next["marks"] = mid
        self._period_marks(sums)

    def _period_marks(self, sums: dict[int, dict[int, int]]) -> None:
        """Quarter marks for the quarters that have ended: the rounded average of current marks, a few «н/а»."""
        g, rnd, c = self.g, self.rnd, self.c
        random = rnd.random
        marks = self.sb.rows["marks"]
        mid = g.ids.next["marks"]
        for q in g.quarters:
            if q.ends_on >= g.p.today:
                continue
            acc = sums[q.number]
            at = _utc(q.ends_on, 15) + timedelta(days=1)
            period_id = g.refs.quarter_ids[q.number]
            students = [
                s for s in c.students if s.starts_on <= q.ends_on and (s.ends_on is None or s.ends_on >= q.ends_on)
            ]
            for aid, subj, _, t in c.assignments:
                sid = g.subject_ids[subj]
                for s in students:
                    packed = acc.get(aid << 24 | s.person_id, 0)
                    total, n = packed >> 12, packed & 4095
                    if n == 0:  # no current mark this quarter (a light subject): graded on other work
                        total, n = s.values[int(random() * 20)], 1
                    if random() < 0.003:
                        marks.append(
                            (
                                mid,
                                self.org_id,
                                self.region_id,
                                c.id,
                                sid,
                                s.person_id,
                                None,
                                period_id,
                                "quarter",
                                None,
                                True,
                                q.ends_on,
                                t.person_id,
                                at,
                            )
                        )
                    else:
                        value = max(1, min(5, math.floor(total / n + 0.5)))
                        marks.append(
                            (
                                mid,
                                self.org_id,
                                self.region_id,
                                c.id,
                                sid,
                                s.person_id,
                                None,
                                period_id,
                                "quarter",
                                value,
                                False,
                                q.ends_on,
                                t.person_id,
                                at,
                            )
                        )
                    mid += 1
        g.ids.next["marks"] = mid


def _homework_text(rnd: random.Random, subj: str, topic: str) -> str:
    key = "math" if subj in ("math", "alg", "geom") else subj
    templates = catalog.HOMEWORK.get(key, catalog.HOMEWORK["default"])
    e = rnd.randrange(1, 400)
    return rnd.choice(templates).format(
        n=rnd.randrange(1, 40),
        q=rnd.randrange(3, 8),
        p=rnd.randrange(5, 250),
        e=e,
        e2=e + rnd.randrange(1, 6),
        t=topic,
    )
