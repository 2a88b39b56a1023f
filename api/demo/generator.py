"""Deterministic generation of the demo region: its structure, management bodies, accounts and people."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from api.demo import curriculum, names, places
from api.demo.days import local_utc, school_days
from api.demo.params import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAccount, DemoParams, Refs
from api.demo.records import OrgInfo
from api.demo.tables import Ids, Rows
from api.services import iin as iin_codes
from api.services import school_calendar


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
        self.full_days = school_days(params.start_year, date(params.start_year + 1, 6, 30))
        self.days = [d for d in self.full_days if d <= params.today]
        self.quarters = school_calendar.quarters(params.start_year)
        self.now = datetime.combine(params.today, time(6, 0), tzinfo=UTC)  # 11:00 local on «today»
        self.accounts: list[tuple[DemoAccount, int, int]] = []  # account, person id, organization id
        self.quarter_of = {d: q for q in self.quarters for d in self.days if q.starts_on <= d <= q.ends_on}
        # Precomputed moments and texts, so that the hot loops only pick from lists.
        self.day_base = {d: local_utc(d, 0) for d in self.full_days}
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
                self.visit_slots[role].append([local_utc(d, first + k / 12) for k in range(int((end - first) * 12))])
        first_day = date(2019, 8, 1)
        self.registration_days = [
            local_utc(first_day + timedelta(days=k), 12)
            for k in range((date(params.start_year, 9, 1) - first_day).days)
        ]
        hw_rnd = random.Random(f"{params.seed}/homework")
        self.homework_pool = {
            subj: [curriculum.homework_text(hw_rnd, subj, topics[k % len(topics)]) for k in range(40)]
            for subj, topics in curriculum.TOPICS.items()
        }
        self.topic_cycle = {
            subj: [t + suffix for t in topics for suffix in ("", ". Закрепление", ". Практическая работа")]
            for subj, topics in curriculum.TOPICS.items()
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

    def person(
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

    def _adult(self, rows: Rows, rnd: random.Random, sex: str, born: tuple[int, int]) -> int:
        surname, first, patr = names.adult(rnd, sex)
        return self.person(rows, rnd, surname, first, patr, sex, birth(rnd, *born), phone=True)

    # ------------------------------------------------------------------ structure
    def structure(self) -> Rows:
        """The region, its districts, the management bodies and the educational organizations."""
        rows: Rows = defaultdict(list)
        self.region_id = self.ids.take("regions")
        rows["regions"].append((self.region_id, *places.REGION, "oblast"))
        districts: dict[str, int] = {}
        for key, (ru, kk), kind in (
            ("city", places.CITY_DISTRICT, "city"),
            ("rural", places.RURAL_DISTRICT, "district"),
        ):
            districts[key] = self.ids.take("districts")
            rows["districts"].append((districts[key], self.region_id, ru, kk, kind))
        extra = max(0, self.p.schools - len(places.NAMED_ORGANIZATIONS))
        extra_districts = math.ceil(extra / 40)
        for j in range(2, 2 + extra_districts):
            key = f"extra{j}"
            districts[key] = self.ids.take("districts")
            rows["districts"].append(
                (districts[key], self.region_id, f"Тестовый район №{j}", f"№{j} Тест ауданы", "district")
            )

        for code, ru, kk, en, short in curriculum.SUBJECTS:
            sid = self.ids.take("subjects")
            self.subject_ids[code] = sid
            rows["subjects"].append((sid, None, ru, kk, en, short))

        def body(key: str, kind: str, parent: OrgInfo | None, ru: str, kk: str, district: str | None) -> OrgInfo:
            oid = self.ids.take("organizations")
            info = OrgInfo(oid, self.region_id, None)
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

        ministry = body("ministry", "ministry", None, *places.MINISTRY, None)
        regional = body("region", "regional_body", ministry, *places.REGIONAL_BODY, None)
        body("city", "district_body", regional, *places.CITY_BODY, "city")
        body("rural", "district_body", regional, *places.RURAL_BODY, "rural")
        for j in range(2, 2 + extra_districts):
            body(
                f"extra{j}",
                "district_body",
                regional,
                f"Отдел образования Тестового района №{j}",
                f"№{j} Тест ауданының білім бөлімі",
                f"extra{j}",
            )

        specs: list[places.OrgSpec] = list(places.NAMED_ORGANIZATIONS[: self.p.schools])
        for k in range(extra):
            number = 10 + k
            district = f"extra{2 + k // 40}"
            grades = (1, 9) if k % 7 == 3 else (1, 11)
            specs.append(
                places.OrgSpec(
                    f"Средняя школа №{number}" if grades[1] == 11 else f"Основная школа №{number}",
                    f"№{number} орта мектеп" if grades[1] == 11 else f"№{number} негізгі мектеп",
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
                f"{rnd.randrange(100000, 100999)}, Тестовый регион, {place}, {rnd.choice(places.STREETS)}, "
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
            self.orgs.append(OrgInfo(oid, self.region_id, spec))
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
                    local_utc(date(2026, 8, 25), 10),
                    None,
                )
            )
        return rows

    def heads(self) -> list[tuple[int, int]]:
        """(organization id, head person id) for every organization that has a head."""
        out = [(b.id, b.head_person_id) for b in self.bodies.values() if b.head_person_id]
        out += [(o.id, o.head_person_id) for o in self.orgs if o.head_person_id]
        return out


def birth(rnd: random.Random, first_year: int, last_year: int) -> date:
    start = date(first_year, 1, 1).toordinal()
    return date.fromordinal(rnd.randrange(start, date(last_year, 12, 31).toordinal() + 1))


def student_birth(rnd: random.Random, start_year: int, grade: int) -> date:
    """Born between 1 September and 31 August so that the child is 6–7 years old in grade 1."""
    first = date(start_year - 6 - grade, 9, 1).toordinal()
    return date.fromordinal(first + rnd.randrange(365))
